package p

import (
	"fmt"
	"io"
	"net/http"
)

func commented(u string) ([]byte, error) {
	// fetch the page
	resp, err := http.Get(u) /* the request */ // want "never closed"
	// check the error
	if err != nil { // network trouble
		return nil, fmt.Errorf("get %s: %w", u, err) // wrap it
	} // done with the error
	defer resp.Body.Close()
	// read it all
	return io.ReadAll(resp.Body)
}

func multiLine(c *http.Client, u string) (int, error) {
	resp, err := c.Get( // want "never closed"
		u,
	)

	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()

	return resp.StatusCode, nil
}

func suppressed(u string) (int, error) {
	resp, err := http.Get(u) //nolint:bodyclose // closed by the caller's middleware
	if err != nil {
		return 0, err
	}
	return resp.StatusCode, nil
}

func suppressedAbove(u string) (int, error) {
	//gofix:ignore unclosed-body
	resp, err := http.Get(u)
	if err != nil {
		return 0, err
	}
	return resp.StatusCode, nil
}

func okBlock(u string) int {
	resp, err := http.Get(u) // want "never closed"

	if err == nil { // got one
		defer resp.Body.Close()
		// use it
		return resp.StatusCode
	}
	return 0
}
