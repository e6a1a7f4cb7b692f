-- 1 when the state tables exist (the destination was migrated), else 0.
SELECT count(*)
FROM information_schema.tables
WHERE table_catalog = current_database()
  AND table_schema = 'main'
  AND table_name = '_gongload_meta'
