package p

import (
	"context"
	"database/sql"
)

func begin(ctx context.Context, db *sql.DB, stmt *sql.Stmt) error {
	if err := db.PingContext(ctx); err != nil { // want "db.Ping runs with no context.*use db.PingContext\\(ctx\\)"
		return err
	}
	tx, err := db.BeginTx(ctx, nil) // want "db.Begin runs with no context.*use db.BeginTx\\(ctx, nil\\)"
	if err != nil {
		return err
	}
	defer tx.Rollback()
	s := tx.StmtContext(ctx, stmt)                // want "tx.Stmt runs with no context.*use tx.StmtContext\\(ctx, ...\\)"
	if _, err := s.ExecContext(ctx); err != nil { // want "s.Exec runs with no context"
		return err
	}
	return tx.Commit()
}

// Commit and Rollback have no context form; Conn has only context methods.
func negatives(ctx context.Context, db *sql.DB) error {
	c, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	tx, err := c.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	return tx.Commit()
}
