package p

import (
	"fmt"
	"strings"
)

// A producer/consumer pipeline: the consumer's range never ends.
func squares(nums []int) []int {
	out := make(chan int)
	go func() { // want "only sender on `out` and never closes it"
		for _, n := range nums {
			out <- n * n
		}
	}()
	var res []int
	for sq := range out {
		res = append(res, sq)
	}
	return res
}

// Defers run last-in first-out: `defer close(errs)` inserted first runs after the
// deferred recover that sends a final value, so that send never hits a closed channel
// (checked with a real Go program).
func runAll(tasks []func() error) []error {
	errs := make(chan error)
	go func() { // want "only sender on `errs`"
		defer func() {
			if r := recover(); r != nil {
				errs <- fmt.Errorf("task panicked: %v", r)
			}
		}()
		for _, t := range tasks {
			errs <- t()
		}
	}()
	var out []error
	for err := range errs {
		out = append(out, err)
	}
	return out
}

// A one-line producer stays on one line.
func upper(words []string) string {
	ch := make(chan string, len(words))
	go func() { ch <- strings.ToUpper(strings.Join(words, " ")) }() // want "only sender on `ch`"
	var b strings.Builder
	for s := range ch {
		b.WriteString(s)
	}
	return b.String()
}

// Comma-ok receives see the close as ok == false: still safe. A literal called in place
// inside the producer runs before it returns.
func firstAndRest(lines []string) (string, []string) {
	lines2 := make(chan string)
	go func() { // want "only sender on `lines2`"
		func() {
			for _, l := range lines {
				lines2 <- l
			}
		}()
	}()
	first, ok := <-lines2
	if !ok {
		return "", nil
	}
	var rest []string
	for l := range lines2 {
		rest = append(rest, l)
	}
	return first, rest
}
