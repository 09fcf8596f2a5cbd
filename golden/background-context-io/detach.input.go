package p

import (
	"context"
	"net/http"
)

// Not a handler: out's context is not the context this function was given, and
// detaching the outgoing request from it is deliberate.
func quiet(out *http.Request) {
	if out.Method == http.MethodGet {
		q := out.WithContext(context.Background())
		*out = *q
	}
}

// A handler's own request: still a finding.
func handle(w http.ResponseWriter, r *http.Request, c *http.Client) {
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, "http://backend/", nil) // want "context.Background\\(\\) passed to http.NewRequestWithContext ignores the context"
	if err != nil {
		return
	}
	if resp, err := c.Do(req); err == nil {
		resp.Body.Close()
	}
}
