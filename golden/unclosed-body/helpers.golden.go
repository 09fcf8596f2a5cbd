package p

import (
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httputil"
	"os"
)

// A same-package helper that closes the body on every path counts as a close: the early
// return skips it.
func drainedLate(u string) error {
	resp, err := http.Get(u) // want "closed on some paths only: the return on line 20 skips resp.Body.Close"
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	drain(resp)
	return nil
}

func drain(resp *http.Response) {
	if resp == nil {
		return
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
}

// ... and deferred, it closes on every path: no finding.
func drainedDeferred(u string) error {
	resp, err := http.Get(u)
	if err != nil {
		return err
	}
	defer drain(resp)
	return nil
}

// A helper that only reads the response neither closes nor owns it.
func onlyLogged(u string) error {
	resp, err := http.Get(u) // want "never closed"
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	logStatus(resp)
	return nil
}

func logStatus(resp *http.Response) {
	log.Printf("status %d", resp.StatusCode)
}

// A helper that closes on one branch only is not a close.
func sometimes(u string) error {
	resp, err := http.Get(u) // want "never closed"
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	maybeClose(resp, false)
	return nil
}

func maybeClose(resp *http.Response, really bool) {
	if really {
		return
	}
	resp.Body.Close()
}

// A helper that keeps the response owns it: no finding.
type keeper struct{ last *http.Response }

func (k *keeper) keep(resp *http.Response) { k.last = resp }

func kept(u string, k *keeper) error {
	resp, err := http.Get(u)
	if err != nil {
		return err
	}
	k.keep(resp)
	return nil
}

// Printing, logging, wrapping in an error and dumping only read the response.
func readers(u string) error {
	resp, err := http.Get(u) // want "never closed"
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	fmt.Println(resp)
	log.Printf("%v", resp)
	dump, err := httputil.DumpResponse(resp, false)
	if err != nil {
		return fmt.Errorf("dump %v: %w", resp, err)
	}
	_ = resp.Write(os.Stdout)
	_, _ = os.Stdout.Write(dump)
	return nil
}

// A Close inside a function literal that never runs closes nothing.
func neverCalled(u string) error {
	resp, err := http.Get(u) // want "never closed.*no automatic fix: `resp` is used in a function literal that is assigned"
	if err != nil {
		return err
	}
	cleanup := func() { resp.Body.Close() }
	_ = cleanup
	return nil
}

// ... one that is called does.
func called(u string) error {
	resp, err := http.Get(u)
	if err != nil {
		return err
	}
	cleanup := func() { resp.Body.Close() }
	defer cleanup()
	return nil
}

// A same-package function returning *http.Response hands over its body.
func fetch(u string) (*http.Response, error) {
	return http.Get(u)
}

func viaFetch(u string) (int, error) {
	resp, err := fetch(u) // want "never closed"
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	return resp.StatusCode, nil
}
