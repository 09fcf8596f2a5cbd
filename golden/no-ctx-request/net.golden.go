package p

import (
	"context"
	"net"
	"time"
)

func dial(ctx context.Context, addr string) (net.Conn, error) {
	return (&net.Dialer{}).DialContext(ctx, "tcp", addr) // want "net.Dial dials with no context.*use \\(&net.Dialer\\{\\}\\).DialContext\\(ctx, ...\\)"
}

func dialTimeout(ctx context.Context, addr string) (net.Conn, error) {
	return (&net.Dialer{Timeout: 5 * time.Second}).DialContext(ctx, "tcp", addr) // want "net.DialTimeout dials.*use \\(&net.Dialer\\{Timeout: 5\\*time.Second\\}\\).DialContext\\(ctx, ...\\)"
}

func existing(ctx context.Context, addr string) (net.Conn, error) {
	d := &net.Dialer{KeepAlive: time.Minute}
	return d.DialContext(ctx, "udp", addr) // want "d.Dial dials.*use d.DialContext\\(ctx, ...\\)"
}

func listen(ctx context.Context) error {
	l, err := (&net.ListenConfig{}).Listen(ctx, "tcp", ":0") // want "net.Listen listens with no context.*use \\(&net.ListenConfig\\{\\}\\).Listen\\(ctx, ...\\)"
	if err != nil {
		return err
	}
	defer l.Close()
	pc, err := (&net.ListenConfig{}).ListenPacket(ctx, "udp", ":0") // want "net.ListenPacket listens.*ListenPacket\\(ctx, ...\\)"
	if err != nil {
		return err
	}
	return pc.Close()
}

func lookup(ctx context.Context, host string) (int, error) {
	addrs, err := net.DefaultResolver.LookupHost(ctx, host) // want "net.LookupHost resolves with no context.*use net.DefaultResolver.LookupHost\\(ctx, ...\\)"
	if err != nil {
		return 0, err
	}
	port, err := net.DefaultResolver.LookupPort(ctx, "tcp", "http") // want "net.LookupPort resolves"
	if err != nil {
		return 0, err
	}
	_, srvs, err := net.DefaultResolver.LookupSRV(ctx, "xmpp", "tcp", host) // want "net.LookupSRV resolves"
	if err != nil {
		return 0, err
	}
	ips, err := net.LookupIP(host) // want "net.LookupIP resolves.*no automatic fix: net.DefaultResolver.LookupIP takes a network argument"
	return len(addrs) + port + len(srvs) + len(ips), err
}

// Multi-line calls keep their layout.
func multiline(ctx context.Context, addr string) (net.Conn, error) {
	return (&net.Dialer{}).DialContext( // want "net.Dial dials"
		ctx,
		"tcp",
		addr,
	)
}

// No context here: a hint, no fix.
func noContext(addr string) (net.Conn, error) {
	return net.Dial("tcp", addr) // want "net.Dial dials with no context.*no automatic fix: no context in scope"
}

// Already the context forms; and a look-alike.
type dialer struct{}

func (dialer) Dial(network, addr string) (net.Conn, error) { return nil, nil }

func negatives(ctx context.Context, addr string, d dialer) error {
	var nd net.Dialer
	c, err := nd.DialContext(ctx, "tcp", addr)
	if err != nil {
		return err
	}
	c.Close()
	_, err = d.Dial("tcp", addr)
	return err
}
