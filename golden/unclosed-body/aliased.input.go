package p

import (
	"io"
	stdhttp "net/http"
)

func get(u string) ([]byte, error) {
	resp, err := stdhttp.Get(u) // want "never closed"
	if err != nil {
		return nil, err
	}
	return io.ReadAll(resp.Body)
}

func viaClient(c *stdhttp.Client, u string) ([]byte, error) {
	resp, err := c.Get(u) // want "never closed"
	if err != nil {
		return nil, err
	}
	return io.ReadAll(resp.Body)
}

func viaDefault(req *stdhttp.Request) (int, error) {
	resp, err := stdhttp.DefaultClient.Do(req) // want "never closed"
	if err != nil {
		return 0, err
	}
	return resp.StatusCode, nil
}
