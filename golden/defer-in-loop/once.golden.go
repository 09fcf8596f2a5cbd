package p

import (
	"database/sql"
	"sync"
)

// The branch runs once per call: it sets the flag that guards it.
func lockOnce(mu *sync.Mutex, items []int, shared func(int) bool) int {
	locked := false
	n := 0
	for _, it := range items {
		if shared(it) && !locked {
			continue
		}
		if !locked {
			mu.Lock()
			defer mu.Unlock()
			locked = true
		}
		n += it
	}
	return n
}

// Opened lazily, on the first item that needs it.
func lazy(dsn string, items []string) error {
	var db *sql.DB
	for _, it := range items {
		if db == nil {
			var err error
			db, err = sql.Open("postgres", dsn)
			if err != nil {
				return err
			}
			defer db.Close()
		}
		if _, err := db.Exec(it); err != nil {
			return err
		}
	}
	return nil
}

// A first flag that the branch clears.
func first(mu *sync.Mutex, items []int) {
	first := true
	for range items {
		if first {
			first = false
			mu.Lock()
			defer mu.Unlock()
		}
	}
}

// The flag is set outside the guarded branch: every iteration may defer.
func notOnce(mu *sync.Mutex, items []int) {
	locked := false
	for range items {
		if !locked {
			mu.Lock()
			defer mu.Unlock() // want "defer mu.Unlock\\(\\) in a loop body"
		}
		locked = len(items) > 3
	}
}
