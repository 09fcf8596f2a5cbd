// Package pgxpool is a stand-in for github.com/jackc/pgx/v5/pgxpool in gofix's golden tests.
package pgxpool

import (
	"context"

	"github.com/jackc/pgx/v5"
)

// Pool is a connection pool.
type Pool struct{ c *pgx.Conn }

// New opens a pool.
func New(ctx context.Context, url string) (*Pool, error) { return &Pool{c: &pgx.Conn{}}, nil }

// Query runs sql on a pooled connection.
func (p *Pool) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	return p.c.Query(ctx, sql, args...)
}

// Begin starts a transaction.
func (p *Pool) Begin(ctx context.Context) (pgx.Tx, error) { return p.c.Begin(ctx) }
