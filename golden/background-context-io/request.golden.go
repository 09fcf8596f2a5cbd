package p

import (
	"database/sql"
	"net/http"
)

type api struct{ db *sql.DB }

func (a *api) list(w http.ResponseWriter, r *http.Request) {
	rows, err := a.db.QueryContext(r.Context(), "SELECT 1") // want "pass r.Context\\(\\) instead"
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	defer rows.Close()
	if _, err := a.db.ExecContext(r.Context(), "UPDATE t SET n = n + 1"); err != nil { // want "context.TODO\\(\\) passed to ExecContext"
		return
	}
}
