package p

import (
	"context"
	"database/sql"
	"encoding/json"
	"net/http"
)

type User struct {
	ID   int64
	Name string
}

type Store struct{ db *sql.DB }

func (s *Store) Users(ctx context.Context) ([]User, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT id, name FROM users") // want "rows returned by QueryContext are never closed"
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var users []User
	for rows.Next() {
		var u User
		if err := rows.Scan(&u.ID, &u.Name); err != nil {
			return nil, err
		}
		users = append(users, u)
	}
	return users, rows.Err()
}

func names(db *sql.DB) ([]string, error) {
	rows, err := db.Query("SELECT name FROM users") // want "never closed"
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

func (s *Store) Rename(ctx context.Context, ids []int64, name string) error {
	stmt, err := s.db.PrepareContext(ctx, "UPDATE users SET name = ? WHERE id = ?") // want "statement returned by PrepareContext is never closed"
	if err != nil {
		return err
	}
	defer stmt.Close()
	for _, id := range ids {
		if _, err := stmt.ExecContext(ctx, name, id); err != nil {
			return err
		}
	}
	return nil
}

func inTx(ctx context.Context, tx *sql.Tx) (int, error) {
	// A statement prepared on a transaction is closed with it: not a finding.
	stmt, err := tx.Prepare("SELECT count(*) FROM users WHERE name = ?")
	if err != nil {
		return 0, err
	}
	rows, err := stmt.QueryContext(ctx, "bob") // want "rows returned by QueryContext are never closed"
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		n++
	}
	return n, nil
}

// A handler: the rows leak on every request.
func (s *Store) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rows, err := s.db.QueryContext(r.Context(), "SELECT id, name FROM users") // want "never closed"
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	defer rows.Close()
	enc := json.NewEncoder(w)
	for rows.Next() {
		var u User
		if err := rows.Scan(&u.ID, &u.Name); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		_ = enc.Encode(u)
	}
}

func okBlock(db *sql.DB) int {
	n := 0
	rows, err := db.Query("SELECT 1") // want "never closed"
	if err == nil {
		defer rows.Close()
		for rows.Next() {
			n++
		}
	}
	return n
}
