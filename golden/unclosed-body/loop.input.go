package p

import (
	"io"
	"log"
	"net/http"
)

func crawl(urls []string) int {
	total := 0
	for _, u := range urls {
		resp, err := http.Get(u) // want "never closed"
		if err != nil {
			log.Printf("get %s: %v", u, err)
			continue
		}
		n, _ := io.Copy(io.Discard, resp.Body)
		total += int(n)
	}
	return total
}

func poll(c *http.Client, u string) {
	for {
		resp, err := c.Get(u) // want "never closed"
		if err != nil {
			break
		}
		log.Println(resp.Status)
	}
}

// An early exit after the check would skip a Close at the end of the body.
func firstOK(urls []string) string {
	for _, u := range urls {
		resp, err := http.Get(u) // want "never closed.*early exit"
		if err != nil {
			continue
		}
		if resp.StatusCode == http.StatusOK {
			return u
		}
	}
	return ""
}

// resp lives outside the loop: closing it at the end of the body is not ours to do.
func outside(urls []string) int {
	var resp *http.Response
	var err error
	for _, u := range urls {
		resp, err = http.Get(u) // want "never closed.*loop"
		if err != nil {
			return 0
		}
	}
	return resp.StatusCode
}

func okBlockInLoop(urls []string) {
	for _, u := range urls {
		resp, err := http.Get(u) // want "never closed.*err == nil"
		if err == nil {
			log.Println(resp.Status)
		}
	}
}

// A function literal in a loop is its own scope: a defer there is fine.
func perItem(urls []string) {
	for _, u := range urls {
		func() {
			resp, err := http.Get(u) // want "never closed"
			if err != nil {
				return
			}
			log.Println(resp.Status)
		}()
	}
}
