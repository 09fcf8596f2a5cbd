package p

import (
	"context"
	"net/http"
	"os"
	"sync"
	"time"
)

func readAll(names []string) error {
	for _, name := range names {
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		defer f.Close() // want "defer f.Close\\(\\) in a loop body runs only when the function returns.*move the loop body into a function.*call f.Close\\(\\) at the end of the iteration"
		if _, err := f.Stat(); err != nil {
			return err
		}
	}
	return nil
}

func poll(ctx context.Context, urls []string) {
	for _, u := range urls {
		resp, err := http.Get(u)
		if err != nil {
			continue
		}
		defer resp.Body.Close() // want "defer resp.Body.Close\\(\\)"
		cctx, cancel := context.WithTimeout(ctx, time.Second)
		defer cancel() // want "defer cancel\\(\\) in a loop body"
		<-cctx.Done()
	}
}

func tick(n int) {
	for i := 0; i < n; i++ {
		t := time.NewTicker(time.Millisecond)
		if i%2 == 0 {
			defer t.Stop() // want "defer t.Stop\\(\\)"
		}
		<-t.C
	}
}

var mu sync.Mutex

func locked(items []int) int {
	total := 0
	for _, it := range items {
		mu.Lock()
		defer mu.Unlock() // want "keeps the lock until the function returns, so the next iteration's Lock blocks forever: call mu.Unlock\\(\\) at the end of the iteration"
		total += it
	}
	return total
}

func literal(names []string) {
	for _, name := range names {
		f, err := os.Create(name)
		if err != nil {
			return
		}
		defer func() { // want "a deferred function calling f.Close"
			_ = f.Sync()
			f.Close()
		}()
	}
}
