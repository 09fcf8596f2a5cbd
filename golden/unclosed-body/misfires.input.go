package p

import (
	"context"
	"errors"
	"io"
	"net/http"
)

// MISFIRES A02: a client read out of a generic map; the variable is declared *http.Client.
type onceMap[K comparable, T any] struct{ m map[K]T }

func (o *onceMap[K, T]) Get(k K) (T, error) { return o.m[k], nil }

func provider(m *onceMap[string, *http.Client], key string, r *http.Request) (*http.Response, error) {
	var hc *http.Client
	var err error
	hc, err = m.Get(key)
	if err != nil {
		return nil, err
	}
	resp, err := hc.Do(r)
	return resp, err
}

// MISFIRES A03: a builder chain whose Do returns a search response with a Header.
type healthResponse struct {
	Status string
	Header map[string][]string
}

type healthService struct{}

func (s *healthService) Do(ctx context.Context) (*healthResponse, error) {
	return &healthResponse{}, nil
}

type esClient struct{}

func (c *esClient) ClusterHealth() *healthService { return &healthService{} }

func status(ctx context.Context, c *esClient) (string, error) {
	resp, err := c.ClusterHealth().Do(ctx)
	if err != nil {
		return "", err
	}
	return resp.Status, nil
}

// MISFIRES A04: `if err == nil` right after the error check always runs, and the helper's
// body (another package's) cannot be read: no finding.
type drainer interface{ Drain(io.ReadCloser) }

func ping(c *http.Client, req *http.Request, x drainer) error {
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	if err == nil {
		x.Drain(resp.Body)
	}
	if resp.Header.Get("X-Self") != "" {
		return errors.New("same host")
	}
	return nil
}

// ... and with a Close that gofix can see, the `if err == nil` closes on every path.
func pingClosed(c *http.Client, req *http.Request) error {
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	if err == nil {
		resp.Body.Close()
	}
	if resp.Header.Get("X-Self") != "" {
		return errors.New("same host")
	}
	return nil
}
