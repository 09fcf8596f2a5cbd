package p

import "time"

func work() {}

func declared(done <-chan struct{}) {
	t := time.NewTicker(time.Second) // want "never stopped"
	for {
		select {
		case <-t.C:
			work()
		case <-done:
			return
		}
	}
}

func varForm(done <-chan struct{}, d time.Duration) {
	var t = time.NewTicker(d) // want "never stopped"
	for {
		select {
		case <-t.C:
			work()
		case <-done:
			return
		}
	}
}

func assigned(done <-chan struct{}, d time.Duration) {
	var t *time.Ticker
	if d <= 0 {
		d = time.Second
	}
	t = time.NewTicker(d) // want "never stopped"
	for {
		select {
		case <-t.C:
			work()
		case <-done:
			return
		}
	}
}

// The channel held in a variable of its own is fine: it does not outlive the function.
func viaChannel(done <-chan struct{}) {
	t := time.NewTicker(time.Second) // want "never stopped"
	c := t.C
	for {
		select {
		case <-c:
			work()
		case <-done:
			return
		}
	}
}
