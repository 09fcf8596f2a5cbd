package p

import (
	"database/sql"
	"log"
)

func unchecked(db *sql.DB) error {
	tx, err := db.Begin() // want "never rolled back.*no automatic fix"
	log.Println("begun")
	if err != nil {
		return err
	}
	return tx.Commit()
}

func discarded(db *sql.DB) error {
	tx, _ := db.Begin() // want "never rolled back.*error is discarded"
	if _, err := tx.Exec("DELETE FROM sessions"); err != nil {
		return err
	}
	return tx.Commit()
}

// The goroutine may still use tx after the function returns.
func async(db *sql.DB, done chan<- error) error {
	tx, err := db.Begin() // want "never rolled back.*go statement"
	if err != nil {
		return err
	}
	go func() {
		done <- tx.Commit()
	}()
	return nil
}

// A loop with an early exit after Begin: a Rollback at the end of the body would be skipped.
func early(db *sql.DB, batches [][]string) error {
	for _, batch := range batches {
		tx, err := db.Begin() // want "never rolled back.*early exit"
		if err != nil {
			return err
		}
		for _, n := range batch {
			if _, err := tx.Exec("INSERT INTO users(name) VALUES (?)", n); err != nil {
				return err
			}
		}
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	return nil
}
