package peers

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// httptest.NewRequest served to a handler in a test.
func TestServeRequest(t *testing.T) {
	rec := httptest.NewRecorder()
	http.NotFoundHandler().ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	if rec.Code != http.StatusNotFound {
		t.Fatal(rec.Code)
	}
}

// httptest.NewRequest never sent or served: only its fields are read.
func TestRequestFields(t *testing.T) {
	req := httptest.NewRequest("GET", "/a", nil)
	if req.URL.Path != "/a" {
		t.Fatal(req.URL.Path)
	}
}
