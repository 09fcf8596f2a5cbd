package p

import (
	"context"
	"net/http"
	"time"
)

type server struct {
	ctx context.Context
}

// A constructor that stores the derived context: a deferred cancel would kill it at once.
func newServer(parent context.Context) *server {
	ctx, _ := context.WithCancel(parent) // want "discarded"
	return &server{ctx: ctx}
}

func returned(parent context.Context) context.Context {
	ctx, _ := context.WithTimeout(parent, time.Second) // want "discarded"
	return ctx
}

func inGoroutine(parent context.Context, done chan struct{}) {
	ctx, _ := context.WithCancel(parent) // want "discarded"
	go func() {
		<-ctx.Done()
		close(done)
	}()
}

func derivedRequest(parent context.Context, url string) (*http.Request, error) {
	ctx, _ := context.WithTimeout(parent, time.Second) // want "discarded"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	return req, err
}

func namedResult(parent context.Context) (ctx context.Context) {
	ctx, _ = context.WithTimeout(parent, time.Second) // want "discarded"
	return
}

func callback(parent context.Context, register func(func())) {
	ctx, _ := context.WithCancel(parent) // want "discarded"
	register(func() { <-ctx.Done() })
}

func wholeResult(parent context.Context) {
	context.WithTimeout(parent, time.Second) // want "result of context.WithTimeout is discarded"
}

func withGoto(parent context.Context) error {
	ctx, _ := context.WithCancel(parent) // want "discarded"
	if ctx.Err() != nil {
		goto out
	}
out:
	return ctx.Err()
}

// Already correct code and look-alikes: no finding.
func correct(parent context.Context) error {
	ctx, cancel := context.WithTimeout(parent, time.Second)
	defer cancel()
	return ctx.Err()
}

type fake struct{}

func (fake) WithCancel(ctx context.Context) (context.Context, func()) { return ctx, func() {} }

func lookAlike(parent context.Context) error {
	var context fake
	ctx, _ := context.WithCancel(parent)
	return ctx.Err()
}

func suppressed(parent context.Context) error {
	ctx, _ := context.WithCancel(parent) //gofix:ignore lost-cancel
	//nolint:lostcancel
	ctx2, _ := context.WithCancel(ctx)
	return ctx2.Err()
}
