package peers

import (
	"context"
	"database/sql"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Rows never closed.
func rowsNeverClosed(db *sql.DB) ([]string, error) {
	rows, err := db.Query("SELECT name FROM users")
	if err != nil {
		return nil, err
	}
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// Rows deferred-closed: no leak.
func rowsDeferred(ctx context.Context, db *sql.DB) (int, error) {
	rows, err := db.QueryContext(ctx, "SELECT 1")
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

// Rows closed at the end, leaked by the return on a Scan error.
func rowsSomePaths(ctx context.Context, db *sql.DB) ([]int, error) {
	rows, err := db.QueryContext(ctx, "SELECT id FROM t")
	if err != nil {
		return nil, err
	}
	var ids []int
	for rows.Next() {
		var id int
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	return ids, nil
}

// Rows closed without defer on the only path.
func rowsClosedPlainly(ctx context.Context, db *sql.DB) bool {
	rows, err := db.QueryContext(ctx, "SELECT 1")
	if err != nil {
		return false
	}
	ok := rows.Next()
	rows.Close()
	return ok
}

func closeRows(rows *sql.Rows) { rows.Close() }

// Rows closed by a helper of this package.
func rowsClosedInHelper(ctx context.Context, db *sql.DB) bool {
	rows, err := db.QueryContext(ctx, "SELECT 1")
	if err != nil {
		return false
	}
	defer closeRows(rows)
	return rows.Next()
}

// Rows returned: the caller owns them.
func rowsReturned(ctx context.Context, db *sql.DB) (*sql.Rows, error) {
	return db.QueryContext(ctx, "SELECT 1")
}

// A prepared statement never closed.
func stmtNeverClosed(ctx context.Context, db *sql.DB) error {
	stmt, err := db.PrepareContext(ctx, "INSERT INTO t VALUES (?)")
	if err != nil {
		return err
	}
	_, err = stmt.ExecContext(ctx, 1)
	return err
}

// QueryRow holds no connection once scanned: no leak.
func queryRow(ctx context.Context, db *sql.DB) (int, error) {
	var n int
	err := db.QueryRowContext(ctx, "SELECT 1").Scan(&n)
	return n, err
}

// pgx rows never closed.
func pgxNeverClosed(ctx context.Context, conn *pgx.Conn) (int, error) {
	rows, err := conn.Query(ctx, "SELECT 1")
	if err != nil {
		return 0, err
	}
	n := 0
	for rows.Next() {
		n++
	}
	return n, rows.Err()
}

// pgxpool rows deferred-closed: no leak.
func pgxPoolClosed(ctx context.Context, pool *pgxpool.Pool) (int, error) {
	rows, err := pool.Query(ctx, "SELECT 1")
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

// pgx rows inside a transaction never closed.
func pgxTxNeverClosed(ctx context.Context, tx pgx.Tx) error {
	rows, err := tx.Query(ctx, "SELECT 1")
	if err != nil {
		return err
	}
	for rows.Next() {
	}
	return rows.Err()
}

type searchHits struct{ Total int }

type searchIndex struct{}

func (searchIndex) Query(q string) (searchHits, error) { return searchHits{}, nil }

// A search index's Query: not SQL rows.
func searchLookAlike(s searchIndex) int {
	h, err := s.Query("go")
	if err != nil {
		return 0
	}
	return h.Total
}

// A transaction committed with no rollback on the error path.
func txNoRollback(ctx context.Context, db *sql.DB) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM t"); err != nil {
		return err
	}
	return tx.Commit()
}

// Rows from a *sql.Conn never closed.
func connRowsNeverClosed(ctx context.Context, conn *sql.Conn) (bool, error) {
	rows, err := conn.QueryContext(ctx, "SELECT 1")
	if err != nil {
		return false, err
	}
	return rows.Next(), nil
}

// A statement prepared on a transaction: closed when the transaction ends.
func txStmt(ctx context.Context, tx *sql.Tx) error {
	stmt, err := tx.PrepareContext(ctx, "INSERT INTO t VALUES (?)")
	if err != nil {
		return err
	}
	_, err = stmt.ExecContext(ctx, 1)
	return err
}

// Rows opened in every iteration of a loop, never closed.
func rowsInLoop(ctx context.Context, db *sql.DB, ids []int) int {
	n := 0
	for _, id := range ids {
		rows, err := db.QueryContext(ctx, "SELECT * FROM t WHERE id = ?", id)
		if err != nil {
			continue
		}
		if rows.Next() {
			n++
		}
	}
	return n
}
