// gofix-test: modules=grpc
package p

import (
	"context"
	"errors"
	"io"
	"testing"

	"google.golang.org/grpc"
)

type Event struct{ Key string }

type WatchRequest struct{ Prefix string }

type WatcherClient interface {
	Watch(ctx context.Context, in *WatchRequest, opts ...grpc.CallOption) (grpc.ServerStreamingClient[Event], error)
	Chat(ctx context.Context, opts ...grpc.CallOption) (grpc.BidiStreamingClient[WatchRequest, Event], error)
}

var errUnimplemented = errors.New("unimplemented")

func code(err error) error { return err }

// Shapes seen in real repositories that are not leaks.

// t.Context() is cancelled when the test finishes.
func TestWatch(t *testing.T) {
	var c WatcherClient
	s, err := c.Watch(t.Context(), &WatchRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Recv(); err != nil {
		t.Fatal(err)
	}
}

// Falling through means Recv returned io.EOF, which released the stream.
func untilEOF(ctx context.Context, c WatcherClient) error {
	s, err := c.Watch(ctx, &WatchRequest{})
	if err != nil {
		return err
	}
	if _, err := s.Recv(); err != io.EOF {
		return err
	}
	return nil
}

// Falling through means Recv failed with the expected error.
func expectFailure(ctx context.Context, c WatcherClient) error {
	s, err := c.Watch(ctx, &WatchRequest{})
	if err != nil {
		return err
	}
	if _, err := s.Recv(); code(err) != errUnimplemented {
		return errors.New("want unimplemented")
	}
	return nil
}

// The stream is kept by the returned closure, which owns it from here on.
func sender(ctx context.Context, c WatcherClient) (func() error, error) {
	s, err := c.Watch(ctx, &WatchRequest{})
	if err != nil {
		return nil, err
	}
	return func() error {
		_, err := s.Recv()
		return err
	}, s.CloseSend()
}

// A method of this package that hands out a stream it keeps, without opening one.
type session struct {
	stream grpc.ServerStreamingClient[Event]
}

func (s *session) current(ctx context.Context) (grpc.ServerStreamingClient[Event], error) {
	return s.stream, ctx.Err()
}

func (s *session) next(ctx context.Context) (*Event, error) {
	st, err := s.current(ctx)
	if err != nil {
		return nil, err
	}
	return st.Recv()
}

// A Send error other than io.EOF releases the stream; io.EOF leaves the loop for the Recv
// loop that reads the stream to its end.
func chat(ctx context.Context, c WatcherClient, reqs []*WatchRequest) error {
	s, err := c.Chat(ctx)
	if err != nil {
		return err
	}
	for _, r := range reqs {
		err := s.Send(r)
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
	}
	for {
		if _, err := s.Recv(); err != nil {
			if err == io.EOF {
				return nil
			}
			return err
		}
	}
}
