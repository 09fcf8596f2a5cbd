package p

import (
	"context"
	"database/sql"
	"io"
	"net/http"
)

func load(ctx context.Context, db *sql.DB, id int) (string, error) {
	var name string
	err := db.QueryRowContext(ctx, "SELECT name FROM t WHERE id = ?", id).Scan(&name) // want "db.QueryRow runs with no context, so nothing can cancel it or bound it with a deadline, dropping this function's context \\(ctx\\); use db.QueryRowContext\\(ctx, ...\\)"
	return name, err
}

func update(ctx context.Context, db *sql.DB, args ...any) error {
	tx, err := db.BeginTx(ctx, nil) // want "db.Begin runs with no context"
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, "UPDATE t SET n = ?", args...); err != nil { // want "tx.Exec runs with no context"
		return err
	}
	stmt, err := tx.PrepareContext(ctx, "INSERT INTO log VALUES (?)") // want "tx.Prepare runs"
	if err != nil {
		return err
	}
	defer stmt.Close()
	if _, err := stmt.ExecContext(ctx, 1); err != nil { // want "stmt.Exec runs"
		return err
	}
	rows, err := db.QueryContext( // want "use db.QueryContext\\(ctx, ...\\)"
		ctx,
		"SELECT id FROM t WHERE n > ?",
		len(args),
	)
	if err != nil {
		return err
	}
	rows.Close()
	return tx.Commit()
}

func build(ctx context.Context, url string, body io.Reader) (*http.Request, error) {
	return http.NewRequestWithContext(ctx, http.MethodPost, url, body) // want "http.NewRequest creates a request with no context.*use http.NewRequestWithContext\\(ctx, ...\\)"
}
