// gofix-test: modules=grpc
package p

import (
	"context"
	"time"

	"google.golang.org/grpc"
	rpc "net/rpc"
)

func target(addr string) (string, error) {
	cc, err := grpc.Dial(addr, grpc.WithAuthority("svc")) // want "gRPC client connection returned by grpc.Dial is never closed"
	if err != nil {
		return "", err
	}
	return cc.Target(), nil
}

func withTimeout(ctx context.Context, addr string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	cc, err := grpc.DialContext(ctx, addr) // want "never closed"
	if err != nil {
		return "", err
	}
	return cc.Target(), nil
}

func lazy(addr string) string {
	cc, err := grpc.NewClient(addr) // want "never closed"
	if err != nil {
		panic(err)
	}
	return cc.Target()
}

// net/rpc's Dial has the same name but is another package: its client is not in the
// catalog.
func other(addr string) error {
	c, err := rpc.Dial("tcp", addr)
	if err != nil {
		return err
	}
	var reply string
	return c.Call("Svc.Ping", "", &reply)
}
