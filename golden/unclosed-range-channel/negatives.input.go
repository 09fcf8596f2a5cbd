package p

import "sync"

// Closed by the producer: correct.
func closedByProducer(nums []int) int {
	out := make(chan int)
	go func() {
		defer close(out)
		for _, n := range nums {
			out <- n
		}
	}()
	sum := 0
	for v := range out {
		sum += v
	}
	return sum
}

// Closed after the workers are done: correct, and several senders anyway.
func workers(nums []int) int {
	out := make(chan int)
	var wg sync.WaitGroup
	for _, n := range nums {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out <- n * 2
		}()
	}
	go func() {
		wg.Wait()
		close(out)
	}()
	sum := 0
	for v := range out {
		sum += v
	}
	return sum
}

// Two producers: closing in either would break the other.
func twoProducers(a, b []int) int {
	out := make(chan int)
	go func() {
		for _, n := range a {
			out <- n
		}
	}()
	go func() {
		for _, n := range b {
			out <- n
		}
	}()
	sum := 0
	for v := range out {
		sum += v
		if sum > 100 {
			break
		}
	}
	return sum
}

// A producer started in a loop: one per iteration.
func perIteration(batches [][]int) int {
	out := make(chan int)
	for _, batch := range batches {
		go func() {
			for _, n := range batch {
				out <- n
			}
		}()
	}
	sum := 0
	for v := range out {
		sum += v
		if sum > 100 {
			break
		}
	}
	return sum
}

func produce(out chan<- int, nums []int) {
	defer close(out)
	for _, n := range nums {
		out <- n
	}
}

// The channel is passed to a named function, which may close it (this one does).
func passed(nums []int) int {
	out := make(chan int)
	go produce(out, nums)
	sum := 0
	for v := range out {
		sum += v
	}
	return sum
}

// The function sends itself (a buffered channel filled up front): not a goroutine.
func filled() int {
	out := make(chan int, 3)
	out <- 1
	out <- 2
	out <- 3
	close(out)
	sum := 0
	for v := range out {
		sum += v
	}
	return sum
}

// A channel that is not made here: its owner closes it.
func param(in <-chan int) int {
	sum := 0
	for v := range in {
		sum += v
	}
	return sum
}

// Ranging over a channel of a struct field: not a local channel.
type source struct{ ch chan int }

func field(s *source) int {
	sum := 0
	go func() { s.ch <- 1 }()
	for v := range s.ch {
		sum += v
	}
	return sum
}

// Ranging over a slice with the same name pattern: not a channel.
func slice(nums []int) int {
	out := make([]int, 0, len(nums))
	out = append(out, nums...)
	sum := 0
	for _, v := range out {
		sum += v
	}
	return sum
}

// A goto could start the producer again.
func withGoto(nums []int) int {
	sum := 0
	round := 0
again:
	out := make(chan int)
	go func() {
		for _, n := range nums {
			out <- n
		}
	}()
	for v := range out {
		sum += v
		if v < 0 {
			break
		}
	}
	if round++; round < 2 {
		goto again
	}
	return sum
}

// Suppressed.
func suppressed(nums []int) int {
	out := make(chan int)
	//gofix:ignore unclosed-range-channel
	go func() {
		for _, n := range nums {
			out <- n
		}
	}()
	sum := 0
	for v := range out {
		sum += v
		if v < 0 {
			break
		}
	}
	return sum
}
