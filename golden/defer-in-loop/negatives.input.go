package p

import (
	"io"
	"os"
	"sync"
	"time"
)

// A defer inside a function literal runs when the literal returns: the fix people write.
func perIteration(names []string) error {
	for _, name := range names {
		err := func() error {
			f, err := os.Open(name)
			if err != nil {
				return err
			}
			defer f.Close()
			_, err = f.Stat()
			return err
		}()
		if err != nil {
			return err
		}
	}
	return nil
}

// Retry loop: the defer is registered at most once, the function returns right after.
func firstThatOpens(names []string) (int64, error) {
	for _, name := range names {
		f, err := os.Open(name)
		if err != nil {
			continue
		}
		defer f.Close()
		st, err := f.Stat()
		if err != nil {
			return 0, err
		}
		return st.Size(), nil
	}
	return 0, os.ErrNotExist
}

// Leaves the loop with break after the defer.
func breakAfter(names []string) {
	for _, name := range names {
		f, err := os.Open(name)
		if err != nil {
			continue
		}
		defer f.Close()
		break
	}
}

// Kept on purpose: every file is read after the loop, they must stay open until return.
func merge(names []string) (io.Reader, error) {
	var readers []io.Reader
	for _, name := range names {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		readers = append(readers, f)
	}
	_, err := io.Copy(io.Discard, io.MultiReader(readers...))
	return nil, err
}

// Not a cleanup: wg.Done and logging are other stories.
func notCleanup(wg *sync.WaitGroup, n int) {
	for i := 0; i < n; i++ {
		defer wg.Done()
	}
}

// Not in a loop (the loop is in a nested literal, the defer outside it).
func outside() {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	go func() {
		for range t.C {
		}
	}()
}

// The defer in the loop header position does not exist; a defer after the loop is fine.
func after(names []string) {
	var f *os.File
	for _, name := range names {
		f, _ = os.Open(name)
	}
	if f != nil {
		defer f.Close()
	}
}
