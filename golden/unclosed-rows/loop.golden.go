package p

import (
	"database/sql"
	"log"
)

func countAll(db *sql.DB, tables []string) int {
	total := 0
	for _, t := range tables {
		rows, err := db.Query("SELECT 1 FROM " + t) // want "never closed"
		if err != nil {
			log.Print(err)
			continue
		}
		for rows.Next() {
			total++
		}
		rows.Close()
	}
	return total
}

func firstNonEmpty(db *sql.DB, tables []string) string {
	for _, t := range tables {
		rows, err := db.Query("SELECT 1 FROM " + t) // want "never closed.*early exit"
		if err != nil {
			return ""
		}
		if rows.Next() {
			return t
		}
	}
	return ""
}
