package p

import (
	"database/sql"
	"log"
)

func discarded(db *sql.DB) int {
	rows, _ := db.Query("SELECT 1") // want "never closed.*error is discarded"
	n := 0
	for rows.Next() {
		n++
	}
	return n
}

func logged(db *sql.DB) int {
	rows, err := db.Query("SELECT 1") // want "never closed.*no automatic fix"
	if err != nil {
		log.Print(err)
	}
	n := 0
	for rows.Next() {
		n++
	}
	return n
}

func streamed(db *sql.DB, out chan<- int) error {
	rows, err := db.Query("SELECT 1") // want "never closed.*go statement"
	if err != nil {
		return err
	}
	go func() {
		for rows.Next() {
			out <- 1
		}
	}()
	return nil
}
