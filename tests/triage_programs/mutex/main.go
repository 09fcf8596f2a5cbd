// Outside the catalog: an error path returns without unlocking, and every later
// worker waits for the mutex forever.
package main

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	_ "net/http/pprof"
	"os"
	"sync"
	"time"
)

var (
	mu    sync.Mutex
	count int
)

func update(i int) error {
	mu.Lock() // triage:blocking
	if i == 3 {
		return errors.New("bad input") // the lock is never released
	}
	count++
	mu.Unlock()
	return nil
}

func worker(i int) {
	_ = update(i)
}

func spawn(i int) {
	go worker(i) // triage:created
}

func main() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	for i := 0; i < 30; i++ {
		spawn(i)
	}
	go func() {
		for i := 0; i < 2000; i++ {
			spawn(i + 100)
			time.Sleep(10 * time.Millisecond)
		}
	}()
	time.Sleep(100 * time.Millisecond)
	fmt.Println(ln.Addr().(*net.TCPAddr).Port)
	_ = http.Serve(ln, nil)
}
