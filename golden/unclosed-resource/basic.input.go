package p

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"time"
)

type Config struct {
	Name string
}

func readAll(path string) ([]byte, error) {
	f, err := os.Open(path) // want "file returned by os.Open is never closed"
	if err != nil {
		return nil, err
	}
	return io.ReadAll(f)
}

func load(path string) (*Config, error) {
	f, err := os.Open(path) // want "never closed"
	if err != nil {
		return nil, fmt.Errorf("open config: %w", err)
	}
	var c Config
	if err := json.NewDecoder(f).Decode(&c); err != nil {
		return nil, err
	}
	return &c, nil
}

// A deferred Close drops the error Close may report for a written file: unsafe.
func report(path string, lines []string) error {
	f, err := os.Create(path) // want "never closed"
	if err != nil {
		return err
	}
	for _, l := range lines {
		if _, err := fmt.Fprintln(f, l); err != nil {
			return err
		}
	}
	return nil
}

func readOnly(path string) (int, error) {
	f, err := os.OpenFile(path, os.O_RDONLY, 0) // want "the file returned by os.OpenFile is never closed"
	if err != nil {
		return 0, err
	}
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		n++
	}
	return n, sc.Err()
}

func appendLog(path, line string) error {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644) // want "writable file returned by os.OpenFile is never closed"
	if err != nil {
		return err
	}
	_, err = io.WriteString(f, line+"\n")
	return err
}

func ping(addr string) (string, error) {
	conn, err := net.Dial("tcp", addr) // want "connection returned by net.Dial is never closed"
	if err != nil {
		return "", err
	}
	if _, err := fmt.Fprintf(conn, "PING\r\n"); err != nil {
		return "", err
	}
	return bufio.NewReader(conn).ReadString('\n')
}

func reachable(addr string) bool {
	conn, err := net.DialTimeout("tcp", addr, time.Second) // want "never closed"
	if err != nil {
		return false
	}
	return conn.RemoteAddr() != nil
}

func serveOne(addr string) error {
	l, err := net.Listen("tcp", addr) // want "listener returned by net.Listen is never closed"
	if err != nil {
		return err
	}
	c, err := l.Accept()
	if err != nil {
		return err
	}
	defer c.Close()
	_, err = io.Copy(c, c)
	return err
}

func sizeIfExists(path string) int64 {
	f, err := os.Open(path) // want "never closed"
	if err == nil {
		st, _ := f.Stat()
		return st.Size()
	}
	return -1
}
