package p

import (
	"context"
	"database/sql"
	"net"
	"net/http"
	"time"
)

func load(ctx context.Context, db *sql.DB, id int) (*sql.Rows, error) {
	return db.QueryContext(ctx, "SELECT name FROM t WHERE id = ?", id) // want "context.Background\\(\\) passed to db.QueryContext ignores the context this function was given.*pass ctx instead"
}

func fetch(c context.Context, url string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(c, http.MethodGet, url, nil) // want "context.TODO\\(\\) passed to http.NewRequestWithContext.*pass c instead"
	if err != nil {
		return nil, err
	}
	return http.DefaultClient.Do(req)
}

func dial(ctx context.Context, addr string) (net.Conn, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	var d net.Dialer
	return d.DialContext(ctx, "tcp", addr) // want "passed to d.DialContext"
}

func inPlace(ctx context.Context, db *sql.DB) error {
	return func() error {
		_, err := db.ExecContext(ctx, "DELETE FROM t") // want "pass ctx instead"
		return err
	}()
}

func literalWithOwnContext(db *sql.DB, run func(func(context.Context) error)) {
	run(func(ctx context.Context) error {
		_, err := db.ExecContext(ctx, "VACUUM") // want "pass ctx instead"
		return err
	})
}
