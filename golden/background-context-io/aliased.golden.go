package p

import (
	stdctx "context"
	"database/sql"
	stdhttp "net/http"
)

func aliased(ctx stdctx.Context, db *sql.DB) error {
	_, err := db.ExecContext(
		/* fresh */ ctx, // want "context.Background\\(\\) passed to db.ExecContext.*pass ctx instead"
		"SELECT 1",
	)
	return err
}

func viaRequest(w stdhttp.ResponseWriter, r *stdhttp.Request) {
	req, _ := stdhttp.NewRequestWithContext((r.Context()), "GET", "http://example.com", nil) // want "pass r.Context\\(\\) instead"
	_ = req
	var ctx stdctx.Context = r.Context()
	_ = ctx
}

func suppressed(ctx stdctx.Context, db *sql.DB) {
	_, _ = db.ExecContext(stdctx.Background(), "SELECT 1") //nolint:gofix
}
