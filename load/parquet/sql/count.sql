SELECT count(*) FROM {{ident .Name}}
