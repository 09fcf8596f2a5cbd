package p

import (
	"context"
	"fmt"
)

type itemKey struct{}

type worker struct {
	ctx context.Context
}

func process(ctx context.Context, id int) {
	fmt.Println(ctx.Value(itemKey{}), id)
}

func all(ctx context.Context, ids []int) {
	for _, id := range ids {
		ctx = context.WithValue(ctx, itemKey{}, id) // want "ctx = context.WithValue\\(ctx, ...\\) inside a loop adds one node to the context chain per iteration.*vctx := context.WithValue\\(ctx, k, v\\)"
		process(ctx, id)
	}
}

func (w *worker) run(ids []int) {
	for i := 0; i < len(ids); i++ {
		if ids[i] > 0 {
			w.ctx = context.WithValue(w.ctx, itemKey{}, ids[i]) // want "w.ctx = context.WithValue\\(w.ctx"
		}
		process(w.ctx, ids[i])
	}
}

func nestedLoops(parent context.Context, groups [][]int) {
	for _, g := range groups {
		ctx := parent
		for _, id := range g {
			ctx = context.WithValue(context.WithValue(ctx, itemKey{}, id), "group", len(g)) // want "inside a loop"
			process(ctx, id)
		}
	}
}

func forever(ctx context.Context, next func() (int, bool)) {
	for {
		id, ok := next()
		if !ok {
			return
		}
		ctx = context.WithValue(ctx, itemKey{}, id) // want "per iteration"
		process(ctx, id)
	}
}
