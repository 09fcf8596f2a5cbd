// gofix-test: modules=grpc
package p

import (
	"io"
	stdos "os"

	gogrpc "google.golang.org/grpc"
	grpc "net/rpc"
)

func read(path string) ([]byte, error) {
	f, err := stdos.Open(path) // want "never closed"
	if err != nil {
		return nil, err
	}
	return io.ReadAll(f)
}

func dial(addr string) (string, error) {
	cc, err := gogrpc.Dial(addr) // want "never closed"
	if err != nil {
		return "", err
	}
	return cc.Target(), nil
}

// `grpc` here is net/rpc: not the gRPC client.
func rpcDial(addr string) error {
	c, err := grpc.Dial("tcp", addr)
	if err != nil {
		return err
	}
	var reply int
	return c.Call("Svc.Count", 0, &reply)
}

type fs struct{}

func (fs) Open(string) (io.Reader, error) { return nil, nil }

// A local `os` shadows the package.
func shadowed(path string) (io.Reader, error) {
	os := fs{}
	r, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	return r, nil
}
