package p

import (
	"context"
	"database/sql"
	"net/http"
)

// The parameter is named _: report, but there is no name to pass.
func unnamed(_ context.Context, db *sql.DB) error {
	_, err := db.ExecContext(context.Background(), "SELECT 1") // want "name the function's context.Context parameter and pass it instead"
	return err
}

// The parameter name is re-declared with something else.
func shadowed(ctx context.Context, db *sql.DB, names []string) error {
	for _, ctx := range names {
		if _, err := db.ExecContext(context.Background(), "SELECT ?", ctx); err != nil { // want "pass the function's context instead; no automatic fix: ctx is re-declared here"
			return err
		}
	}
	return nil
}

func requestShadowed(w http.ResponseWriter, r *http.Request, db *sql.DB) {
	if r := 1; r > 0 {
		_, _ = db.ExecContext(context.Background(), "SELECT 1") // want "r is re-declared"
	}
}
