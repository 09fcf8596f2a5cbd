// Settles grpc-go client-stream lifetime: an undrained client stream keeps its goroutines
// until its context is cancelled; CloseSend alone releases nothing.
package main

import (
	"context"
	"fmt"
	"net"
	"runtime"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/encoding"
)

type rawCodec struct{}

func (rawCodec) Marshal(v any) ([]byte, error) { return *(v.(*[]byte)), nil }
func (rawCodec) Unmarshal(b []byte, v any) error {
	*(v.(*[]byte)) = append([]byte(nil), b...)
	return nil
}
func (rawCodec) Name() string { return "raw" }

var desc = grpc.StreamDesc{StreamName: "Watch", ServerStreams: true, ClientStreams: false}

func serve(_ any, ss grpc.ServerStream) error {
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

func open(ctx context.Context, cc *grpc.ClientConn) {
	s, err := cc.NewStream(ctx, &desc, "/sem.Svc/Watch", grpc.ForceCodec(rawCodec{}))
	if err != nil {
		panic(err)
	}
	req := []byte("go")
	if err := s.SendMsg(&req); err != nil {
		panic(err)
	}
	s.CloseSend()
	var out []byte
	if err := s.RecvMsg(&out); err != nil { // read one message, then abandon the stream
		panic(err)
	}
}

func main() {
	encoding.RegisterCodec(rawCodec{})
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	srv := grpc.NewServer()
	srv.RegisterService(&grpc.ServiceDesc{
		ServiceName: "sem.Svc",
		HandlerType: (*any)(nil),
		Streams:     []grpc.StreamDesc{{StreamName: "Watch", Handler: serve, ServerStreams: true}},
	}, struct{}{})
	go srv.Serve(lis)
	cc, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		panic(err)
	}
	defer cc.Close()

	base := settle()
	// Warm the connection up so transport goroutines are counted in the base.
	func() { ctx, cancel := context.WithCancel(context.Background()); defer cancel(); open(ctx, cc) }()
	base = settle()

	const n = 20
	for i := 0; i < n; i++ {
		open(context.Background(), cc) // leaked: never cancelled, never drained
	}
	leaked := settle()

	for i := 0; i < n; i++ {
		func() {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			open(ctx, cc)
		}()
	}
	fixed := settle()
	fmt.Printf("base=%d after_leaky=%d (+%d) after_fixed=%d (+%d)\n", base, leaked, leaked-base, fixed, fixed-leaked)
}
