package p

import (
	"context"
	"net/http"
	"net/http/httptest"
)

// Before Go 1.23 there is no httptest.NewRequestWithContext.
func serveOld(ctx context.Context, h http.Handler) int {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil)) // want "httptest.NewRequest creates a request with no context, .*; use httptest.NewRequest\\(...\\).WithContext\\(ctx\\); no automatic fix: httptest.NewRequestWithContext needs Go >= 1.23"
	return rec.Code
}
