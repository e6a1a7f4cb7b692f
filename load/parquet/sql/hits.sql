-- The rows of a partition's file that a commit deletes or moves away.
SELECT count(*) FROM read_parquet({{lit .File}}, hive_partitioning = false) AS o
WHERE {{template "deleted" .Del}}
