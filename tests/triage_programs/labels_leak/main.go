// A service that labels its requests (runtime/pprof.Do) and leaks one goroutine per
// abandoned call: the forgotten sender. The caller has given up before fetch selects, and
// the slow call answers only after fetch returned, so every call leaks (no timing luck). The runtime proves those goroutines leaked (no one
// else can reach errc); the parked worker waits on a channel a global still reaches, so it
// is only suspected.
package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	_ "net/http/pprof"
	"os"
	"runtime/pprof"
	"strconv"
	"time"
)

var wake = make(chan struct{}) // reachable from a global: waiting on it is not a proven leak

func slowCall(answer <-chan struct{}) error {
	<-answer
	return errors.New("too late")
}

func fetch(ctx context.Context, answer <-chan struct{}) error {
	errc := make(chan error)
	go func() { // triage:created
		errc <- slowCall(answer) // triage:blocking
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

func handle(i int) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // the client went away: fetch's select takes ctx.Done
	answer := make(chan struct{})
	labels := pprof.Labels("handler", "fetch", "req", strconv.Itoa(i%3))
	pprof.Do(ctx, labels, func(ctx context.Context) {
		_ = fetch(ctx, answer)
	})
	close(answer) // the slow call answers now, and nobody receives
}

func main() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	go pprof.Do(context.Background(), pprof.Labels("handler", "worker"), func(context.Context) {
		<-wake
	})
	for i := 0; i < 30; i++ {
		handle(i)
	}
	time.Sleep(50 * time.Millisecond) // the test still waits until all 30 block on their send
	fmt.Println(ln.Addr().(*net.TCPAddr).Port)
	_ = http.Serve(ln, nil)
}
