// Package leaky is a small service with the leaks gofix fixes.
package leaky

import (
	"context"
	"errors"
	"io"
	"net/http"
	"time"
)

// Fetch downloads url, giving up after a timeout.
func Fetch(ctx context.Context, client *http.Client, url string) ([]byte, error) {
	ctx, _ = context.WithTimeout(ctx, 5*time.Second)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, errors.New(resp.Status)
	}
	return io.ReadAll(resp.Body)
}

// Poll calls check every second until ctx is done.
func Poll(ctx context.Context, check func()) {
	ticker := time.NewTicker(time.Second)
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
			check()
		}
	}
}

// Consume handles jobs, warning when one takes too long to arrive.
func Consume(jobs <-chan string, handle func(string), warn func()) {
	for {
		select {
		case job, ok := <-jobs:
			if !ok {
				return
			}
			handle(job)
		case <-time.After(time.Minute):
			warn()
		}
	}
}
