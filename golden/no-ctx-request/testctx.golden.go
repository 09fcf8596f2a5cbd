// gofix-test: go=1.24

//go:build go1.24

package p

import (
	"database/sql"
	"net/http"
	"net/http/httptest"
	"testing"
)

// From Go 1.24 a test's own context is t.Context(), cancelled when the test ends.
func TestExec(t *testing.T) {
	db, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		t.Skip(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(t.Context(), "SELECT 1"); err != nil { // want "db.Exec runs with no context.*\\(t.Context\\(\\)\\); use db.ExecContext\\(t.Context\\(\\), ...\\)"
		t.Fatal(err)
	}
}

func BenchmarkHandler(b *testing.B) {
	h := http.NotFoundHandler()
	for range b.N {
		req := httptest.NewRequestWithContext(b.Context(), http.MethodGet, "/", nil) // want "httptest.NewRequest creates a request with no context.*use httptest.NewRequestWithContext\\(b.Context\\(\\), ...\\)"
		h.ServeHTTP(httptest.NewRecorder(), req)
	}
}
