package p

import (
	"context"
	"log"
	"net/http"
)

var background = context.Background()

func save(ctx context.Context, path string, h http.Header) error {
	_, _, _ = ctx, path, h
	return nil
}

// An address lookup whose body gofix cannot read (another package's, here an interface).
var ips interface{ SourceIP(*http.Request) string }

// r goes to a helper whose body is not ours to read: not evidence that the goroutine uses
// the request's context.
func upload(w http.ResponseWriter, r *http.Request) {
	w.WriteHeader(http.StatusAccepted)
	go func() {
		if err := save(background, r.URL.Path, r.Header); err != nil {
			log.Printf("save for %s: %v", ips.SourceIP(r), err)
		}
	}()
}

// Sent by an http.Client from the goroutine: the request's context is used.
func forward(w http.ResponseWriter, r *http.Request, c *http.Client) {
	go func() { // want "via r \\(sent with its context by c.Do\\)"
		if resp, err := c.Do(r); err == nil {
			resp.Body.Close()
		}
	}()
}
