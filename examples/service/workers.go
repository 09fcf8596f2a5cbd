package service

import (
	"context"
	"errors"
	"log"
	"sync"
	"time"
)

// Job is a unit of work.
type Job struct {
	ID   string
	Work func(context.Context) error
}

// RunAll runs jobs concurrently and waits for them.
func RunAll(ctx context.Context, jobs []Job) {
	var wg sync.WaitGroup
	for _, j := range jobs {
		go func(j Job) {
			wg.Add(1)
			defer wg.Done()
			if err := j.Work(ctx); err != nil {
				log.Printf("job %s: %v", j.ID, err)
			}
		}(j)
	}
	wg.Wait()
}

// RunWithTimeout runs one job, giving up after d.
func RunWithTimeout(ctx context.Context, j Job, d time.Duration) error {
	errc := make(chan error)
	go func() {
		errc <- j.Work(ctx)
	}()
	select {
	case err := <-errc:
		return err
	case <-time.After(d):
		return errors.New("job " + j.ID + ": timed out")
	}
}

// Batches groups ids into batches of n, produced by a goroutine.
func Batches(ids []string, n int) [][]string {
	out := make(chan []string)
	go func() {
		for len(ids) > 0 {
			k := min(n, len(ids))
			out <- ids[:k]
			ids = ids[k:]
		}
	}()
	var all [][]string
	for b := range out {
		all = append(all, b)
	}
	return all
}

// Drain consumes results, warning when the producer goes quiet.
func Drain(results <-chan string, handle func(string)) {
	for {
		select {
		case r, ok := <-results:
			if !ok {
				return
			}
			handle(r)
		case <-time.After(30 * time.Second):
			log.Print("no results for 30s")
		}
	}
}
