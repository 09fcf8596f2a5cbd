package peers

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"

	"golang.org/x/net/context/ctxhttp"
)

// A response body never closed.
func bodyNeverClosed(url string) (int, error) {
	resp, err := http.Get(url)
	if err != nil {
		return 0, err
	}
	return resp.StatusCode, nil
}

// A response body deferred-closed: no leak.
func bodyClosed(url string) ([]byte, error) {
	resp, err := http.Get(url)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}

// Closed at the end, leaked by the early return on the status.
func bodySomePaths(c *http.Client, req *http.Request) ([]byte, error) {
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("status %d", resp.StatusCode)
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	return b, err
}

// The response discarded: nobody can close its body.
func bodyDiscarded(url string) error {
	_, err := http.Get(url)
	if err != nil {
		return err
	}
	return nil
}

// The response discarded and the error returned at once: no check to close after.
func bodyDiscardedReturned(url string) error {
	_, err := http.Get(url)
	return err
}

// A HEAD response: its body is empty and the connection is reused without a Close.
func headNotClosed(url string) (string, error) {
	resp, err := http.Head(url)
	if err != nil {
		return "", err
	}
	return resp.Header.Get("ETag"), nil
}

// A bare call statement: response and error both dropped.
func bodyBareCall(url string) {
	http.Get(url)
}

// Printing the response does not hand it to an owner.
func bodyPrinted(url string) error {
	resp, err := http.Get(url)
	if err != nil {
		return err
	}
	fmt.Println(resp.Status)
	return nil
}

// Dumping the response reads it but does not close it.
func bodyDumped(url string) ([]byte, error) {
	resp, err := http.Get(url)
	if err != nil {
		return nil, err
	}
	return httputil.DumpResponse(resp, false)
}

func drainAndClose(resp *http.Response) {
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
}

// The response handed to a helper of this package that closes it.
func bodyClosedInHelper(url string) error {
	resp, err := http.Get(url)
	if err != nil {
		return err
	}
	drainAndClose(resp)
	return nil
}

func statusOf(resp *http.Response) int { return resp.StatusCode }

// The response handed to a helper of this package that does not close it.
func bodyHelperDoesNotClose(url string) (int, error) {
	resp, err := http.Get(url)
	if err != nil {
		return 0, err
	}
	return statusOf(resp), nil
}

// The response returned: the caller owns the body.
func bodyReturned(url string) (*http.Response, error) {
	return http.Get(url)
}

// A Close inside a function literal that is never called.
func bodyCloseNeverCalled(url string) error {
	resp, err := http.Get(url)
	if err != nil {
		return err
	}
	cleanup := func() { resp.Body.Close() }
	_ = cleanup
	return nil
}

// A Close inside a function literal that is deferred.
func bodyCloseInDeferredLiteral(url string) error {
	resp, err := http.Get(url)
	if err != nil {
		return err
	}
	defer func() { _ = resp.Body.Close() }()
	return nil
}

type kvHeader struct{ Revision int64 }

type kvResponse struct{ Header kvHeader }

type kvClient struct{}

func (kvClient) Get(ctx context.Context, key string) (*kvResponse, error) { return &kvResponse{}, nil }

// A key-value client's Get: not an HTTP response.
func kvGet(ctx context.Context, kv kvClient) (int64, error) {
	resp, err := kv.Get(ctx, "k")
	if err != nil {
		return 0, err
	}
	return resp.Header.Revision, nil
}

// One request per item in a loop, body never closed.
func bodyInLoop(urls []string) int {
	ok := 0
	for _, u := range urls {
		resp, err := http.Get(u)
		if err != nil {
			continue
		}
		if resp.StatusCode == http.StatusOK {
			ok++
		}
	}
	return ok
}

// The body closed in a goroutine that reads it.
func bodyClosedInGoroutine(url string) error {
	resp, err := http.Get(url)
	if err != nil {
		return err
	}
	go func() {
		defer resp.Body.Close()
		io.Copy(io.Discard, resp.Body)
	}()
	return nil
}

// golang.org/x/net/context/ctxhttp.Get returns an *http.Response too.
func bodyCtxhttp(ctx context.Context, url string) (int, error) {
	resp, err := ctxhttp.Get(ctx, nil, url)
	if err != nil {
		return 0, err
	}
	return resp.StatusCode, nil
}

type apiClient struct{ hc *http.Client }

// The client is a struct field declared *http.Client.
func (a *apiClient) status(req *http.Request) (int, error) {
	resp, err := a.hc.Do(req)
	if err != nil {
		return 0, err
	}
	return resp.StatusCode, nil
}

// http.DefaultClient.Do, declared before and assigned with =.
func bodyDefaultClient(req *http.Request) (string, error) {
	var resp *http.Response
	var err error
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	return resp.Status, nil
}

// A recorder's Result: its body is in memory, nothing to release.
func recorderResult(h http.Handler, req *http.Request) int {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	res := rec.Result()
	return res.StatusCode
}

type wrappedClient struct{ *http.Client }

// A client embedded in a struct: its Get is promoted.
func bodyPromotedGet(w wrappedClient, url string) (int, error) {
	resp, err := w.Get(url)
	if err != nil {
		return 0, err
	}
	return resp.StatusCode, nil
}

// A transport's RoundTrip returns the response too.
func bodyRoundTrip(t *http.Transport, req *http.Request) (int, error) {
	resp, err := t.RoundTrip(req)
	if err != nil {
		return 0, err
	}
	return resp.StatusCode, nil
}

// The body read to the end but never closed.
func bodyReadNotClosed(url string) ([]byte, error) {
	resp, err := http.Get(url)
	if err != nil {
		return nil, err
	}
	return io.ReadAll(resp.Body)
}
