// gofix-test: modules=pgx5
package p

import (
	"context"

	"github.com/jackc/pgx/v5"
)

// The pool's type comes from repo.go, another file of the package.
func (r *repo) names(ctx context.Context) ([]string, error) {
	rows, err := r.pool.Query(ctx, "SELECT name FROM users") // want "rows returned by Query are never closed"
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

func count(ctx context.Context, conn *pgx.Conn) (int, error) {
	rows, err := conn.Query(ctx, "SELECT 1") // want "rows returned by Query are never closed"
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

func inTx(ctx context.Context, tx pgx.Tx) error {
	rows, err := tx.Query(ctx, "SELECT 1") // want "rows returned by Query are never closed"
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
	}
	return rows.Err()
}

// Closed: no finding.
func closed(ctx context.Context, conn *pgx.Conn) error {
	rows, err := conn.Query(ctx, "SELECT 1")
	if err != nil {
		return err
	}
	defer rows.Close()
	return rows.Err()
}

// A Query that is not pgx: no finding.
func lookAlike(s search) int {
	h, err := s.Query("go")
	if err != nil {
		return 0
	}
	return h.Total
}

// No error check: the rows may be nil.
func unchecked(ctx context.Context, conn *pgx.Conn) bool {
	rows, err := conn.Query(ctx, "SELECT 1") // want "never closed.*no automatic fix: no `if err != nil"
	ok := err == nil && rows.Next()
	return ok
}
