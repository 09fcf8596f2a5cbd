package p

import (
	"io"
	"net/http"
)

type fakeClient struct{}

type page struct{ code int }

func (fakeClient) Get(string) (*page, error) { return &page{200}, nil }

type holder struct{ resp *http.Response }

// A local variable named http shadows the package.
func shadowed(u string) int {
	http := fakeClient{}
	p, err := http.Get(u)
	if err != nil {
		return 0
	}
	return p.code
}

func deferred(u string) ([]byte, error) {
	resp, err := http.Get(u)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}

func deferredLiteral(u string) ([]byte, error) {
	resp, err := http.Get(u)
	if err != nil {
		return nil, err
	}
	defer func() {
		_ = resp.Body.Close()
	}()
	return io.ReadAll(resp.Body)
}

func deferredHelper(u string) ([]byte, error) {
	resp, err := http.Get(u)
	if err != nil {
		return nil, err
	}
	defer drainBody(resp)
	return io.ReadAll(resp.Body)
}

func drainBody(resp *http.Response) {
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
}

// The caller owns the response.
func returned(u string) (*http.Response, error) {
	resp, err := http.Get(u)
	if err != nil {
		return nil, err
	}
	return resp, nil
}

func bodyReturned(u string) (io.ReadCloser, error) {
	resp, err := http.Get(u)
	if err != nil {
		return nil, err
	}
	return resp.Body, nil
}

func stored(u string, h *holder) error {
	resp, err := http.Get(u)
	if err != nil {
		return err
	}
	h.resp = resp
	return nil
}

func passed(u string) error {
	resp, err := http.Get(u)
	if err != nil {
		return err
	}
	return consume(resp)
}

func consume(resp *http.Response) error {
	defer resp.Body.Close()
	_, err := io.Copy(io.Discard, resp.Body)
	return err
}

func sent(u string, out chan<- *http.Response) error {
	resp, err := http.Get(u)
	if err != nil {
		return err
	}
	out <- resp
	return nil
}

// NewRequest is not a request that was sent.
func notARequest(u string) (*http.Request, error) {
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	return req, nil
}
