-- The partitions that the calls moving into a partition leave.
SELECT DISTINCT old FROM {{ident .Moved}} WHERE month = {{lit .Partition}} ORDER BY old
