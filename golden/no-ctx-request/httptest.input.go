// gofix-test: go=1.23

//go:build go1.23

package p

import (
	"context"
	"net/http"
	"net/http/httptest"
)

func serve(ctx context.Context, h http.Handler) int {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil)) // want "httptest.NewRequest creates a request with no context.*use httptest.NewRequestWithContext\\(ctx, ...\\)"
	return rec.Code
}
