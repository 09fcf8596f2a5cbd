package p

import "database/sql"

func commented(db *sql.DB) error {
	// start
	tx, err := db.Begin() // want "never rolled back"
	// check
	if err != nil {
		// no transaction
		return err
	} // ok
	defer tx.Rollback()
	// work
	if _, err := tx.Exec("DELETE FROM sessions"); err != nil {
		return err // rolled back by nobody
	}
	return tx.Commit() // done
}
