// gofix-test: go=1.27
package p

import (
	"context"
	"time"
)

// Go 1.27's generic methods: a method with type parameters of its own.

type Pool[T any] struct {
	items []T
}

func (p *Pool[T]) Each[U any](ctx context.Context, f func(T) U) []U {
	t := time.NewTicker(time.Second) // want "ticker created by time.NewTicker is never stopped"
	defer t.Stop()
	var out []U
	for _, it := range p.items {
		select {
		case <-ctx.Done():
			return out
		case <-t.C:
		}
		out = append(out, f(it))
	}
	return out
}

// The look-alike: stopped by a defer.
func (p *Pool[T]) Slow[U any](f func(T) U) []U {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	var out []U
	for _, it := range p.items {
		<-t.C
		out = append(out, f(it))
	}
	return out
}
