package p

import (
	"context"
	"log"
	"net/http"
	"time"
)

func audit(ctx context.Context, path string) {
	select {
	case <-ctx.Done():
		log.Println("audit cancelled", path)
	case <-time.After(time.Second):
	}
}

func process(r *http.Request) { audit(r.Context(), r.URL.Path) }

func direct(w http.ResponseWriter, r *http.Request) {
	go audit(r.Context(), r.URL.Path) // want "this goroutine uses the request's context via r.Context\\(\\), which is cancelled as soon as the handler returns.*context.WithoutCancel\\(r.Context\\(\\)\\) \\(Go >= 1.21\\).*wait for the goroutine"
	w.WriteHeader(http.StatusAccepted)
}

func inLiteral(w http.ResponseWriter, req *http.Request) {
	go func() { // want "via req.Context\\(\\)"
		audit(req.Context(), "x")
	}()
}

func whole(w http.ResponseWriter, r *http.Request) {
	go process(r)                // want "via r \\(the request carries its context\\)"
	go func(req *http.Request) { // want "via r \\(the request"
		process(req)
	}(r)
}

func derived(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	tctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	go func() { // want "via tctx \\(derived from r.Context\\(\\)\\)"
		audit(tctx, r.URL.Path)
	}()
	go audit(ctx, "") // want "via ctx \\(derived"
}

type server struct{}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var ctx context.Context
	ctx = r.Context()
	go audit(ctx, r.URL.Path) // want "cancelled as soon as the handler returns"
}
