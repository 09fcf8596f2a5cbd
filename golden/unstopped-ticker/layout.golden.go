package p

import "time"

func commented(done <-chan struct{}) {
	// one tick per second
	t := time.NewTicker(time.Second) // want "never stopped"
	defer t.Stop()
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
	ticker := time.NewTicker(time.Second)
	defer ticker.Stop()
outer:
	for range ticker.C { // want "time.Tick"
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
	defer t.Stop()
	select {
	case <-t.C:
	case <-done:
	}
}
