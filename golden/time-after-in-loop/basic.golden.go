package p

import (
	"log"
	"time"
)

type Order struct{ ID int }

func (o Order) Process() <-chan int { return make(chan int) }

func handle(int) {}

// The payment-service shape: one timer per order, each alive for five seconds.
func consume(orderCh <-chan Order) {
	for order := range orderCh {
		timer := time.NewTimer(5 * time.Second)
		select {
		case <-timer.C: // want "time.After in a select inside a loop"
			log.Println("timeout", order.ID)
		case result := <-order.Process():
			timer.Stop()
			handle(result)
		}
	}
}

// The case may receive the timer's value.
func stamped(events <-chan int) {
	for {
		timer := time.NewTimer(time.Minute)
		select {
		case now := <-timer.C: // want "starts a new timer on every iteration"
			log.Println("idle since", now)
			return
		case ev, ok := <-events:
			timer.Stop()
			if !ok {
				return
			}
			handle(ev)
		default:
			timer.Stop()
			handle(0)
		}
	}
}

// Only the timer case: nothing else to stop it in.
func alone(d time.Duration) {
	for i := 0; i < 3; i++ {
		timer := time.NewTimer(d)
		select {
		case <-timer.C: // want "time.After"
			log.Println("tick", i)
		}
	}
}
