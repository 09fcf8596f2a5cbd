package p

import "time"

func deferred(done <-chan struct{}) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-t.C:
		case <-done:
			return
		}
	}
}

func stoppedLater(n int) {
	t := time.NewTicker(time.Millisecond)
	for i := 0; i < n; i++ {
		<-t.C
	}
	t.Stop()
}

func inLiteral(done <-chan struct{}) {
	t := time.NewTicker(time.Millisecond)
	defer func() { t.Stop() }()
	<-done
}
