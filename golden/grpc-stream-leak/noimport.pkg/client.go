package p

import (
	"context"

	"google.golang.org/grpc"
)

type Event struct{ Key string }

type WatchRequest struct{ Prefix string }

type WatcherClient interface {
	Watch(ctx context.Context, in *WatchRequest, opts ...grpc.CallOption) (grpc.ServerStreamingClient[Event], error)
}

// Base is the context the service's calls run under.
func Base() context.Context { return context.Background() }
