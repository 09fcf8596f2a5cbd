package p

import (
	"net"
	"os"
	"sync"
)

// Stored in a map: every file is kept open until the function returns, on purpose.
func openAll(names []string) (map[string]*os.File, error) {
	files := map[string]*os.File{}
	for _, name := range names {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		files[name] = f
	}
	return files, nil
}

// The variable lives outside the loop and the last value is used after it.
func lastOpened(names []string) (int64, error) {
	var f *os.File
	var err error
	for _, name := range names {
		f, err = os.Open(name)
		if err != nil {
			return 0, err
		}
		defer f.Close()
	}
	st, err := f.Stat()
	if err != nil {
		return 0, err
	}
	return st.Size(), nil
}

// A goroutine started in the loop uses the value: it must outlive the iteration.
func serveAll(ls []net.Listener, handle func(net.Conn)) error {
	var wg sync.WaitGroup
	for _, l := range ls {
		c, err := l.Accept()
		if err != nil {
			return err
		}
		defer c.Close()
		wg.Add(1)
		go func() {
			defer wg.Done()
			handle(c)
		}()
	}
	wg.Wait()
	return nil
}

// Passed to a go statement's call directly.
func serveEach(ls []net.Listener, handle func(net.Conn)) error {
	for _, l := range ls {
		c, err := l.Accept()
		if err != nil {
			return err
		}
		defer c.Close()
		go handle(c)
	}
	select {}
}
