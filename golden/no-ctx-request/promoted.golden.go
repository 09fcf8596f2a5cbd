package p

import (
	"context"
	"database/sql"
	"net/http"
)

// A client or database embedded in a struct: its methods are promoted.
type api struct{ *http.Client }

type store struct {
	*sql.DB
	name string
}

// A type that declares the method itself is not the embedded one.
type cached struct{ *http.Client }

func (cached) Get(url string) (*http.Response, error) { return nil, nil }

func status(ctx context.Context, a api, u string) (int, error) {
	resp, err := a.Get(u) // want "a.Get sends a request with no context.*dropping this function's context"
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	return resp.StatusCode, nil
}

func (s *store) alive(ctx context.Context) error {
	return s.PingContext(ctx) // want "s.Ping runs with no context.*use s.PingContext\\(ctx\\)"
}

func fromCache(ctx context.Context, c cached, u string) (*http.Response, error) {
	return c.Get(u)
}
