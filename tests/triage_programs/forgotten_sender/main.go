// A service whose fetch leaks one goroutine per timed-out call: the forgotten sender.
package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	_ "net/http/pprof"
	"os"
	"time"
)

func slowCall() error {
	time.Sleep(50 * time.Millisecond)
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

func leakOnce() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
	defer cancel()
	_ = fetch(ctx)
}

func main() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	for i := 0; i < 30; i++ {
		leakOnce()
	}
	go func() {
		for i := 0; i < 2000; i++ {
			leakOnce()
			time.Sleep(10 * time.Millisecond)
		}
	}()
	time.Sleep(100 * time.Millisecond)
	fmt.Println(ln.Addr().(*net.TCPAddr).Port)
	_ = http.Serve(ln, nil)
}
