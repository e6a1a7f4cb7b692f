-- The columns of a table's files (their union, with the partition column).
DESCRIBE SELECT * FROM read_parquet({{lit .Glob}}, hive_partitioning = true, union_by_name = true{{if .Partitioned}}, hive_types = {'call_month': VARCHAR}{{end}})
