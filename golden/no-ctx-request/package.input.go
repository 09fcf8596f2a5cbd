package p

import (
	"context"
	"database/sql"
	"errors"
)

// The receivers' types are declared in another file of the package.
func (s *store) count(ctx context.Context) (int, error) {
	var n int
	err := s.db.QueryRow("SELECT count(*) FROM t").Scan(&n) // want "s.db.QueryRow runs with no context"
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if _, err := s.kv.Query("k"); err != nil {
		return 0, err
	}
	return n, err
}
