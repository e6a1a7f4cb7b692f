-- Session settings of the writer connection. Times are stored and compared in
-- UTC; the rest of the configuration (memory_limit, threads, temp_directory,
-- preserve_insertion_order) is passed when the database is opened.
SET TimeZone = 'UTC'
