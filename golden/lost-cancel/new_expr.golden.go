// gofix-test: go=1.26
package p

import (
	"context"
	"hash"
	"time"
)

// Go 1.26's new(expr), in the shape of etcd's write-ahead-log encoder: the record's
// checksum is a pointer to a fresh copy of the hash's value.

type record struct {
	Crc  *uint32
	Data []byte
}

type encoder struct {
	crc hash.Hash32
}

func flush(ctx context.Context, rec *record) error { return ctx.Err() }

func (e *encoder) encode(parent context.Context, rec *record) error {
	ctx, cancel := context.WithCancel(parent) // want "cancel function returned by context.WithCancel is discarded"
	defer cancel()
	e.crc.Write(rec.Data)
	rec.Crc = new(e.crc.Sum32())
	return flush(ctx, rec)
}

// new(expr) inside the call that creates the context.
func wait(parent context.Context, n int, rec *record) error {
	ctx, cancel := context.WithTimeout(parent, *new(time.Duration(n) * time.Millisecond)) // want "discarded"
	defer cancel()
	return flush(ctx, rec)
}

// The look-alike: the cancel is kept and deferred; new(expr) changes nothing.
func kept(parent context.Context, rec *record) error {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	rec.Crc = new(uint32(len(rec.Data)))
	return flush(ctx, rec)
}
