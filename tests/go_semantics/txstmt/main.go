// Whether database/sql closes a statement prepared on a transaction when the transaction
// ends (unclosed-rows leaves tx.Prepare alone), and that one prepared on the DB stays open.
// A driver of our own counts the Close calls of its statements.
package main

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"sync/atomic"
)

var closed atomic.Int32

type drv struct{}

func (drv) Open(string) (driver.Conn, error) { return conn{}, nil }

type conn struct{}

func (conn) Prepare(string) (driver.Stmt, error) { return stmt{}, nil }
func (conn) Close() error                        { return nil }
func (conn) Begin() (driver.Tx, error)           { return tx{}, nil }

type tx struct{}

func (tx) Commit() error   { return nil }
func (tx) Rollback() error { return nil }

type stmt struct{}

func (stmt) Close() error  { closed.Add(1); return nil }
func (stmt) NumInput() int { return -1 }
func (stmt) Exec([]driver.Value) (driver.Result, error) {
	return driver.RowsAffected(1), nil
}
func (stmt) Query([]driver.Value) (driver.Rows, error) { return nil, errors.New("no rows") }

func viaTx(db *sql.DB, end func(*sql.Tx) error) int32 {
	before := closed.Load()
	t, err := db.BeginTx(context.Background(), nil)
	if err != nil {
		panic(err)
	}
	s, err := t.Prepare("x")
	if err != nil {
		panic(err)
	}
	if _, err := s.Exec(); err != nil {
		panic(err)
	}
	if err := end(t); err != nil {
		panic(err)
	}
	return closed.Load() - before
}

func main() {
	sql.Register("counting", drv{})
	db, err := sql.Open("counting", "")
	if err != nil {
		panic(err)
	}
	defer db.Close()
	fmt.Println("tx prepare, commit: closed", viaTx(db, (*sql.Tx).Commit))
	fmt.Println("tx prepare, rollback: closed", viaTx(db, (*sql.Tx).Rollback))
	before := closed.Load()
	s, err := db.Prepare("x")
	if err != nil {
		panic(err)
	}
	if _, err := s.Exec(); err != nil {
		panic(err)
	}
	fmt.Println("db prepare, no Close: closed", closed.Load()-before)
}
