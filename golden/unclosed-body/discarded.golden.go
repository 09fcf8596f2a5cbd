package p

import (
	"fmt"
	"net/http"
)

// The response is dropped: its body still holds the connection.
func discarded(u string) error {
	resp, err := http.Get(u) // want "response is discarded.*close resp.Body"
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	return nil
}

// The fresh name does not collide with one already in use.
func collides(u string, resp string) error {
	resp2, err := http.Post(u, "text/plain", nil) // want "response is discarded.*close resp2.Body"
	if err != nil {
		return fmt.Errorf("%s: %w", resp, err)
	}
	defer resp2.Body.Close()
	return nil
}

// A bare call statement: nothing to name the response with.
func bare(u string) {
	http.Get(u) // want "response of http.Get is discarded.*no automatic fix: the call's results are not assigned"
}

// Assigned with `=`: naming the response needs a new declaration.
func assigned(c *http.Client, req *http.Request) (err error) {
	_, err = c.Do(req) // want "response is discarded.*no automatic fix: the assignment uses `=`"
	return err
}

// Both results dropped: no error to check.
func bothDropped(u string) {
	_, _ = http.Get(u) // want "response is discarded.*no automatic fix: the error is discarded too"
}

// In a loop the named response is closed at the end of the body.
func pingAll(urls []string) int {
	ok := 0
	for _, u := range urls {
		resp, err := http.Head(u) // want "HEAD request.*close resp.Body"
		if err != nil {
			continue
		}
		ok++
		resp.Body.Close()
	}
	return ok
}

// A var declaration names it too.
func declared(u string) error {
	var resp, err = http.Get(u) // want "response is discarded.*close resp.Body"
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	return nil
}
