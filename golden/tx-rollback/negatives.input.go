package p

import (
	"context"
	"database/sql"
)

func rolledBack(db *sql.DB) error {
	tx, err := db.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.Exec("DELETE FROM sessions"); err != nil {
		return err
	}
	return tx.Commit()
}

// Rolled back by hand on the error path: not this rule's business.
func manual(db *sql.DB) error {
	tx, err := db.Begin()
	if err != nil {
		return err
	}
	if _, err := tx.Exec("DELETE FROM sessions"); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

// Never committed here: the caller finishes the transaction.
func begin(ctx context.Context, db *sql.DB) (*sql.Tx, error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	return tx, nil
}

// Returned after a commit on one path: the caller owns it.
func maybe(db *sql.DB, commit bool) (*sql.Tx, error) {
	tx, err := db.Begin()
	if err != nil {
		return nil, err
	}
	if commit {
		return nil, tx.Commit()
	}
	return tx, nil
}

// tx is assigned twice: one deferred Rollback would cover the first transaction only.
func twice(db *sql.DB) error {
	tx, err := db.Begin()
	if err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	tx, err = db.Begin()
	if err != nil {
		return err
	}
	return tx.Commit()
}

type unit struct{}

func (unit) Begin() (*unit, error) { return &unit{}, nil }
func (unit) Commit() error         { return nil }

// A look-alike whose Begin has nothing to roll back.
func lookAlike(u unit) error {
	w, err := u.Begin()
	if err != nil {
		return err
	}
	return w.Commit()
}

func suppressed(db *sql.DB) error {
	tx, err := db.Begin() //gofix:ignore tx-rollback
	if err != nil {
		return err
	}
	return tx.Commit()
}
