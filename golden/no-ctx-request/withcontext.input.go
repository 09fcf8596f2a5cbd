package p

import (
	"context"
	"net/http"
	"net/http/httptest"
)

// The request gets its context later: not a finding.
func later(ctx context.Context, c *http.Client, u string) error {
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	req = req.WithContext(ctx)
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

func passed(ctx context.Context, c *http.Client, u string) error {
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := c.Do(req.WithContext(ctx))
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

func cloned(ctx context.Context, u string) (*http.Request, error) {
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	return req.Clone(ctx), nil
}

func chained(ctx context.Context) *http.Request {
	return httptest.NewRequest(http.MethodGet, "/", nil).WithContext(ctx)
}

// Still a finding: the request never gets a context.
func never(ctx context.Context, c *http.Client, u string) error {
	req, err := http.NewRequest(http.MethodGet, u, nil) // want "http.NewRequest creates a request with no context"
	if err != nil {
		return err
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

// Another request's WithContext does not count.
func other(ctx context.Context, c *http.Client, u string, base *http.Request) error {
	req, err := http.NewRequest(http.MethodGet, u, nil) // want "http.NewRequest creates a request with no context"
	if err != nil {
		return err
	}
	_ = base.WithContext(ctx)
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}
