package p

import (
	"fmt"
	"io"
	"log"
	"net/http"
	"net/url"
	"strings"
)

type api struct {
	client *http.Client
	base   string
}

type doer interface {
	Do(req *http.Request) (*http.Response, error)
}

func get(u string) ([]byte, error) {
	resp, err := http.Get(u) // want "response body is never closed"
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}

func post(u string) (int, error) {
	resp, err := http.Post(u, "text/plain", strings.NewReader("hi")) // want "never closed"
	if err != nil {
		return 0, fmt.Errorf("post: %w", err)
	}
	defer resp.Body.Close()
	return resp.StatusCode, nil
}

func form(u string) int {
	resp, err := http.PostForm(u, url.Values{"q": {"go"}}) // want "never closed"
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	return resp.StatusCode
}

func head(u string) string {
	res, err := http.Head(u) // want "never closed.*close res.Body"
	if err != nil {
		panic(err)
	}
	defer res.Body.Close()
	return res.Header.Get("ETag")
}

func viaDefault(req *http.Request) (string, error) {
	resp, err := http.DefaultClient.Do(req) // want "never closed"
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	return resp.Status, nil
}

func viaParam(c *http.Client, req *http.Request) error {
	resp, err := c.Do(req) // want "never closed"
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return err
}

func viaLocal(u string) (int64, error) {
	client := &http.Client{}
	resp, err := client.Get(u) // want "never closed"
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	return resp.ContentLength, nil
}

func (a *api) viaField(path string) error {
	resp, err := a.client.Get(a.base + path) // want "never closed"
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", path, resp.Status)
	}
	return nil
}

// d is not known to be an *http.Client, but resp is used as a response.
func viaInterface(d doer, req *http.Request) (int, error) {
	resp, err := d.Do(req) // want "never closed"
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	return resp.StatusCode, nil
}

func okBlock(u string) int {
	resp, err := http.Get(u) // want "never closed"
	if err == nil {
		defer resp.Body.Close()
		return resp.StatusCode
	}
	return 0
}
