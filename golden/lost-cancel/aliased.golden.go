package p

import (
	stdctx "context"
	"time"
)

func aliased(parent stdctx.Context, deep bool) error {
	if deep {
		ctx, cancel := stdctx.WithTimeout(parent, time.Second) /* keep */ // want "discarded"
		defer cancel()
		return ctx.Err()
	}
	var ctx stdctx.Context
	for i := 0; i < 2; i++ {
		if i == 1 {
			ctx, _ = stdctx.WithCancel(parent) // want "discarded"
			return ctx.Err()
		}
	}
	return nil
}
