-- The columns of Parquet files (their union).
DESCRIBE SELECT * FROM read_parquet([{{lits .Files}}], hive_partitioning = false, union_by_name = true)
