package p

import (
	stdctx "context"
	"fmt"
)

type reqKey struct{}

func show(ctx stdctx.Context) { fmt.Println(ctx.Value(reqKey{})) }

func aliased(ctx stdctx.Context, ids []string) {
	for _, id := range ids {
		/* tag it */ ctx = stdctx.WithValue( // want "ctx = context.WithValue\\(ctx, ...\\) inside a loop"
			ctx, // the parent
			reqKey{}, id,
		)
		show(ctx)
	}
}

func multi(a, b stdctx.Context, ids []string) {
	for _, id := range ids {
		a, b = stdctx.WithValue(a, reqKey{}, id), stdctx.WithValue(a, reqKey{}, id) // want "a = context.WithValue\\(a"
		show(b)
	}
	show(a)
}

func suppressed(ctx stdctx.Context, ids []string) {
	for _, id := range ids {
		ctx = stdctx.WithValue(ctx, reqKey{}, id) //gofix:ignore context-value-in-loop
		show(ctx)
	}
}
