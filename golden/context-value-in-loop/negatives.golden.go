package p

import (
	"context"
	"fmt"
)

type key struct{}

func use(ctx context.Context) { fmt.Println(ctx.Value(key{})) }

// A new variable each iteration: the chain does not grow.
func fresh(ctx context.Context, ids []int) {
	for _, id := range ids {
		vctx := context.WithValue(ctx, key{}, id)
		use(vctx)
	}
}

// Declared inside the loop body: starts from the parent every iteration.
func perIteration(parent context.Context, ids []int) {
	for _, id := range ids {
		ctx := parent
		ctx = context.WithValue(ctx, key{}, id)
		use(ctx)
	}
}

// A different parent on the right: rebuilt each time.
func otherParent(parent context.Context, ids []int) {
	var ctx context.Context
	for _, id := range ids {
		ctx = context.WithValue(parent, key{}, id)
		use(ctx)
	}
	_ = ctx
}

// Outside any loop, or in the loop header.
func once(ctx context.Context) {
	ctx = context.WithValue(ctx, key{}, 1)
	use(ctx)
}

// Left right after: runs once.
func firstOnly(ctx context.Context, ids []int) {
	for _, id := range ids {
		ctx = context.WithValue(ctx, key{}, id)
		use(ctx)
		break
	}
}

// A look-alike: not the context package.
type bag struct{}

func (bag) WithValue(b bag, k, v any) bag { return b }

func lookAlike(ids []int) {
	var context bag
	b := bag{}
	for _, id := range ids {
		b = context.WithValue(b, key{}, id)
	}
	_ = b
}

// A loop in a function literal, assignment outside it.
func literal(ctx context.Context, ids []int) {
	ctx = context.WithValue(ctx, key{}, 0)
	func() {
		for range ids {
			use(ctx)
		}
	}()
}
