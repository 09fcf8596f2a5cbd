package p

import (
	"context"
	"database/sql"
	"errors"
	"log"
)

var errInsufficient = errors.New("insufficient funds")

func transfer(ctx context.Context, db *sql.DB, from, to, amount int64) error {
	tx, err := db.BeginTx(ctx, nil) // want "committed but never rolled back"
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var balance int64
	if err := tx.QueryRowContext(ctx, "SELECT balance FROM accounts WHERE id = ?", from).Scan(&balance); err != nil {
		return err
	}
	if balance < amount {
		return errInsufficient
	}
	if _, err := tx.ExecContext(ctx, "UPDATE accounts SET balance = balance - ? WHERE id = ?", amount, from); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "UPDATE accounts SET balance = balance + ? WHERE id = ?", amount, to); err != nil {
		return err
	}
	return tx.Commit()
}

func insert(db *sql.DB, name string) error {
	tx, err := db.Begin() // want "never rolled back"
	if err != nil {
		log.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.Exec("INSERT INTO users(name) VALUES (?)", name); err != nil {
		return err
	}
	return tx.Commit()
}

// Passing tx to helpers is fine: this function commits it, so it owns it.
func withHelper(ctx context.Context, db *sql.DB, names []string) error {
	tx, err := db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelSerializable}) // want "never rolled back"
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, n := range names {
		if err := insertName(ctx, tx, n); err != nil {
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	return nil
}

func insertName(ctx context.Context, tx *sql.Tx, name string) error {
	_, err := tx.ExecContext(ctx, "INSERT INTO users(name) VALUES (?)", name)
	return err
}

// One transaction per batch, inside a loop: the Rollback goes at the end of the body.
func batches(db *sql.DB, batches [][]string) {
	for _, batch := range batches {
		tx, err := db.Begin() // want "never rolled back"
		if err != nil {
			continue
		}
		for _, n := range batch {
			_, _ = tx.Exec("INSERT INTO users(name) VALUES (?)", n)
		}
		if len(batch) > 0 {
			_ = tx.Commit()
		}
		tx.Rollback()
	}
}
