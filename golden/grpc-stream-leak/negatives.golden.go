// gofix-test: modules=grpc
package p

import (
	"context"
	"errors"
	"io"

	"google.golang.org/grpc"
)

type Event struct{ Key string }

type WatchRequest struct{ Prefix string }

type Sample struct{ N int }

type Summary struct{ Total int }

type WatcherClient interface {
	Watch(ctx context.Context, in *WatchRequest, opts ...grpc.CallOption) (grpc.ServerStreamingClient[Event], error)
	Record(ctx context.Context, opts ...grpc.CallOption) (grpc.ClientStreamingClient[Sample, Summary], error)
}

// The stream's context is cancelled by a deferred cancel.
func cancelled(ctx context.Context, c WatcherClient) (*Event, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	s, err := c.Watch(ctx, &WatchRequest{})
	if err != nil {
		return nil, err
	}
	return s.Recv()
}

// Cancelled on every path, without defer.
func cancelledByHand(ctx context.Context, c WatcherClient) error {
	wctx, stop := context.WithTimeout(ctx, 0)
	s, err := c.Watch(wctx, &WatchRequest{})
	if err != nil {
		stop()
		return err
	}
	_, err = s.Recv()
	stop()
	return err
}

// Drained: the Recv loop is left only on Recv's errors, io.EOF included.
func drain(ctx context.Context, c WatcherClient) ([]*Event, error) {
	s, err := c.Watch(ctx, &WatchRequest{})
	if err != nil {
		return nil, err
	}
	var out []*Event
	for {
		ev, err := s.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		out = append(out, ev)
	}
	return out, nil
}

// Drained by CloseAndRecv on every path.
func record(ctx context.Context, c WatcherClient, n int) (*Summary, error) {
	rec, err := c.Record(ctx)
	if err != nil {
		return nil, err
	}
	for i := 0; i < n; i++ {
		if err := rec.Send(&Sample{N: i}); err != nil {
			break
		}
	}
	return rec.CloseAndRecv()
}

// The caller owns a returned stream.
func open(ctx context.Context, c WatcherClient) (grpc.ServerStreamingClient[Event], error) {
	s, err := c.Watch(ctx, &WatchRequest{})
	if err != nil {
		return nil, err
	}
	return s, nil
}

// Handed to a helper that drains it.
func viaHelper(ctx context.Context, c WatcherClient) error {
	s, err := c.Watch(ctx, &WatchRequest{})
	if err != nil {
		return err
	}
	return consume(s)
}

func consume(s grpc.ServerStreamingClient[Event]) error {
	for {
		if _, err := s.Recv(); err != nil {
			return err
		}
	}
}

// Not a gRPC stream: a type of this package with a Recv method.
type conn struct{}

func (*conn) Recv() ([]byte, error) { return nil, io.EOF }

type dialer struct{}

func (dialer) Open(ctx context.Context) (*conn, error) { return &conn{}, ctx.Err() }

func lookalike(ctx context.Context, d dialer) ([]byte, error) {
	x, err := d.Open(ctx)
	if err != nil {
		return nil, err
	}
	return x.Recv()
}
