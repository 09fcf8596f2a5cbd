// A program with both io.Pipe leaks; it prints how many goroutines each leaves behind.
package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"runtime"
	"time"
)

// produce streams data through a pipe; on a bad input its writer gives up without closing.
func produce(data []byte) *io.PipeReader {
	pr, pw := io.Pipe()
	go func() {
		if len(data) == 0 {
			return
		}
		if _, err := pw.Write(data); err != nil {
			return
		}
		pw.Close()
	}()
	return pr
}

// firstLine reads one line of data through a pipe and stops reading.
func firstLine(data []byte) (string, error) {
	pr, pw := io.Pipe()
	go func() {
		_, err := pw.Write(data)
		pw.CloseWithError(err)
	}()
	sc := bufio.NewScanner(pr)
	if !sc.Scan() {
		return "", errors.New("no line")
	}
	return sc.Text(), nil
}

func settle() int {
	time.Sleep(100 * time.Millisecond)
	return runtime.NumGoroutine()
}

func main() {
	const n = 20
	base := settle()
	for i := 0; i < n; i++ {
		go func() { _, _ = io.ReadAll(produce(nil)) }()
	}
	writer := settle() - base

	base = settle()
	big := bytes.Repeat([]byte("line\n"), 100_000)
	for i := 0; i < n; i++ {
		if _, err := firstLine(big); err != nil {
			panic(err)
		}
	}
	reader := settle() - base
	fmt.Printf("writer-end leaked=%d reader-end leaked=%d\n", writer, reader)
}
