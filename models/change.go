package models

import "fmt"

// Action is what a schema change does.
type Action int

// The schema actions a plan can show.
const (
	CreateTable Action = iota + 1 // "+ table"
	AddColumn                     // "~ table: + column"
)

// String returns the action's plan symbol and word.
func (a Action) String() string {
	switch a {
	case CreateTable:
		return "create table"
	case AddColumn:
		return "add column"
	default:
		return fmt.Sprintf("Action(%d)", int(a))
	}
}

// Change is one schema change needed to bring a destination to the models.
type Change struct {
	Action Action
	Table  *Table
	Column Column // for AddColumn
}

// String renders the change for humans: "create table calls (31 columns)" or
// "add column calls.brief VARCHAR".
func (c Change) String() string {
	switch c.Action {
	case CreateTable:
		return fmt.Sprintf("create table %s (%d columns)", c.Table.Name, len(c.Table.AllColumns()))
	case AddColumn:
		return fmt.Sprintf("add column %s.%s (%s)", c.Table.Name, c.Column.Name, c.Column.Type)
	}
	return c.Action.String()
}

// Diff returns the changes that bring a destination table whose columns are
// named existing (nil: the table does not exist) to the declaration t.
// Columns are only ever added: a column the destination has and t does not is
// left alone, so data written by a newer gongload is never dropped.
func Diff(t *Table, existing []string) []Change {
	if existing == nil {
		return []Change{{Action: CreateTable, Table: t}}
	}
	have := make(map[string]bool, len(existing))
	for _, n := range existing {
		have[n] = true
	}
	var out []Change
	for _, c := range t.AllColumns() {
		if !have[c.Name] {
			out = append(out, Change{Action: AddColumn, Table: t, Column: c})
		}
	}
	return out
}
