package p

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httputil"
)

type poller struct {
	c    *http.Client
	tmpl *http.Request
}

// The template is stored once and every use gets the call's context.
func (p *poller) poll(ctx context.Context, u string) (*http.Response, error) {
	if p.tmpl == nil {
		req, err := http.NewRequest(http.MethodGet, u, nil)
		if err != nil {
			return nil, err
		}
		p.tmpl = req
	}
	return p.c.Do(p.tmpl.WithContext(ctx))
}

type sender func(ctx context.Context, c *http.Client, req *http.Request) (*http.Response, error)

// Handed to a sender together with the context: the sender attaches it.
func post(ctx context.Context, send sender, c *http.Client, u string) error {
	req, err := http.NewRequest(http.MethodPost, u, nil)
	if err != nil {
		return err
	}
	resp, err := send(ctx, c, req)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

// Never sent: only dumped and printed.
func dump(ctx context.Context, body []byte) ([]byte, error) {
	want, err := http.NewRequest(http.MethodPost, "http://example/token", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	want.Header.Set("Content-Type", "application/json")
	fmt.Println(want.URL)
	return httputil.DumpRequestOut(want, true)
}

// Handed to a call without the context: still a finding.
func handedOn(ctx context.Context, c *http.Client, u string) error {
	req, err := http.NewRequest(http.MethodGet, u, nil) // want "http.NewRequest creates a request with no context"
	if err != nil {
		return err
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}
