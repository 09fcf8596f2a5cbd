package p

import (
	"context"
	"log"
	"net/http"
)

var global = context.Background()

func restore(ctx context.Context, path string) error { _ = ctx; _ = path; return nil }

func source(r *http.Request) string { return r.RemoteAddr + r.Header.Get("X-Forwarded-For") }

func withContext(r *http.Request) context.Context { return r.Context() }

// The goroutine runs on a global context; the request is only read for its fields, by a
// helper of this package and by log.
func handler(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	w.WriteHeader(http.StatusAccepted)
	go func() {
		if err := restore(global, path); err != nil {
			log.Printf("restore %s for %s (%v): %v", path, source(r), r, err)
		}
	}()
}

// A helper that takes the request's context: still a finding.
func handlerCtx(w http.ResponseWriter, r *http.Request) {
	go func() { // want "this goroutine uses the request's context via r \\(the request carries its context\\)"
		_ = restore(withContext(r), r.URL.Path)
	}()
}
