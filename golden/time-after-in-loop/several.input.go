package p

import "time"

// Several time.After in one select get one timer each; each timer's Stop goes into every
// clause but its own.
func heartbeat(in <-chan string, soft, hard time.Duration) {
	for {
		select {
		case <-time.After(soft): // want "time.After"
			println("slow")
		case s := <-in:
			println(s)
		case <-time.After(hard): // want "time.After"
			return
		}
	}
}
