DROP VIEW IF EXISTS {{ident .Name}}
