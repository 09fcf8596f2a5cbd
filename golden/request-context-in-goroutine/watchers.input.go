package p

import (
	"context"
	"net/http"
)

func work(ctx context.Context) error { return ctx.Err() }

// A watcher that stops when the request ends: cancellation is what it waits for (the
// shape of net/http/httputil.ReverseProxy's CloseNotifier bridge).
func bridge(w http.ResponseWriter, r *http.Request, notify <-chan bool) {
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	go func() {
		select {
		case <-notify:
			cancel()
		case <-ctx.Done():
		}
	}()
	_ = work(ctx)
}

func directWatch(w http.ResponseWriter, r *http.Request, stop chan struct{}) {
	go func() {
		<-r.Context().Done()
		close(stop)
	}()
}

// Waiting on Done and also doing work with the context is still cut short.
func watchAndWork(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	go func() { // want "uses the request's context"
		<-ctx.Done()
		_ = work(ctx)
	}()
}
