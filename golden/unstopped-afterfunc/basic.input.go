package p

import (
	"context"
	"fmt"
	"time"
)

type request struct {
	id     int
	cancel context.CancelFunc
}

func handle(r request) { fmt.Println(r.id) }

func serve(requests <-chan request) {
	for req := range requests {
		time.AfterFunc(30*time.Second, func() { req.cancel() }) // want "the \\*time.Timer returned by time.AfterFunc is discarded inside a loop.*call t.Stop\\(\\)"
		handle(req)
	}
}

func retry(n int, warn func()) {
	for i := 0; i < n; i++ {
		if i > 0 {
			_ = time.AfterFunc(time.Second, warn) // want "discarded inside a loop"
		}
	}
}

func watchdog(done <-chan struct{}, d time.Duration) {
	for {
		select {
		case <-done:
			return
		default:
			time.AfterFunc(d, func() { fmt.Println("slow") }) // want "nothing can cancel"
		}
	}
}
