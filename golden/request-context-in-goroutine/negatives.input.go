package p

import (
	"context"
	"log"
	"net/http"
	"sync"
)

func work(ctx context.Context, s string) { log.Println(ctx.Err(), s) }

// The fix: detached from the request's cancellation.
func detached(w http.ResponseWriter, r *http.Request) {
	go work(context.WithoutCancel(r.Context()), r.URL.Path)
	ctx := context.WithoutCancel(r.Context())
	go func() {
		work(ctx, "")
	}()
}

// Fields of the request only: no context involved.
func fields(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	go func() {
		log.Println(path, r.Method, r.Header.Get("X"))
	}()
}

// The handler waits for the goroutine.
func waits(w http.ResponseWriter, r *http.Request) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		work(r.Context(), "")
	}()
	wg.Wait()
}

func receives(w http.ResponseWriter, r *http.Request) {
	done := make(chan struct{})
	go func() {
		work(r.Context(), "")
		close(done)
	}()
	<-done
}

// A goroutine parameter shadows r: it is not the request.
func shadowed(w http.ResponseWriter, r *http.Request) {
	go func(r string) {
		log.Println(r)
	}(r.URL.Path)
}

// Background work in a function without a request.
func background(ctx context.Context) {
	go work(ctx, "")
}

// A request parameter named _.
func unnamed(w http.ResponseWriter, _ *http.Request) {
	go work(context.Background(), "")
}

// A look-alike: not net/http's Request.
type Request struct{}

func (Request) Context() context.Context { return context.Background() }

func lookAlike(r *Request) {
	go work(r.Context(), "")
}
