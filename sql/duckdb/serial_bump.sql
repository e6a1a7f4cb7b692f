UPDATE _gongload_meta SET serial = serial + 1
