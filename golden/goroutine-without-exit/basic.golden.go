package p

import (
	"fmt"
	"sync"
	"time"
)

func flush() {}

func start() {
	go func() { // want "this goroutine runs an endless for loop with no return, no break and no channel receive or select.*select on ctx.Done\\(\\)"
		for {
			flush()
			time.Sleep(time.Second)
		}
	}()
}

func counter(mu *sync.Mutex, n *int) {
	go func(step int) { // want "endless for loop"
		for ; ; *n += step {
			mu.Lock()
			if *n > 100 {
				mu.Unlock()
				continue
			}
			mu.Unlock()
		}
	}(1)
}

func innerBreak(items []int) {
	go func() { // want "nothing can stop it"
		defer fmt.Println("never")
		for true {
			for i := 0; i < len(items); i++ {
				if items[i] < 0 {
					break // leaves the inner range loop only
				}
			}
			switch len(items) {
			case 0:
				break // leaves the switch only
			}
			go func() {
				return // returns from the inner literal only
			}()
		}
	}()
}

func panics(check func() error) {
	go func() { // want "short of a panic"
		for {
			if err := check(); err != nil {
				panic(err)
			}
		}
	}()
}
