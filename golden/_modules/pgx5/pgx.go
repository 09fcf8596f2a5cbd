// Package pgx is a stand-in for github.com/jackc/pgx/v5 in gofix's golden tests: only the
// shapes the unclosed-rows rule matches (Conn.Query, Tx.Query, Rows.Close).
package pgx

import "context"

// Rows is the result of a query; Close returns its connection and returns nothing.
type Rows interface {
	Close()
	Err() error
	Next() bool
	Scan(dest ...any) error
}

// Tx is a transaction.
type Tx interface {
	Query(ctx context.Context, sql string, args ...any) (Rows, error)
	Commit(ctx context.Context) error
	Rollback(ctx context.Context) error
}

// Conn is one connection.
type Conn struct{}

type rows struct{ n int }

func (r *rows) Close()                 {}
func (r *rows) Err() error             { return nil }
func (r *rows) Next() bool             { r.n++; return r.n < 2 }
func (r *rows) Scan(dest ...any) error { return nil }

// Connect opens a connection.
func Connect(ctx context.Context, url string) (*Conn, error) { return &Conn{}, nil }

// Query runs sql.
func (c *Conn) Query(ctx context.Context, sql string, args ...any) (Rows, error) { return &rows{}, nil }

// Begin starts a transaction.
func (c *Conn) Begin(ctx context.Context) (Tx, error) { return nil, nil }
