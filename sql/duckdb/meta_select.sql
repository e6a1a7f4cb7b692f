SELECT serial, lineage FROM _gongload_meta LIMIT 1
