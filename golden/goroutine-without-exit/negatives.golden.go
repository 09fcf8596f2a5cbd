package p

import (
	"context"
	"time"
)

func work() bool { return true }

func withDone(ctx context.Context) {
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			default:
				work()
			}
		}
	}()
}

func withReturn() {
	go func() {
		for {
			if !work() {
				return
			}
		}
	}()
}

func withBreak() {
	go func() {
		for {
			if !work() {
				break
			}
		}
	}()
}

func labelled() {
	go func() {
	outer:
		for {
			switch {
			case !work():
				break outer
			}
		}
	}()
}

func receives(stop chan struct{}) {
	go func() {
		for {
			<-stop
			work()
		}
	}()
	go func() {
		for {
			if _, ok := <-stop; !ok {
				work()
			}
		}
	}()
}

func ranges(jobs chan int) {
	go func() {
		for {
			for j := range jobs {
				_ = j
			}
		}
	}()
}

func bounded() {
	go func() {
		for i := 0; i < 10; i++ {
			work()
		}
		for work() {
		}
	}()
}

// A named function: its body is elsewhere.
func loop() {
	for {
		time.Sleep(time.Second)
	}
}

func named() {
	go loop()
}

// An endless loop that is not started as a goroutine.
func mainLoop() {
	for {
		if !work() {
			return
		}
	}
}

func withGoto() {
	go func() {
		for {
			if !work() {
				goto done
			}
		}
	done:
	}()
}
