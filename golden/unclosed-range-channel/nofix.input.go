package p

import (
	"io/fs"
	"path/filepath"
	"sync"
)

type result struct {
	job int
	err error
}

// A worker pool fed by one dispatcher goroutine: the sends happen in goroutines the
// dispatcher starts, which could still send after it returned. Reported, no fix (the
// usual repair is close(results) after wg.Wait() in the dispatcher).
func pool(jobs []int, do func(int) error) []result {
	results := make(chan result)
	go func() { // want "only sender on `results`.*could send after the close"
		var wg sync.WaitGroup
		for _, j := range jobs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				results <- result{j, do(j)}
			}()
		}
		wg.Wait()
	}()
	var out []result
	for r := range results {
		out = append(out, r)
	}
	return out
}

// The send is in a callback passed to WalkDir: it runs synchronously, but nothing in
// the syntax says so.
func walk(root string) []string {
	paths := make(chan string)
	go func() { // want "only sender on `paths`.*passed to a call inside the producer"
		_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				paths <- p
			}
			return nil
		})
	}()
	var out []string
	for p := range paths {
		out = append(out, p)
	}
	return out
}

// A plain receive elsewhere would get zero values forever once the channel is closed.
func header(lines []string) (string, []string) {
	ch := make(chan string)
	go func() { // want "only sender on `ch`.*plain receive"
		for _, l := range lines {
			ch <- l
		}
	}()
	head := <-ch
	var body []string
	for l := range ch {
		body = append(body, l)
	}
	return head, body
}

// The same for a select case without comma-ok.
func selected(lines []string, stop <-chan struct{}) []string {
	ch := make(chan string)
	go func() { // want "only sender on `ch`.*plain receive"
		for _, l := range lines {
			ch <- l
		}
	}()
	select {
	case l := <-ch:
		_ = l
	case <-stop:
		return nil
	}
	var out []string
	for l := range ch {
		out = append(out, l)
	}
	return out
}

// A one-line producer that gofmt would split once the close is added: no fix.
func tooLong(aVeryLongSliceName []string, anotherLongName func(string) string) []string {
	ch := make(chan string, 1)
	go func() { ch <- anotherLongName(aVeryLongSliceName[0] + aVeryLongSliceName[len(aVeryLongSliceName)-1]) }() // want "layout leaves no room"
	var out []string
	for s := range ch {
		out = append(out, s)
	}
	return out
}
