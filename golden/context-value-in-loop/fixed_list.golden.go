package p

import "context"

type key string

// A fixed list of values: the chain grows by three nodes, once (the shape of
// net/lookup_test.go in the standard library).
func withFixedValues(parent context.Context) context.Context {
	ctx := parent
	for _, kv := range []struct {
		k key
		v string
	}{{"a", "1"}, {"b", "2"}, {"c", "3"}} {
		ctx = context.WithValue(ctx, kv.k, kv.v)
	}
	return ctx
}

func withListVariable(parent context.Context) context.Context {
	pairs := [][2]string{{"a", "1"}, {"b", "2"}}
	ctx := parent
	for _, p := range pairs {
		ctx = context.WithValue(ctx, key(p[0]), p[1])
	}
	return ctx
}

// The list grows with the input: still reported.
func withGrowingList(parent context.Context, extra []string) context.Context {
	pairs := []string{"a"}
	pairs = append(pairs, extra...)
	ctx := parent
	for _, p := range pairs {
		ctx = context.WithValue(ctx, key(p), p) // want "adds one node to the context chain"
	}
	return ctx
}
