DROP TABLE IF EXISTS temp.main.{{ident .Name}}
