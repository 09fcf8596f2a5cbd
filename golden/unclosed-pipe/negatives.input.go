package p

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
)

// The writer is closed with CloseWithError on every path.
func closedEverywhere(c *http.Client, url string, v any) error {
	pr, pw := io.Pipe()
	go func() {
		err := json.NewEncoder(pw).Encode(v)
		pw.CloseWithError(err)
	}()
	resp, err := c.Post(url, "application/json", pr)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

// A deferred Close covers every path.
func deferred(c *http.Client, url string, v any) error {
	pr, pw := io.Pipe()
	go func() {
		defer pw.Close()
		if err := json.NewEncoder(pw).Encode(v); err != nil {
			return
		}
	}()
	resp, err := c.Post(url, "application/json", pr)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

// The reader is read to the end on every path, and the last statement returns.
func readAll(path string) ([]byte, error) {
	pr, pw := io.Pipe()
	go func() {
		f, err := os.Open(path)
		if err != nil {
			pw.CloseWithError(err)
			return
		}
		defer f.Close()
		_, err = io.Copy(pw, f)
		pw.CloseWithError(err)
	}()
	return io.ReadAll(pr)
}

// The reader is handed to an HTTP request, which owns it.
func upload(c *http.Client, url string, src io.Reader) error {
	pr, pw := io.Pipe()
	go func() {
		_, err := io.Copy(pw, src)
		pw.CloseWithError(err)
	}()
	req, err := http.NewRequest(http.MethodPut, url, pr)
	if err != nil {
		return err
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

// The writer goes to a helper of this package, which may close it.
func viaHelper(c *http.Client, url string, v any) error {
	pr, pw := io.Pipe()
	go func() {
		writeJSON(pw, v)
	}()
	resp, err := c.Post(url, "application/json", pr)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

func writeJSON(w *io.PipeWriter, v any) {
	w.CloseWithError(json.NewEncoder(w).Encode(v))
}

type pipe struct{}

func (pipe) Pipe() (int, int) { return 0, 0 }

// Not io.Pipe.
func lookalike() int {
	var io pipe
	a, b := io.Pipe()
	go func() { _ = b }()
	return a
}
