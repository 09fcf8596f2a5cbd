package p

import (
	"context"
	"crypto/tls"
	"net"
	"os/exec"
	"time"
)

func dialTLS(ctx context.Context, addr string, cfg *tls.Config) error {
	conn, err := (&tls.Dialer{Config: cfg}).DialContext(ctx, "tcp", addr) // want "tls.Dial dials with no context.*use \\(&tls.Dialer\\{Config: cfg\\}\\).DialContext\\(ctx, ...\\)"
	if err != nil {
		return err
	}
	defer conn.Close()
	_, err = conn.Write([]byte("hello"))
	return err
}

func dialWith(ctx context.Context, d *net.Dialer, addr string) error {
	conn, err := (&tls.Dialer{NetDialer: d}).DialContext(ctx, "tcp", addr) // want "tls.DialWithDialer dials"
	if err != nil {
		return err
	}
	return conn.Close()
}

// Used as a *tls.Conn: DialContext returns a net.Conn, so no fix.
func state(ctx context.Context, addr string) (tls.ConnectionState, error) {
	conn, err := tls.Dial("tcp", addr, nil) // want "tls.Dial dials.*no automatic fix: DialContext returns a net.Conn and conn is used as a \\*tls.Conn"
	if err != nil {
		return tls.ConnectionState{}, err
	}
	defer conn.Close()
	return conn.ConnectionState(), nil
}

func handshake(ctx context.Context, raw net.Conn, cfg *tls.Config) error {
	conn := tls.Client(raw, cfg)
	return conn.HandshakeContext(ctx) // want "conn.Handshake runs with no context.*use conn.HandshakeContext\\(ctx\\)"
}

func run(ctx context.Context, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "git", args...) // want "exec.Command starts a command with no context.*use exec.CommandContext\\(ctx, ...\\)"
	return cmd.Output()
}

// A Handshake method of another type is not tls's.
type peer struct{}

func (peer) Handshake() error { return nil }

func notTLS(ctx context.Context, p peer) error {
	return p.Handshake()
}

// Bounded by a deadline on the connection: no finding.
func bounded(ctx context.Context, raw net.Conn, cfg *tls.Config) (*tls.Conn, error) {
	conn := tls.Server(raw, cfg)
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	if err := conn.Handshake(); err != nil {
		return nil, err
	}
	_ = conn.SetDeadline(time.Time{})
	return conn, nil
}
