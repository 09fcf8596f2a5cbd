package p

import (
	"context"
	"database/sql"
	"net/url"
)

func deferred(db *sql.DB) (int, error) {
	rows, err := db.Query("SELECT 1")
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		n++
	}
	return n, rows.Err()
}

// The caller closes the rows.
func returned(ctx context.Context, db *sql.DB) (*sql.Rows, error) {
	rows, err := db.QueryContext(ctx, "SELECT 1")
	if err != nil {
		return nil, err
	}
	if !rows.Next() {
		return rows, nil
	}
	return rows, nil
}

func passed(db *sql.DB) (int, error) {
	rows, err := db.Query("SELECT 1")
	if err != nil {
		return 0, err
	}
	return scanAll(rows)
}

func scanAll(rows *sql.Rows) (int, error) {
	defer rows.Close()
	n := 0
	for rows.Next() {
		n++
	}
	return n, rows.Err()
}

// QueryRow has nothing to close.
func one(db *sql.DB) (int, error) {
	var n int
	err := db.QueryRow("SELECT 1").Scan(&n)
	return n, err
}

// A Query that is not database/sql: the result is not used as rows.
func params(u *url.URL) string {
	q := u.Query()
	return q.Get("page")
}

type search struct{}

type hits struct{ Total int }

func (search) Query(string) (*hits, error) { return &hits{}, nil }

func lookAlike(s search) int {
	h, err := s.Query("go")
	if err != nil {
		return 0
	}
	return h.Total
}

// Prepared but never used as a statement here.
func prepared(db *sql.DB) (*sql.Stmt, error) {
	stmt, err := db.Prepare("SELECT 1")
	if err != nil {
		return nil, err
	}
	return stmt, nil
}

func suppressed(db *sql.DB) int {
	rows, err := db.Query("SELECT 1") //nolint:sqlclosecheck // closed by the pool reaper
	if err != nil {
		return 0
	}
	n := 0
	for rows.Next() {
		n++
	}
	return n
}
