package p

import (
	"context"
	"io"
	"time"
)

// Already buffered: nothing to do.
func buffered(ctx context.Context, work func() error) error {
	errc := make(chan error, 1)
	go func() { errc <- work() }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// len and cap: the code cares about the buffer; leave it alone.
func measured(ctx context.Context, work func() error) (int, error) {
	errc := make(chan error)
	go func() { errc <- work() }()
	select {
	case err := <-errc:
		return cap(errc), err
	case <-ctx.Done():
		return len(errc), ctx.Err()
	}
}

func consume(ch chan error) { <-ch }

// The channel escapes: passed to a call, returned, stored, closed.
func passed(ctx context.Context, work func() error) error {
	errc := make(chan error)
	go func() { errc <- work() }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		go consume(errc)
		return ctx.Err()
	}
}

func returned(work func() error) <-chan error {
	errc := make(chan error)
	go func() { errc <- work() }()
	return errc
}

type job struct{ done chan error }

func stored(ctx context.Context, work func() error) (job, error) {
	errc := make(chan error)
	j := job{done: errc}
	go func() { errc <- work() }()
	select {
	case err := <-errc:
		return j, err
	case <-ctx.Done():
		return j, ctx.Err()
	}
}

func closed(ctx context.Context, work func() error) error {
	errc := make(chan error)
	go func() {
		errc <- work()
		close(errc)
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Sends in a loop: the number of values is not known.
func looped(ctx context.Context, items []int) int {
	out := make(chan int)
	go func() {
		for _, it := range items {
			out <- it
		}
	}()
	select {
	case v := <-out:
		return v
	case <-ctx.Done():
		return 0
	}
}

// One goroutine per iteration: several senders.
func started(ctx context.Context, items []int) int {
	out := make(chan int)
	for _, it := range items {
		go func() { out <- it * 2 }()
	}
	select {
	case v := <-out:
		return v
	case <-ctx.Done():
		return 0
	}
}

// Two goroutines send.
func twoSenders(ctx context.Context, a, b func() int) int {
	out := make(chan int)
	go func() { out <- a() }()
	go func() { out <- b() }()
	select {
	case v := <-out:
		return v
	case <-ctx.Done():
		return 0
	}
}

// The other case drains the channel before leaving: no goroutine is left behind.
func drained(ctx context.Context, stop func(), work func() error) error {
	errc := make(chan error)
	go func() { errc <- work() }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		stop()
		<-errc
		return ctx.Err()
	}
}

// A plain receive: it waits for the value, whatever happens.
func plain(work func() error) error {
	errc := make(chan error)
	go func() { errc <- work() }()
	return <-errc
}

// A select with a single case is a plain receive.
func single(work func() error) error {
	errc := make(chan error)
	go func() { errc <- work() }()
	select {
	case err := <-errc:
		return err
	}
}

// The loop only ends by receiving: the ticker case cannot leave it.
func patient(tick <-chan time.Time, work func() error) error {
	errc := make(chan error)
	go func() { errc <- work() }()
	for {
		select {
		case err := <-errc:
			return err
		case <-tick:
			continue
		}
	}
}

// The channel is a parameter of the goroutine: passed to a call.
func argument(ctx context.Context, work func() error) error {
	errc := make(chan error)
	go func(out chan<- error) { out <- work() }(errc)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// The function itself sends, from a select: not a goroutine's send.
func selfSend(ctx context.Context, v int) int {
	ch := make(chan int)
	go func() {
		select {
		case x := <-ch:
			_ = x
		case <-ctx.Done():
		}
	}()
	select {
	case ch <- v:
		return v
	case <-ctx.Done():
		return 0
	}
}

// A goto could start the goroutine again.
func withGoto(ctx context.Context, work func() error) error {
	tries := 0
again:
	errc := make(chan error)
	go func() { errc <- work() }()
	select {
	case err := <-errc:
		if err != nil && tries < 3 {
			tries++
			goto again
		}
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Shadowed: the send goes to the goroutine's own channel.
func shadowed(ctx context.Context) int {
	ch := make(chan int)
	go func() {
		ch := make(chan int, 1)
		ch <- 1
	}()
	select {
	case v := <-ch:
		return v
	case <-ctx.Done():
		return 0
	}
}

// The sender's own select watches the same ctx.Done() as the receiver's other case:
// when the receiver gives up, the sender gives up too (and cleans up what it made).
// Buffering would even leak conn: nobody would close it.
func dialCtx(ctx context.Context, dial func() (io.Closer, error)) (io.Closer, error) {
	type res struct {
		conn io.Closer
		err  error
	}
	resc := make(chan res)
	go func() {
		conn, err := dial()
		select {
		case resc <- res{conn, err}:
		case <-ctx.Done():
			if conn != nil {
				conn.Close()
			}
		}
	}()
	select {
	case r := <-resc:
		return r.conn, r.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// A send with a default never blocks.
func tryNotify(ctx context.Context, event string) string {
	ch := make(chan string)
	go func() {
		select {
		case ch <- event:
		default:
		}
	}()
	select {
	case e := <-ch:
		return e
	case <-ctx.Done():
		return ""
	}
}

// Suppressed.
func suppressed(ctx context.Context, work func() error) error {
	errc := make(chan error) //gofix:ignore forgotten-sender
	go func() { errc <- work() }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}
