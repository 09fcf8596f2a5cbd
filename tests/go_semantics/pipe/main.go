package main

import (
	"errors"
	"fmt"
	"io"
)

func main() {
	// 1. The first close error wins; a later Close returns nil and does not replace it.
	pr, pw := io.Pipe()
	first := errors.New("first")
	fmt.Println("closewitherror:", pw.CloseWithError(first))
	fmt.Println("second close:", pw.Close())
	_, err := pr.Read(make([]byte, 1))
	fmt.Println("reader sees:", err)

	// 2. A Write after the reader closed returns io.ErrClosedPipe.
	pr2, pw2 := io.Pipe()
	pr2.Close()
	_, err = pw2.Write([]byte("x"))
	fmt.Println("write after reader close:", err, errors.Is(err, io.ErrClosedPipe))

	// 3. A writer blocked in Write is released when the reader closes.
	pr3, pw3 := io.Pipe()
	done := make(chan error)
	go func() { _, err := pw3.Write([]byte("y")); done <- err }()
	pr3.Close()
	fmt.Println("blocked write released with:", <-done)
}
