package p

import (
	"context"
	"sync"
	"time"
)

type Client struct {
	send chan []byte
	out  struct{ ch chan string }
}

type Hub struct {
	mu      sync.Mutex
	clients map[*Client]bool
	subs    []*Client
}

// Under the hub's lock: one stuck client stalls every goroutine that needs h.mu.
func (h *Hub) Broadcast(msg []byte) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for c := range h.clients {
		c.send <- msg // want "blocking send to c.send in a loop over h.clients: .*h.mu is held across the loop"
	}
}

// Without a lock: a warning.
func (h *Hub) Notify(text string) {
	for _, c := range h.subs {
		c.out.ch <- text // want "blocking send to c.out.ch in a loop over h.subs: one slow or gone receiver blocks the whole broadcast; send with `select"
	}
}

// The range value is the channel itself.
func fanOut(subs map[string]chan int, v int) {
	for _, ch := range subs {
		ch <- v // want "blocking send to ch in a loop over subs"
	}
}

// An element indexed by the range key.
func fanOutIndexed(chans []chan int, v int) {
	for i := range chans {
		chans[i] <- v // want "blocking send to chans\\[i\\] in a loop over chans"
	}
}

// Negatives: a select with default, a select with a timeout, a send in a goroutine per
// client, a channel not reached from the range variable, a range over a channel.
func (h *Hub) TryBroadcast(msg []byte) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for c := range h.clients {
		select {
		case c.send <- msg:
		default:
			delete(h.clients, c)
		}
	}
}

func (h *Hub) BroadcastWithin(ctx context.Context, msg []byte) {
	for _, c := range h.subs {
		select {
		case c.send <- msg:
		case <-ctx.Done():
			return
		case <-time.After(time.Second):
		}
	}
}

func (h *Hub) BroadcastAsync(msg []byte) {
	for _, c := range h.subs {
		go func() { c.send <- msg }()
	}
}

func collect(names []string, out chan<- string) {
	for _, n := range names {
		out <- n
	}
}

func relay(in chan *Client, msg []byte) {
	for c := range in {
		c.send <- msg
	}
}
