package p

import "database/sql"

func commented(db *sql.DB) (n int, err error) {
	rows, err := db.Query( // want "never closed.*layout"
		"SELECT 1", // the query
	)
	/* bail out */ if err != nil {
		return 0, err
	} // checked

	// count them
	for rows.Next() {
		n++
	}
	return n, rows.Err()
}

// Comments around the check stay where they are.
func annotated(db *sql.DB) (n int, err error) {
	// one row per user
	rows, err := db.Query("SELECT 1") /* cheap */ // want "never closed"
	// the pool may be exhausted
	if err != nil { // give up
		return 0, err
	} // checked
	// count them
	for rows.Next() {
		n++
	}
	return n, rows.Err()
}
