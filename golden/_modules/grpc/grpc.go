// Package grpc is a stand-in for google.golang.org/grpc in gofix's golden tests: only the
// shapes gofix rules match: Dial, DialContext, NewClient, ClientConn.Close (unclosed-resource)
// and the client-stream interfaces of generated stubs (grpc-stream-leak).
package grpc

import "context"

// ClientConn is a client connection; Close releases it.
type ClientConn struct{ target string }

// DialOption configures a dial.
type DialOption func(*ClientConn)

// WithAuthority sets nothing; it exists so calls can pass an option.
func WithAuthority(string) DialOption { return func(*ClientConn) {} }

// Dial creates a client connection.
func Dial(target string, opts ...DialOption) (*ClientConn, error) {
	return DialContext(context.Background(), target, opts...)
}

// DialContext creates a client connection.
func DialContext(ctx context.Context, target string, opts ...DialOption) (*ClientConn, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	cc := &ClientConn{target: target}
	for _, o := range opts {
		o(cc)
	}
	return cc, nil
}

// NewClient creates a client connection without connecting.
func NewClient(target string, opts ...DialOption) (*ClientConn, error) {
	return DialContext(context.Background(), target, opts...)
}

// Target is the address the connection was made for.
func (cc *ClientConn) Target() string { return cc.target }

// Close releases the connection.
func (cc *ClientConn) Close() error { return nil }

// CallOption configures a call.
type CallOption interface{}

// ClientStream is the client side of a streaming call, as generated stubs return it.
type ClientStream interface {
	Context() context.Context
	CloseSend() error
	SendMsg(m any) error
	RecvMsg(m any) error
}

// ServerStreamingClient is the client side of a server-streaming call.
type ServerStreamingClient[Res any] interface {
	Recv() (*Res, error)
	ClientStream
}

// ClientStreamingClient is the client side of a client-streaming call.
type ClientStreamingClient[Req any, Res any] interface {
	Send(*Req) error
	CloseAndRecv() (*Res, error)
	ClientStream
}

// BidiStreamingClient is the client side of a bidirectional streaming call.
type BidiStreamingClient[Req any, Res any] interface {
	Send(*Req) error
	Recv() (*Res, error)
	ClientStream
}
