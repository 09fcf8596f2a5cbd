package p

import (
	"errors"
	"time"
)

// `timeout := time.After(d)` used once by the select that follows: the same leak.
func next(jobs <-chan int, d time.Duration) error {
	for {
		timeout := time.After(d) // want "time.After"
		select {
		case j := <-jobs:
			println(j)
		case <-timeout:
			return errors.New("no job in time")
		}
	}
}

// An overall deadline for an inner loop: stopping the timer in the other cases would
// remove the deadline.
func batches(jobs <-chan int, d time.Duration) {
	for round := 0; round < 3; round++ {
		deadline := time.After(d) // want "overall deadline"
		for {
			select {
			case j := <-jobs:
				println(round, j)
				continue
			case <-deadline:
			}
			break
		}
	}
}

// Used by two selects: no fix.
func twice(a, b <-chan int, d time.Duration) {
	for {
		timeout := time.After(d) // want "several cases"
		select {
		case <-a:
		case <-timeout:
			return
		}
		select {
		case <-b:
		case <-timeout:
			return
		}
	}
}

// Waited for in full (a sleep): the timer always fires, no leak.
func sleepy(d time.Duration) {
	for i := 0; i < 3; i++ {
		pause := time.After(d)
		<-pause
	}
}

// Created once per call, outside the loop: an overall deadline, not a pile-up.
func deadlineOutside(jobs <-chan int, d time.Duration) {
	timeout := time.After(d)
	for {
		select {
		case <-jobs:
		case <-timeout:
			return
		}
	}
}
