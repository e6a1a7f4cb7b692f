// Command gongload copies everything a Gong account holds through the Gong
// API v2 into DuckDB or Parquet, keeps it current with incremental reloads,
// and ships SQL views for analysis. See README.md.
package main

import (
	"context"
	"os"

	"github.com/gongload/gongload/internal/cli"
)

func main() {
	os.Exit(cli.Main(context.Background(), os.Args, os.Stdout, os.Stderr))
}
