// gofix-test: modules=grpc
package p

import (
	"context"
	"errors"

	"google.golang.org/grpc"
)

type Sample struct{ N int }

type Summary struct{ Total int }

type Event struct{ Key string }

type WatchRequest struct{ Prefix string }

type RecorderClient interface {
	Record(ctx context.Context, opts ...grpc.CallOption) (grpc.ClientStreamingClient[Sample, Summary], error)
	Watch(ctx context.Context, in *WatchRequest, opts ...grpc.CallOption) (grpc.BidiStreamingClient[WatchRequest, Event], error)
}

// A client-streaming call left before CloseAndRecv on an error path.
func record(ctx context.Context, c RecorderClient, samples []int) (*Summary, error) {
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	rec, err := c.Record(sctx) // want "c.Record can be left undrained [(]the return at line 32[)]"
	if err != nil {
		return nil, err
	}
	for _, n := range samples {
		if n < 0 {
			return nil, errors.New("negative sample")
		}
		if err := rec.Send(&Sample{N: n}); err != nil {
			return nil, err
		}
	}
	return rec.CloseAndRecv()
}

// In a loop body with no early exit after the call: cancel() at the end of the body.
func each(ctx context.Context, c RecorderClient, keys []string) []*Event {
	var out []*Event
	for _, k := range keys {
		sctx, cancel := context.WithCancel(ctx)
		s, err := c.Watch(sctx, &WatchRequest{Prefix: k}) // want "c.Watch can be left undrained"
		if err == nil {
			if ev, err := s.Recv(); err == nil {
				out = append(out, ev)
			}
		}
		cancel()
	}
	return out
}

// The names the fix would take are in use.
func taken(ctx context.Context, c RecorderClient) (*Event, error) {
	sctx, cancel := ctx, func() {}
	defer cancel()
	sctx2, cancel2 := context.WithCancel(sctx)
	defer cancel2()
	s, err := c.Watch(sctx2, &WatchRequest{}) // want "c.Watch can be left undrained"
	if err != nil {
		return nil, err
	}
	return s.Recv()
}
