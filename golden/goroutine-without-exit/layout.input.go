package p

import "time"

func tick() {}

func odd() {
	go ( // want "endless for loop"
	func() {
		for /* ever */ {
			tick() // keep going
			time.Sleep(time.Millisecond)
		}
	})()
}

func suppressed() {
	//nolint:gofix // started once for the process lifetime
	go func() {
		for {
			tick()
		}
	}()
}

func nested() {
	go func() { // want "endless for loop"
		for {
			for {
				break // leaves the inner loop only
			}
		}
	}()
}
