// gofix-test: go=1.20
package p

import (
	"context"
	"log"
	stdhttp "net/http"
)

func send(ctx context.Context) { log.Println(ctx.Err()) }

func handler() stdhttp.HandlerFunc {
	return func(w stdhttp.ResponseWriter, r *stdhttp.Request) {
		go func() { // want "via r.Context\\(\\).*context.WithoutCancel\\(r.Context\\(\\)\\) \\(needs go >= 1.21 in go.mod\\)"
			send(
				r. // odd layout
					Context(),
			)
		}()
	}
}

func suppressed(w stdhttp.ResponseWriter, r *stdhttp.Request) {
	go send(r.Context()) //gofix:ignore request-context-in-goroutine
}
