package p

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"testing"
)

// The common shape: closed at the end, leaked by the status check in between.
func fetch(client *http.Client, req *http.Request) ([]byte, error) {
	resp, err := client.Do(req) // want "closed on some paths only: the return on line 18 skips resp.Body.Close"
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("status %d", resp.StatusCode)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	return body, nil
}

// The final Close right before a return that calls nothing can go: the defer does it.
func status(u string) (int, error) {
	resp, err := http.Get(u) // want "closed on some paths only"
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 500 {
		return 0, errors.New("server error")
	}
	code := resp.StatusCode
	return code, nil
}

// The final return calls something: the early Close stays, so the body is closed first.
func drain(u string) (int64, error) {
	resp, err := http.Get(u) // want "closed on some paths only"
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNoContent {
		return 0, nil
	}
	n, err := io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return n, wrap(err)
}

func wrap(err error) error {
	if err != nil {
		return fmt.Errorf("drain: %w", err)
	}
	return nil
}

// t.Fatal between the request and the Close leaks the body as well.
func TestStatus(t *testing.T) {
	resp, err := http.Get("http://127.0.0.1:1/") // want "the Fatalf on line 70 skips"
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	resp.Body.Close()
}

// Every exit closes first: nothing to report.
func everyPath(u string) error {
	resp, err := http.Get(u)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return err
}

// `return resp.Body.Close()` closes on that path.
func returnsClose(u string) error {
	resp, err := http.Get(u)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return resp.Body.Close()
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return err
}

// Closed in one branch only, and the other branch falls off the end.
func oneBranch(u string, verbose bool) {
	resp, err := http.Get(u) // want "closed on some paths only: the end of the function skips"
	if err != nil {
		return
	}
	defer resp.Body.Close()
	if verbose {
		fmt.Println(resp.Status)
		resp.Body.Close()
	}
}

// In a loop the defer would pile up: reported without a fix.
func many(urls []string) error {
	for _, u := range urls {
		resp, err := http.Get(u) // want "closed on some paths only.*loop"
		if err != nil {
			return err
		}
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("%s: %s", u, resp.Status)
		}
		resp.Body.Close()
	}
	return nil
}
