package p

import (
	"context"
	"database/sql"
	"net/http"
	"testing"
	"time"
)

// A context declared in the function is used by the fix.
func local(db *sql.DB) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_, err := db.Exec("DELETE FROM t") // want "db.Exec runs with no context.*\\(ctx\\); use db.ExecContext\\(ctx, ...\\)"
	return err
}

// Declared after the call: not in scope there.
func declaredLater(db *sql.DB) error {
	_, err := db.Exec("SELECT 1") // want "db.Exec runs with no context.*accept a context.Context.*no automatic fix: no context in scope"
	if err != nil {
		return err
	}
	ctx := context.Background()
	_, err = db.ExecContext(ctx, "SELECT 2")
	return err
}

// A handler literal's own request.
func routes(db *sql.DB) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		db.Exec("UPDATE hits SET n = n + 1") // want "db.Exec runs with no context.*\\(r.Context\\(\\)\\); use db.ExecContext\\(r.Context\\(\\), ...\\)"
	})
}

// An *http.Request outside a handler signature is some other request: its context is
// not this call's.
func record(db *sql.DB, r *http.Request) error {
	_, err := db.Exec("INSERT INTO log VALUES (?)", r.URL.Path) // want "db.Exec runs with no context.*no automatic fix: no context in scope"
	return err
}

// Before Go 1.24 a test has no t.Context().
func TestQuery(t *testing.T) {
	db, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		t.Skip(err)
	}
	defer db.Close()
	if _, err := db.Exec("SELECT 1"); err != nil { // want "db.Exec runs with no context.*no automatic fix: t.Context\\(\\) needs Go >= 1.24"
		t.Fatal(err)
	}
}
