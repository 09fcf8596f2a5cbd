package p

import (
	"bufio"
	"io"
	"net"
	"os"
	"sync"
)

type logger struct {
	out *os.File
}

func deferred(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(f)
}

func deferredCheck(path string) (err error) {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	_, err = f.WriteString("x")
	return err
}

// The caller closes it.
func open(path string) (*os.File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	return f, nil
}

func stored(path string) (*logger, error) {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return nil, err
	}
	return &logger{out: f}, nil
}

// Handed to a function that may own it.
func handOff(addr string, serve func(net.Conn)) error {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		return err
	}
	serve(conn)
	return nil
}

// A reader wrapping the file is returned: the file must stay open.
func lines(path string) (*bufio.Scanner, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	sc := bufio.NewScanner(f)
	return sc, nil
}

func sent(path string, out chan<- io.Reader) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	out <- f
	return nil
}

func suppressed(path string) ([]byte, error) {
	f, err := os.Open(path) //gofix:ignore
	if err != nil {
		return nil, err
	}
	return io.ReadAll(f)
}

// os.ReadFile closes for you.
func whole(path string) ([]byte, error) {
	return os.ReadFile(path)
}

var (
	urandom     *os.File
	urandomErr  error
	urandomOnce sync.Once
)

// Stored in package variables: the file lives as long as the program.
func readRandom(b []byte) (int, error) {
	urandomOnce.Do(func() {
		urandom, urandomErr = os.Open("/dev/urandom")
	})
	if urandomErr != nil {
		return 0, urandomErr
	}
	return urandom.Read(b)
}

// A named result is handed to the caller by the bare return.
func create(path string) (f *os.File, err error) {
	f, err = os.Create(path)
	if err != nil {
		return
	}
	_, err = f.WriteString("header\n")
	return
}
