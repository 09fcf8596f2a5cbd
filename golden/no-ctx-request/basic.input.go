package p

import (
	"context"
	"database/sql"
	"io"
	"net/http"
)

func load(ctx context.Context, db *sql.DB, id int) (string, error) {
	var name string
	err := db.QueryRow("SELECT name FROM t WHERE id = ?", id).Scan(&name) // want "db.QueryRow runs with no context, so nothing can cancel it or bound it with a deadline, dropping this function's context \\(ctx\\); use db.QueryRowContext\\(ctx, ...\\)"
	return name, err
}

func update(ctx context.Context, db *sql.DB, args ...any) error {
	tx, err := db.Begin() // want "db.Begin runs with no context"
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.Exec("UPDATE t SET n = ?", args...); err != nil { // want "tx.Exec runs with no context"
		return err
	}
	stmt, err := tx.Prepare("INSERT INTO log VALUES (?)") // want "tx.Prepare runs"
	if err != nil {
		return err
	}
	defer stmt.Close()
	if _, err := stmt.Exec(1); err != nil { // want "stmt.Exec runs"
		return err
	}
	rows, err := db.Query( // want "use db.QueryContext\\(ctx, ...\\)"
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
	return http.NewRequest(http.MethodPost, url, body) // want "http.NewRequest creates a request with no context.*use http.NewRequestWithContext\\(ctx, ...\\)"
}
