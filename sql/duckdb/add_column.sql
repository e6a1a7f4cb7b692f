-- A column the declaration has and the destination lacks; old rows get NULL.
ALTER TABLE {{ident .Table}} ADD COLUMN {{ident .Column.Name}} {{duckType .Column.Type}}
