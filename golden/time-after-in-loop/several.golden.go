package p

import "time"

// Several time.After in one select get one timer each; each timer's Stop goes into every
// clause but its own.
func heartbeat(in <-chan string, soft, hard time.Duration) {
	for {
		timer := time.NewTimer(soft)
		timer2 := time.NewTimer(hard)
		select {
		case <-timer.C: // want "time.After"
			timer2.Stop()
			println("slow")
		case s := <-in:
			timer.Stop()
			timer2.Stop()
			println(s)
		case <-timer2.C: // want "time.After"
			timer.Stop()
			return
		}
	}
}
