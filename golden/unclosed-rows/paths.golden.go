package p

import (
	"database/sql"
	"errors"
)

type Order struct {
	ID    int64
	Total int64
}

// A failed Scan returns before rows.Close().
func orders(db *sql.DB) ([]Order, error) {
	rows, err := db.Query("SELECT id, total FROM orders") // want "rows is closed on some paths only: the return on line 23 skips rows.Close"
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Order
	for rows.Next() {
		var o Order
		if err := rows.Scan(&o.ID, &o.Total); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	rows.Close()
	return out, rows.Err()
}

// The early Close is load-bearing: with a pool of one connection (db.SetMaxOpenConns(1))
// the QueryRow below waits for the rows' connection until the rows are closed. The defer
// is added and the early Close stays.
func sumThenCount(db *sql.DB) (int64, int64, error) {
	rows, err := db.Query("SELECT total FROM orders") // want "closed on some paths only"
	if err != nil {
		return 0, 0, err
	}
	defer rows.Close()
	var sum int64
	for rows.Next() {
		var t int64
		if err := rows.Scan(&t); err != nil {
			return 0, 0, err
		}
		sum += t
	}
	rows.Close()
	var n int64
	if err := db.QueryRow("SELECT count(*) FROM orders").Scan(&n); err != nil {
		return 0, 0, err
	}
	return sum, n, nil
}

// The final Close right before a return that calls nothing is replaced by the defer.
func exists(db *sql.DB, id int64) (bool, error) {
	stmt, err := db.Prepare("SELECT 1 FROM orders WHERE id = ?") // want "stmt is closed on some paths only"
	if err != nil {
		return false, err
	}
	defer stmt.Close()
	if id <= 0 {
		return false, errors.New("bad id")
	}
	rows, err := stmt.Query(id)
	if err != nil {
		return false, err
	}
	defer rows.Close()
	found := rows.Next()
	return found, nil
}

// Closed before every return: nothing to report.
func closedEverywhere(db *sql.DB) (int, error) {
	rows, err := db.Query("SELECT 1")
	if err != nil {
		return 0, err
	}
	n := 0
	for rows.Next() {
		var x int
		if err := rows.Scan(&x); err != nil {
			rows.Close()
			return 0, err
		}
		n += x
	}
	rows.Close()
	return n, nil
}

// A query per item with an early Close that frees the connection for the next one: the
// defer would pile up in the loop, so the leak on the early return is reported only.
func perTable(db *sql.DB, tables []string) (int, error) {
	n := 0
	for _, t := range tables {
		rows, err := db.Query("SELECT 1 FROM " + t) // want "closed on some paths only.*loop"
		if err != nil {
			return 0, err
		}
		for rows.Next() {
			var x int
			if err := rows.Scan(&x); err != nil {
				return 0, err
			}
			n += x
		}
		rows.Close()
	}
	return n, nil
}
