// A service that labels its requests (runtime/pprof.Do) and leaks one goroutine per
// timed-out call: the forgotten sender. The runtime proves those goroutines leaked (no one
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

func slowCall() error {
	time.Sleep(5 * time.Millisecond)
	return errors.New("too late")
}

func fetch(ctx context.Context) error {
	errc := make(chan error)
	go func() { // triage:created
		errc <- slowCall() // triage:blocking
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

func handle(i int) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
	defer cancel()
	labels := pprof.Labels("handler", "fetch", "req", strconv.Itoa(i%3))
	pprof.Do(ctx, labels, func(ctx context.Context) {
		_ = fetch(ctx)
	})
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
	time.Sleep(100 * time.Millisecond)
	fmt.Println(ln.Addr().(*net.TCPAddr).Port)
	_ = http.Serve(ln, nil)
}
