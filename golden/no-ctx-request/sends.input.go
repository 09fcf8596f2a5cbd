package p

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"
)

var shared = &http.Client{Timeout: time.Minute}

func get(ctx context.Context, u string) error {
	resp, err := http.Get(u) // want "http.Get sends a request with no context.*dropping this function's context \\(ctx\\); use req, err := http.NewRequestWithContext\\(ctx, http.MethodGet, url, nil\\) and send it with http.DefaultClient.Do\\(req\\)"
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

func post(ctx context.Context, u string) error {
	c := &http.Client{}
	resp, err := c.Post(u, "text/plain", strings.NewReader("x")) // want "c.Post sends a request.*http.MethodPost, url, body\\), set the Content-Type header and send it with c.Do\\(req\\)"
	if err != nil {
		return err
	}
	resp.Body.Close()
	resp, err = shared.PostForm(u, url.Values{"a": {"1"}}) // want "shared.PostForm sends.*application/x-www-form-urlencoded and send it with shared.Do\\(req\\)"
	if err != nil {
		return err
	}
	resp.Body.Close()
	resp, err = http.DefaultClient.Head(u) // want "http.DefaultClient.Head sends.*http.MethodHead"
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

func newClient(ctx context.Context, u string) error {
	c := new(http.Client)
	resp, err := c.Get(u) // want "c.Get sends"
	if err != nil {
		return err
	}
	return resp.Body.Close()
}
