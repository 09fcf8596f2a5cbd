package p

import "time"

// `<-time.After(d)` as a statement is a sleep: the timer always fires.
func sleeps(n int, d time.Duration) {
	for i := 0; i < n; i++ {
		<-time.After(d)
	}
}

// A select outside any loop creates one timer per call.
func once(ch <-chan int, d time.Duration) int {
	select {
	case v := <-ch:
		return v
	case <-time.After(d):
		return -1
	}
}

// The select is in a function literal of its own: its timers are the literal's business,
// once per call.
func perGoroutine(chs []chan int, d time.Duration) {
	for _, ch := range chs {
		go func(ch chan int) {
			select {
			case <-ch:
			case <-time.After(d):
			}
		}(ch)
	}
}

// Already correct.
func stopped(ch <-chan int, d time.Duration) {
	for {
		timer := time.NewTimer(d)
		select {
		case <-ch:
			timer.Stop()
		case <-timer.C:
			return
		}
	}
}

// Other values called After.
type clock struct{}

func (clock) After(d time.Duration) <-chan time.Time { return nil }

type svc struct{ time clock }

func lookAlikes(s svc, ch <-chan int, d time.Duration) {
	for {
		select {
		case <-s.time.After(d):
			return
		case <-ch:
		}
	}
}

func shadowed(ch <-chan int, d time.Duration) {
	time := clock{}
	for {
		select {
		case <-time.After(d):
			return
		case <-ch:
		}
	}
}
