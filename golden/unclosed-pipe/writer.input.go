package p

import (
	"archive/tar"
	"encoding/json"
	"errors"
	"io"
	"net/http"
)

func encode(c *http.Client, url string, v any) error {
	pr, pw := io.Pipe()
	go func() { // want "goroutine writing to pw can leave [(]the return at line 15[)] without closing it"
		if err := json.NewEncoder(pw).Encode(v); err != nil {
			return
		}
		pw.Close()
	}()
	resp, err := c.Post(url, "application/json", pr)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

// The explicit CloseWithError stays: a pipe keeps the first error it is closed with.
func archive(c *http.Client, url string, names []string) error {
	r, w := io.Pipe()
	go func() { // want "goroutine writing to w can leave [(]the end of the goroutine[)]"
		tw := tar.NewWriter(w)
		defer tw.Close()
		for _, n := range names {
			if n == "" {
				w.CloseWithError(errors.New("empty name"))
				return
			}
			if err := tw.WriteHeader(&tar.Header{Name: n, Mode: 0o600}); err != nil {
				w.CloseWithError(err)
				return
			}
		}
	}()
	resp, err := c.Post(url, "application/x-tar", r)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

// pw is used again after the go statement, outside the goroutine: no fix.
func twice(c *http.Client, url string) error {
	pr, pw := io.Pipe()
	go func() { // want "can leave .* [(]no automatic fix: pw is also used after the go statement, outside the goroutine[)]"
		if _, err := pw.Write([]byte("a")); err != nil {
			return
		}
	}()
	defer func() { _ = pw }()
	resp, err := c.Post(url, "text/plain", pr)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}
