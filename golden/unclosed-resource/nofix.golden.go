package p

import (
	"io"
	"log"
	"net"
	"os"
)

func discarded(path string) []byte {
	f, _ := os.Open(path) // want "never closed.*error is discarded"
	b, _ := io.ReadAll(f)
	return b
}

func unchecked(addr string) net.Addr {
	conn, err := net.Dial("tcp", addr) // want "never closed.*no automatic fix"
	if err != nil {
		log.Print(err)
	}
	return conn.LocalAddr()
}

// The goroutine keeps serving after the function returns.
func serve(addr string) error {
	l, err := net.Listen("tcp", addr) // want "never closed.*go statement"
	if err != nil {
		return err
	}
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			_ = c.Close()
		}
	}()
	return nil
}

// A file per path inside a loop with an early return after the check.
func firstNonEmpty(paths []string) string {
	for _, p := range paths {
		f, err := os.Open(p) // want "never closed.*early exit"
		if err != nil {
			continue
		}
		if st, err := f.Stat(); err == nil && st.Size() > 0 {
			return p
		}
	}
	return ""
}

// A file per path inside a loop: closed at the end of the body.
func sizes(paths []string) []int64 {
	var out []int64
	for _, p := range paths {
		f, err := os.Open(p) // want "never closed"
		if err != nil {
			continue
		}
		n, _ := io.Copy(io.Discard, f)
		out = append(out, n)
		f.Close()
	}
	return out
}
