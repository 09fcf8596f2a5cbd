package p

import (
	"os"
	"sync"
)

type store struct {
	mu    sync.RWMutex
	files map[string]*os.File
}

func (s *store) scan(names []string) {
	for _, name := range names {
		s.mu.RLock()
		/* held for the whole scan */ defer s.mu.RUnlock() // want "defer s.mu.RUnlock\\(\\) .*every iteration's lock stays held"
		_ = s.files[name]
	}
}

func nested(groups [][]string) {
outer:
	for _, g := range groups {
		for _, name := range g {
			f, err := os.Open(name)
			if err != nil {
				continue outer
			}
			switch {
			case len(name) > 3:
				defer f. // want "defer f.Close\\(\\)"
						Close()
			default:
				defer f.Close() //nolint:gocritic // want "defer f.Close"
			}
		}
	}
}

func perItem(items []*store) {
	for _, it := range items {
		it.mu.Lock()
		defer it.mu.Unlock() // want "runs only when the function returns"
	}
}

func suppressed(names []string) {
	for _, name := range names {
		f, _ := os.Open(name)
		defer f.Close() //gofix:ignore defer-in-loop
	}
}
