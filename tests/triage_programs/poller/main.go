// Every watch starts a polling goroutine with no way to stop it (and no ticker either).
package main

import (
	"fmt"
	"net"
	"net/http"
	_ "net/http/pprof"
	"os"
	"sync/atomic"
	"time"
)

var polls atomic.Int64

func poll(name string) {
	if name != "" {
		polls.Add(1)
	}
}

func watch(name string) {
	go func() { // triage:created
		for {
			poll(name)
			time.Sleep(time.Second) // triage:blocking
		}
	}()
}

func main() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	for i := 0; i < 30; i++ {
		watch(fmt.Sprint("job-", i))
	}
	go func() {
		for i := 0; i < 2000; i++ {
			watch("later")
			time.Sleep(10 * time.Millisecond)
		}
	}()
	time.Sleep(100 * time.Millisecond)
	fmt.Println(ln.Addr().(*net.TCPAddr).Port)
	_ = http.Serve(ln, nil)
}
