-- Write a registered Arrow view to a Parquet file as the lake's files are
-- written (BenchmarkWriteParquet).
COPY (SELECT * FROM {{ident .View}}) TO {{lit .File}} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE {{.RowGroupRows}}, ROW_GROUP_SIZE_BYTES '128MB')
