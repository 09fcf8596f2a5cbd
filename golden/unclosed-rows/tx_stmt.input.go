package p

import (
	"context"
	"database/sql"
)

// A statement prepared on a transaction is closed when the transaction commits or rolls
// back (database/sql documents it): no finding.
func insertAll(ctx context.Context, db *sql.DB, vals []int) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	stmt, err := tx.PrepareContext(ctx, "INSERT INTO t VALUES (?)")
	if err != nil {
		return err
	}
	for _, v := range vals {
		if _, err := stmt.ExecContext(ctx, v); err != nil {
			return err
		}
	}
	return tx.Commit()
}

func onTx(tx *sql.Tx) error {
	stmt, err := tx.Prepare("DELETE FROM t")
	if err != nil {
		return err
	}
	_, err = stmt.Exec()
	return err
}

// One prepared on a connection is not: it stays open until closed.
func onConn(ctx context.Context, conn *sql.Conn) error {
	stmt, err := conn.PrepareContext(ctx, "DELETE FROM t") // want "statement returned by PrepareContext is never closed"
	if err != nil {
		return err
	}
	_, err = stmt.ExecContext(ctx)
	return err
}
