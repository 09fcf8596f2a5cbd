package p

// Odd layout: a comment after the producer's brace, a var declaration, a range
// without variables, comments among the statements.
func drain(n int) int {
	// buffered or not, the range needs a close
	var ticks = make(chan struct{}, n)
	go func() { // the producer // want "only sender on `ticks`"
		// one tick per unit of work
		for i := 0; i < n; i++ {
			ticks <- struct{}{} // tick
		}
	}()
	count := 0
	for range ticks {
		count++ // counted
	}
	return count
}

// A producer whose literal takes parameters (not the channel) and a comma-ok receive
// inside a select.
func prefixed(words []string, stop <-chan struct{}) []string {
	out := make(chan string)
	go func(prefix string) { // want "only sender on `out`"
		for _, w := range words {
			select {
			case out <- prefix + w:
			case <-stop:
				return
			}
		}
	}("> ")
	var got []string
	select {
	case w, ok := <-out:
		if ok {
			got = append(got, w)
		}
	case <-stop:
		return nil
	}
	for w := range out {
		got = append(got, w)
	}
	return got
}
