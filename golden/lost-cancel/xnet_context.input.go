// gofix-test: modules=xnet,gonet
package p

import (
	"time"

	oldcontext "code.google.com/p/go.net/context"
	"golang.org/x/net/context"
)

// golang.org/x/net/context is the standard context under another import path.
func fetch(parent context.Context) error {
	ctx, _ := context.WithTimeout(parent, time.Second) // want "cancel function returned by context.WithTimeout is discarded"
	return ctx.Err()
}

// And so is its ancestor, code.google.com/p/go.net/context, under any name.
func old(parent oldcontext.Context) error {
	ctx, _ := oldcontext.WithCancel(parent) // want "cancel function returned by context.WithCancel is discarded"
	return ctx.Err()
}

// Deeper down, `:=` would shadow ctx: the cancel is declared with the file's name for the package.
func deeper(parent context.Context, retry bool) error {
	ctx := parent
	if retry {
		ctx, _ = context.WithTimeout(parent, time.Second) // want "discarded"
		return ctx.Err()
	}
	return ctx.Err()
}
