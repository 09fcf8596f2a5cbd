package p

import (
	"context"
	"database/sql"
	"net/http"
)

// Already the context forms.
func good(ctx context.Context, db *sql.DB, c *http.Client, u string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	_, err = db.ExecContext(ctx, "SELECT 1")
	return err
}

// Receivers whose type the file does not show: not reported.
type cache struct{ m map[string]string }

func (c *cache) Get(k string) string { return c.m[k] }

type querier interface {
	Query(q string, args ...any) (*sql.Rows, error)
}

func unknown(ctx context.Context, c *cache, q querier) {
	_ = c.Get("k")
	rows, err := q.Query("SELECT 1")
	if err == nil {
		rows.Close()
	}
}

// A look-alike: a local variable named http.
type fakeHTTP struct{}

func (fakeHTTP) Get(string) error { return nil }

func lookAlike(ctx context.Context) {
	http := fakeHTTP{}
	_ = http.Get("u")
}

// *sql.Conn has no context-free methods; *sql.Stmt has no Prepare.
func conn(ctx context.Context, db *sql.DB) error {
	c, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	return c.Close()
}
