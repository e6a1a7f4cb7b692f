-- Session settings of the in-memory DuckDB: times are compared and their
-- months taken in UTC. memory_limit, threads, temp_directory and
-- preserve_insertion_order are passed when it is opened.
SET TimeZone = 'UTC'
