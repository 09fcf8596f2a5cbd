package p

import (
	"context"
	"database/sql"
	"net/http"
)

// No context anywhere here: a hint, no fix.
func count(db *sql.DB) (int, error) {
	var n int
	err := db.QueryRow("SELECT count(*) FROM t").Scan(&n) // want "db.QueryRow runs with no context.*; if the caller can be cancelled, accept a context.Context and use db.QueryRowContext\\(ctx, ...\\)"
	return n, err
}

func ping(u string) error {
	resp, err := http.Head(u) // want "http.Head sends a request with no context.*accept a context.Context"
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

// A goroutine does not see the function's context (it may outlive it): a hint.
func background(ctx context.Context, db *sql.DB) {
	go func() {
		db.Exec("DELETE FROM sessions WHERE expired") // want "db.Exec runs with no context.*may run after the function returns.*context.WithoutCancel\\(ctx\\) \\(Go >= 1.21\\), and use db.ExecContext\\(ctx, ...\\)"
	}()
	defer db.Exec("UNLOCK") // want "db.Exec runs with no context.*may run after the function returns"
}

// The parameter is named _ or re-declared: a warning, no fix.
func unnamed(_ context.Context, db *sql.DB) {
	db.Exec("SELECT 1") // want "dropping this function's context; use db.ExecContext\\(ctx, ...\\); no automatic fix: name the function's context.Context parameter"
}

func shadowed(ctx context.Context, db *sql.DB) {
	if ctx := "x"; ctx != "" {
		db.Exec(ctx) // want "; no automatic fix: ctx is re-declared here"
	}
}
