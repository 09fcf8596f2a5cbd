// gofix-test: modules=compress
package p

import (
	"bytes"
	"io"
	"os"

	"github.com/klauspost/compress/zstd"
)

// A decoder never closed keeps its goroutines.
func decompress(src []byte) ([]byte, error) {
	d, err := zstd.NewReader(bytes.NewReader(src)) // want "zstd decoder returned by zstd.NewReader is never closed"
	if err != nil {
		return nil, err
	}
	return io.ReadAll(d)
}

// An encoder's Close flushes and reports the write error: the deferred Close is unsafe.
func compress(dst io.Writer, src []byte) error {
	e, err := zstd.NewWriter(dst) // want "zstd encoder returned by zstd.NewWriter is never closed"
	if err != nil {
		return err
	}
	_, err = e.Write(src)
	return err
}

// A temporary file is a writable file: unsafe.
func scratch(data []byte) (string, error) {
	f, err := os.CreateTemp("", "scratch-*") // want "file returned by os.CreateTemp is never closed"
	if err != nil {
		return "", err
	}
	if _, err := f.Write(data); err != nil {
		return "", err
	}
	return f.Name(), nil
}

// Closed: no finding.
func closed(src []byte) (int, error) {
	d, err := zstd.NewReader(bytes.NewReader(src))
	if err != nil {
		return 0, err
	}
	defer d.Close()
	b, err := io.ReadAll(d)
	return len(b), err
}

// Read by a goroutine that may outlive the function: no fix.
func background(src []byte, out chan<- []byte) error {
	d, err := zstd.NewReader(bytes.NewReader(src)) // want "zstd decoder.*never closed.*no automatic fix: `d` is used in a go statement"
	if err != nil {
		return err
	}
	go func() {
		b := make([]byte, 512)
		n, _ := d.Read(b)
		out <- b[:n]
	}()
	return nil
}
