// A consumer that ranges over a channel its producer never closes: it waits forever.
package main

import (
	"fmt"
	"net"
	"net/http"
	_ "net/http/pprof"
	"os"
	"time"
)

var results = make(chan int, 10000)

func sumBatch(n int) {
	ch := make(chan int)
	go func() { // triage:producer
		for i := 0; i < n; i++ {
			ch <- i
		}
	}()
	total := 0
	for v := range ch { // triage:blocking
		total += v
	}
	results <- total
}

func spawn() {
	go sumBatch(3) // triage:created
}

func main() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	for i := 0; i < 30; i++ {
		spawn()
	}
	go func() {
		for i := 0; i < 2000; i++ {
			spawn()
			time.Sleep(10 * time.Millisecond)
		}
	}()
	time.Sleep(100 * time.Millisecond)
	fmt.Println(ln.Addr().(*net.TCPAddr).Port)
	_ = http.Serve(ln, nil)
}
