package p

import (
	"bufio"
	"context"
	"io"
	"os"
	"sync"
	"time"
)

// Wrapped, then appended: every file stays open until the reader is done.
func concat(names []string) ([]byte, error) {
	var readers []io.Reader
	for _, n := range names {
		f, err := os.Open(n)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		readers = append(readers, bufio.NewReader(f))
	}
	return io.ReadAll(io.MultiReader(readers...))
}

type target interface {
	Close() error
	Active() bool
}

// The collection is ranged over again after the loop.
func anyActive(ts []target) bool {
	for _, t := range ts {
		defer t.Close()
	}
	for _, t := range ts {
		if t.Active() {
			return true
		}
	}
	return false
}

// Kept in a slice element used after the loop.
func openAll(names []string) (int, error) {
	files := make([]*os.File, len(names))
	for i, n := range names {
		var err error
		files[i], err = os.Open(n)
		if err != nil {
			return 0, err
		}
		defer files[i].Close()
	}
	return len(files), nil
}

type group struct{ mu sync.Mutex }

func (g *group) lock() func() { g.mu.Lock(); return g.mu.Unlock }

// The loop only acquires: the work that needs every lock comes after it.
func collect(groups []*group, gather func([]*group)) {
	var picked []*group
	for _, g := range groups {
		unlock := g.lock()
		defer unlock()
		picked = append(picked, g)
	}
	gather(picked)
}

// One registration per context, each kept until the function returns.
func wait(ctxs []context.Context, done chan struct{}) {
	for _, ctx := range ctxs {
		stop := context.AfterFunc(ctx, func() {
			select {
			case done <- struct{}{}:
			default:
			}
		})
		defer stop()
	}
	<-done
}

// Still a finding: each iteration does its work with the file, nothing is kept.
func each(names []string, use func(*os.File) error) error {
	for _, n := range names {
		f, err := os.Open(n)
		if err != nil {
			return err
		}
		defer f.Close() // want "defer f.Close\\(\\) in a loop body"
		if err := use(f); err != nil {
			return err
		}
	}
	return nil
}

// A value derived from the timer (its channel) is kept past the iteration.
func firstTimeout(ds []time.Duration, stop <-chan struct{}) bool {
	var fired <-chan time.Time
	for _, d := range ds {
		if d > 0 && fired == nil {
			t := time.NewTimer(d)
			defer t.Stop()
			fired = t.C
		}
	}
	select {
	case <-fired:
		return true
	case <-stop:
		return false
	}
}
