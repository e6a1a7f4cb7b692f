-- The columns of every table of the destination, in table order.
SELECT table_name, column_name
FROM information_schema.columns
WHERE table_catalog = current_database()
  AND table_schema = 'main'
ORDER BY table_name, ordinal_position
