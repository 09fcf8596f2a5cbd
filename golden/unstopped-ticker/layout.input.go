package p

import "time"

func commented(done <-chan struct{}) {
	// one tick per second
	t := time.NewTicker(time.Second) // want "never stopped"
	// wait
	for {
		select {
		case <-t.C: // tick
		case <-done:
			return
		}
	}
}

func labeled(done <-chan struct{}) {
outer:
	for range time.Tick(time.Second) { // want "time.Tick"
		select {
		case <-done:
			break outer
		default:
		}
	}
}

func multi(done <-chan struct{}) {
	t := time.NewTicker( // want "never stopped"
		time.Second,
	)
	select {
	case <-t.C:
	case <-done:
	}
}
