// A program whose client abandons gRPC server streams; it prints how many goroutines the
// abandoned streams leave behind. The "generated" client is written by hand over a raw
// codec, so the program needs no protobuf code.
package main

import (
	"context"
	"fmt"
	"net"
	"runtime"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

type rawCodec struct{}

func (rawCodec) Marshal(v any) ([]byte, error) { return *(v.(*[]byte)), nil }
func (rawCodec) Unmarshal(b []byte, v any) error {
	*(v.(*[]byte)) = append([]byte(nil), b...)
	return nil
}
func (rawCodec) Name() string { return "raw" }

var watchDesc = grpc.StreamDesc{StreamName: "Watch", ServerStreams: true}

// Watcher_WatchClient is the client side of the Watch stream, as protoc-gen-go-grpc writes it.
type Watcher_WatchClient interface {
	Recv() (*[]byte, error)
	grpc.ClientStream
}

type watchStream struct{ grpc.ClientStream }

func (s *watchStream) Recv() (*[]byte, error) {
	var b []byte
	err := s.RecvMsg(&b)
	return &b, err
}

type WatcherClient struct{ cc *grpc.ClientConn }

func (c *WatcherClient) Watch(ctx context.Context, in []byte) (Watcher_WatchClient, error) {
	s, err := c.cc.NewStream(ctx, &watchDesc, "/leak.Watcher/Watch", grpc.ForceCodec(rawCodec{}))
	if err != nil {
		return nil, err
	}
	if err := s.SendMsg(&in); err != nil {
		return nil, err
	}
	if err := s.CloseSend(); err != nil {
		return nil, err
	}
	return &watchStream{s}, nil
}

// firstEvent reads the first event of a watch and returns: the stream is never drained.
func firstEvent(ctx context.Context, c *WatcherClient) ([]byte, error) {
	stream, err := c.Watch(ctx, []byte("all"))
	if err != nil {
		return nil, err
	}
	ev, err := stream.Recv()
	if err != nil {
		return nil, err
	}
	return *ev, nil
}

func serveWatch(_ any, ss grpc.ServerStream) error {
	var in []byte
	if err := ss.RecvMsg(&in); err != nil {
		return err
	}
	for i := 0; ; i++ {
		msg := []byte(fmt.Sprint(i))
		if err := ss.SendMsg(&msg); err != nil {
			return err
		}
		time.Sleep(time.Millisecond)
	}
}

func settle() int {
	time.Sleep(300 * time.Millisecond)
	runtime.GC()
	return runtime.NumGoroutine()
}

func main() {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	srv := grpc.NewServer(grpc.ForceServerCodec(rawCodec{}))
	srv.RegisterService(&grpc.ServiceDesc{
		ServiceName: "leak.Watcher",
		HandlerType: (*any)(nil),
		Streams:     []grpc.StreamDesc{{StreamName: "Watch", Handler: serveWatch, ServerStreams: true}},
	}, struct{}{})
	go srv.Serve(lis)
	defer srv.Stop()
	cc, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		panic(err)
	}
	defer cc.Close()
	c := &WatcherClient{cc}
	if _, err := firstEvent(context.Background(), c); err != nil { // connect before counting
		panic(err)
	}
	base := settle()
	const n = 20
	for i := 0; i < n; i++ {
		if _, err := firstEvent(context.Background(), c); err != nil {
			panic(err)
		}
	}
	fmt.Printf("leaked=%d\n", settle()-base)
}
