// Package zstd is a stand-in for github.com/klauspost/compress/zstd in gofix's golden tests:
// only the shapes the unclosed-resource rule matches (NewWriter, NewReader, Close).
package zstd

import "io"

// Encoder compresses to w; Close flushes and reports the write error.
type Encoder struct{ w io.Writer }

// EOption configures an Encoder.
type EOption func(*Encoder) error

// NewWriter returns an encoder writing to w.
func NewWriter(w io.Writer, opts ...EOption) (*Encoder, error) { return &Encoder{w: w}, nil }

// Write compresses p.
func (e *Encoder) Write(p []byte) (int, error) { return e.w.Write(p) }

// Close flushes the last block.
func (e *Encoder) Close() error { return nil }

// Decoder decompresses from r with goroutines that run until Close.
type Decoder struct{ r io.Reader }

// DOption configures a Decoder.
type DOption func(*Decoder) error

// NewReader returns a decoder reading from r.
func NewReader(r io.Reader, opts ...DOption) (*Decoder, error) { return &Decoder{r: r}, nil }

// Read decompresses into p.
func (d *Decoder) Read(p []byte) (int, error) { return d.r.Read(p) }

// Close stops the decoder's goroutines; it returns nothing.
func (d *Decoder) Close() {}
