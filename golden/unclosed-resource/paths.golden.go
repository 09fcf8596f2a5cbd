package p

import (
	"bufio"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"strings"
)

// Closed at the end, leaked by the validation in between.
func firstLine(path string) (string, error) {
	f, err := os.Open(path) // want "f is closed on some paths only: the return on line 23 skips f.Close"
	if err != nil {
		return "", err
	}
	defer f.Close()
	r := bufio.NewReader(f)
	line, err := r.ReadString('\n')
	if err != nil && err != io.EOF {
		return "", err
	}
	f.Close()
	return strings.TrimSpace(line), nil
}

// Lesson: the early Close of a written file is load-bearing (it flushes and reports the
// write error before the rename), so it stays; the defer only covers the early return,
// and its second Close ("file already closed") is ignored. Unsafe: a writable file.
func writeAtomic(path string, data []byte) error {
	tmp := path + ".tmp"
	f, err := os.Create(tmp) // want "closed on some paths only"
	if err != nil {
		return err
	}
	defer f.Close()
	if _, err := f.Write(data); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// Lesson: the early Close of a listener frees the port that ListenAndServe binds again;
// deferring it instead would make the server fail with "address already in use".
func serveOnFreePort(h http.Handler) error {
	l, err := net.Listen("tcp", "127.0.0.1:0") // want "l is closed on some paths only"
	if err != nil {
		return err
	}
	defer l.Close()
	addr := l.Addr().String()
	if strings.HasSuffix(addr, ":0") {
		return errors.New("no port assigned")
	}
	l.Close()
	return http.ListenAndServe(addr, h)
}

// The final Close just before `return n, nil` is replaced by the defer.
func countBytes(path string) (int64, error) {
	f, err := os.Open(path) // want "closed on some paths only"
	if err != nil {
		return 0, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return 0, err
	}
	if st.IsDir() {
		return 0, errors.New("a directory")
	}
	n, _ := io.Copy(io.Discard, f)
	return n, nil
}

// Every path closes: nothing to report.
func hello(addr string) error {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		return err
	}
	if _, err := conn.Write([]byte("hello\n")); err != nil {
		conn.Close()
		return err
	}
	return conn.Close()
}

// log.Fatal ends the process: nothing leaks, and a defer would not run anyway.
func mustRead(path string) []byte {
	f, err := os.Open(path)
	if err != nil {
		log.Fatal(err)
	}
	b, err := io.ReadAll(f)
	if err != nil {
		log.Fatalf("read %s: %v", path, err)
	}
	f.Close()
	return b
}
