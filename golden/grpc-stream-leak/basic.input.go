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

// The generated client of a service with a server-streaming, a client-streaming and an
// older-style server-streaming method.
type WatcherClient interface {
	Watch(ctx context.Context, in *WatchRequest, opts ...grpc.CallOption) (grpc.ServerStreamingClient[Event], error)
	Record(ctx context.Context, opts ...grpc.CallOption) (grpc.ClientStreamingClient[Sample, Summary], error)
	Tail(ctx context.Context, in *WatchRequest, opts ...grpc.CallOption) (Watcher_TailClient, error)
}

type Watcher_TailClient interface {
	Recv() (*Event, error)
	grpc.ClientStream
}

// Reads one event and abandons the stream.
func first(ctx context.Context, c WatcherClient) (*Event, error) {
	stream, err := c.Watch(ctx, &WatchRequest{}) // want "stream opened by c.Watch can be left undrained [(]the return at line 39[)]"
	if err != nil {
		return nil, err
	}
	return stream.Recv()
}

// Leaves the Recv loop on a condition other than an error.
func until(ctx context.Context, c WatcherClient, key string) error {
	s, err := c.Tail(ctx, &WatchRequest{Prefix: key}) // want "c.Tail can be left undrained [(]the return at line 54[)]"
	if err != nil {
		return err
	}
	for {
		ev, err := s.Recv()
		if err != nil {
			return err
		}
		if ev.Key == key {
			return nil
		}
	}
}

// Opened in a loop whose body can be left early: no fix.
func loop(c WatcherClient, keys []string) int {
	n := 0
	for _, k := range keys {
		s, err := c.Watch(context.Background(), &WatchRequest{Prefix: k}) // want "c.Watch can be left undrained .*no automatic fix: the stream is opened in a loop body that can be left early"
		if err != nil {
			continue
		}
		if _, err := s.Recv(); err == nil {
			n++
		}
	}
	return n
}

// CloseSend releases nothing; the stream is used by a goroutine, so no fix.
func background(ctx context.Context, c WatcherClient, out chan<- *Event) error {
	s, err := c.Watch(ctx, &WatchRequest{}) // want "can be left undrained .*[(]no automatic fix: `s` is used in a go statement"
	if err != nil {
		return err
	}
	if err := s.CloseSend(); err != nil {
		return err
	}
	go func() {
		ev, err := s.Recv()
		if err == nil {
			out <- ev
		}
	}()
	return errors.New("not waiting")
}

var _ = io.EOF
