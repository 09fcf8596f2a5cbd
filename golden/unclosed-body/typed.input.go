package p

import (
	"net/http"
	"time"
)

// Every receiver below is declared an HTTP client somewhere in the package: a package
// variable, a value (not a pointer), an embedded field, an alias, an interface whose method
// returns *http.Response.
var client = &http.Client{Timeout: time.Second}

type api struct {
	*http.Client
	base string
}

type webClient = http.Client

type doer interface {
	Do(req *http.Request) (*http.Response, error)
}

func packageVar(u string) (int, error) {
	resp, err := client.Get(u) // want "never closed"
	if err != nil {
		return 0, err
	}
	return resp.StatusCode, nil
}

func value(u string) (int, error) {
	var c http.Client
	resp, err := c.Head(u) // want "HEAD request"
	if err != nil {
		return 0, err
	}
	return resp.StatusCode, nil
}

func (a *api) embedded(path string) (int, error) {
	resp, err := a.Get(a.base + path) // want "never closed"
	if err != nil {
		return 0, err
	}
	return resp.StatusCode, nil
}

func aliased(c *webClient, req *http.Request) (int, error) {
	resp, err := c.Do(req) // want "never closed"
	if err != nil {
		return 0, err
	}
	return resp.StatusCode, nil
}

func viaInterface(d doer, req *http.Request) (int, error) {
	resp, err := d.Do(req) // want "never closed"
	if err != nil {
		return 0, err
	}
	return resp.StatusCode, nil
}

// The variable is declared *http.Response; what fills it is a func value gofix cannot type.
func declaredResponse(send func(*http.Request) (*http.Response, error), req *http.Request) (int, error) {
	var resp *http.Response
	var err error
	resp, err = send(req) // want "never closed"
	if err != nil {
		return 0, err
	}
	return resp.StatusCode, nil
}

// Look-alikes: a local type's Get, and a func value whose result is not a response.
type cache struct{ m map[string]*entry }

type entry struct {
	Body       []byte
	StatusCode int
}

func (c *cache) Get(k string) (*entry, error) { return c.m[k], nil }

func cached(c *cache, k string) (int, error) {
	resp, err := c.Get(k)
	if err != nil {
		return 0, err
	}
	return resp.StatusCode + len(resp.Body), nil
}

func funcValue(get func(string) (*entry, error), k string) (int, error) {
	resp, err := get(k)
	if err != nil {
		return 0, err
	}
	return resp.StatusCode, nil
}
