// A hub whose broadcast blocks on one client that stopped reading, with the hub's lock
// held: every goroutine that needs the lock piles up. It prints how many are stuck.
package main

import (
	"fmt"
	"runtime"
	"sync"
	"time"
)

type Client struct{ send chan string }

type Hub struct {
	mu      sync.Mutex
	clients map[*Client]bool
}

func (h *Hub) Register(c *Client) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.clients[c] = true
}

func (h *Hub) Broadcast(msg string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for c := range h.clients {
		c.send <- msg
	}
}

func main() {
	h := &Hub{clients: map[*Client]bool{}}
	h.Register(&Client{send: make(chan string)}) // a client whose reader is gone
	base := runtime.NumGoroutine()
	go h.Broadcast("hello")
	time.Sleep(50 * time.Millisecond)
	for i := 0; i < 20; i++ {
		go h.Register(&Client{send: make(chan string, 1)})
	}
	time.Sleep(100 * time.Millisecond)
	fmt.Printf("stuck=%d\n", runtime.NumGoroutine()-base)
}
