// gofix-test: modules=xnet
package p

import (
	"context"
	"io"
	"net/http"
	"net/url"

	"golang.org/x/net/context/ctxhttp"
)

// golang.org/x/net/context/ctxhttp returns the client's *http.Response as it is.
func fetch(ctx context.Context, u string) ([]byte, error) {
	resp, err := ctxhttp.Get(ctx, nil, u) // want "response body is never closed"
	if err != nil {
		return nil, err
	}
	return io.ReadAll(resp.Body)
}

func send(ctx context.Context, c *http.Client, req *http.Request) (int, error) {
	resp, err := ctxhttp.Do(ctx, c, req) // want "response body is never closed"
	if err != nil {
		return 0, err
	}
	return resp.StatusCode, nil
}

func submit(ctx context.Context, u string) error {
	resp, err := ctxhttp.PostForm(ctx, nil, u, url.Values{"q": {"go"}}) // want "closed on some paths only"
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return nil
	}
	return resp.Body.Close()
}

// Closed: no finding.
func closed(ctx context.Context, u string) error {
	resp, err := ctxhttp.Post(ctx, nil, u, "text/plain", nil)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	return nil
}

// Returned: the caller owns the body.
func handedBack(ctx context.Context, u string) (*http.Response, error) {
	return ctxhttp.Get(ctx, nil, u)
}
