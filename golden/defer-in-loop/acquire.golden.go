package p

import (
	"io"
	"net"
	"sync"
)

type group struct{ mu sync.Mutex }

func (g *group) lockFor(buckets []string) func() { g.mu.Lock(); return g.mu.Unlock }

// Acquiring under conditions, with a continue: still only acquisition before the work.
func collect(paths []string, groups map[string]*group, buckets []string, gather func([]string)) {
	var picked []string
	for _, p := range paths {
		if g, ok := groups[p]; ok {
			if len(buckets) == 0 {
				continue
			}
			unlock := g.lockFor(buckets)
			defer unlock()
		}
		picked = append(picked, p)
	}
	if len(picked) == 0 {
		return
	}
	gather(picked)
}

type manager struct{ loggers map[string]io.Closer }

// The loop only defers closing the old values; the swap comes after it.
func (m *manager) apply(next map[string]io.Closer) {
	old := m.loggers
	for _, l := range old {
		if l != nil {
			defer l.Close()
		}
	}
	m.loggers = next
}

type serveCtx struct {
	addr string
	l    net.Listener
}

// A close-on-error guard, its value stored in the returned map.
func listen(addrs []string) (sctxs map[string]*serveCtx, err error) {
	sctxs = make(map[string]*serveCtx)
	for _, a := range addrs {
		sctx := &serveCtx{addr: a}
		if sctx.l, err = net.Listen("tcp", a); err != nil {
			return nil, err
		}
		defer func(sctx *serveCtx) {
			if err == nil || sctx.l == nil {
				return
			}
			sctx.l.Close()
		}(sctx)
		sctxs[a] = sctx
	}
	return sctxs, nil
}

type server struct{}

func (s *server) Close() {}

type started struct {
	s   *server
	err error
}

// Servers received in a loop, all kept up for the measurement after it.
func run(n int, start func(chan<- started), measure func()) {
	ch := make(chan started)
	for i := 0; i < n; i++ {
		go start(ch)
	}
	for i := 0; i < n; i++ {
		st := <-ch
		if st.err != nil {
			panic(st.err)
		}
		defer st.s.Close()
	}
	measure()
}
