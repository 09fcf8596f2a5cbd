package p

import (
	"context"
	"io"
	"net"
	"os"
	"time"
)

// Each file is read in its own iteration; nothing after the loop needs it open.
func readAll(names []string, sum func([][]byte)) error {
	var bufs [][]byte
	for _, name := range names {
		in, err := os.Open(name)
		if err != nil {
			return err
		}
		defer in.Close() // want "defer in.Close\\(\\) in a loop body runs only when the function returns"
		buf, err := io.ReadAll(in)
		if err != nil {
			return err
		}
		bufs = append(bufs, buf)
	}
	sum(bufs)
	return nil
}

// Each timeout context is used up by the wait of its own iteration.
func waitEach(ctx context.Context, chs []chan int, report func()) error {
	for _, ch := range chs {
		sctx, cancel := context.WithTimeout(ctx, time.Second)
		defer cancel() // want "defer cancel\\(\\) in a loop body runs only when the function returns"
		if err := wait(sctx, ch); err != nil {
			return err
		}
	}
	report()
	return nil
}

// The same, the wait in the condition.
func waitEachCond(ctx context.Context, chs []chan int, report func()) error {
	for _, ch := range chs {
		sctx, cancel := context.WithTimeout(ctx, time.Second)
		defer cancel() // want "defer cancel\\(\\) in a loop body runs only when the function returns"
		if wait(sctx, ch) != nil {
			return sctx.Err()
		}
	}
	report()
	return nil
}

func wait(ctx context.Context, ch chan int) error {
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

type client struct{ c net.Conn }

func newClient(c net.Conn) *client { return &client{c: c} }

// Each connection, wrapped, is kept in the slice for the work after the loop.
func dialAll(addrs []string, work func([]*client)) error {
	clients := make([]*client, len(addrs))
	for i, a := range addrs {
		conn, err := net.Dial("tcp", a)
		if err != nil {
			return err
		}
		defer conn.Close()
		clients[i] = newClient(conn)
	}
	work(clients)
	return nil
}
