package p

import (
	stdctx "context"
	stdsql "database/sql"
	stdhttp "net/http"
)

var pool *stdsql.DB

func aliased(ctx stdctx.Context, u string) (*stdhttp.Request, error) {
	rows, err := pool.QueryContext(ctx, "SELECT 1") // want "pool.Query runs"
	if err != nil {
		return nil, err
	}
	rows.Close()
	return stdhttp.NewRequestWithContext( // want "http.NewRequest creates"
		ctx,
		// the method
		stdhttp.MethodGet,
		u, nil,
	)
}

func suppressed(ctx stdctx.Context) {
	pool.Exec("SELECT 1") //gofix:ignore no-ctx-request
}
