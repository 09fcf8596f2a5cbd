// gofix-test: go=1.27
package p

import (
	"context"
	"time"
)

// Go 1.27's generic methods: a method with type parameters of its own.

type Store[K comparable] struct {
	get func(context.Context, K) (any, error)
}

func (s *Store[K]) Fetch[V any](parent context.Context, key K) (V, error) {
	var zero V
	ctx, cancel := context.WithTimeout(parent, time.Second) // want "cancel function returned by context.WithTimeout is discarded"
	defer cancel()
	v, err := s.get(ctx, key)
	if err != nil {
		return zero, err
	}
	out, _ := v.(V)
	return out, nil
}
