package p

import (
	"io"
	"log"
	"net/http"
	"os"
)

// No error check follows: resp may be nil when err is not.
func unchecked(u string) (int, error) {
	resp, err := http.Get(u) // want "never closed.*no automatic fix: no `if err != nil"
	log.Println("fetched", u)
	if err != nil {
		return 0, err
	}
	return resp.StatusCode, nil
}

// The error check does not always leave.
func logsOnly(u string) int {
	resp, err := http.Get(u) // want "never closed.*no automatic fix"
	if err != nil {
		log.Println(err)
	}
	return resp.StatusCode
}

// The condition is not exactly `err != nil`.
func compound(u string, strict bool) int {
	resp, err := http.Get(u) // want "never closed.*no automatic fix"
	if err != nil && strict {
		return 0
	}
	return resp.StatusCode
}

// The error is discarded.
func discarded(u string) int {
	resp, _ := http.Get(u) // want "never closed.*error is discarded"
	return resp.StatusCode
}

// The body is read by a goroutine that may outlive the function.
func background(u string) error {
	resp, err := http.Get(u) // want "never closed.*go statement"
	if err != nil {
		return err
	}
	go func() {
		_, _ = io.Copy(os.Stdout, resp.Body)
	}()
	return nil
}

// A callback may run after the function returns.
func callback(u string, register func(func())) error {
	resp, err := http.Get(u) // want "never closed.*function literal that is passed"
	if err != nil {
		return err
	}
	register(func() { _, _ = io.Copy(os.Stdout, resp.Body) })
	return nil
}

// Handed to a helper named like a cleanup whose body gofix cannot read: it may close the
// body on every path that matters, so no finding (unknown is not a match).
type drainer interface{ DrainAndClose(io.ReadCloser) }

func helper(u string, d drainer) error {
	resp, err := http.Get(u)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return nil
	}
	d.DrainAndClose(resp.Body)
	return nil
}
