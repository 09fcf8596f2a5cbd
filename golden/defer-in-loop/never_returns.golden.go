// gofix-test: modules=zap
package p

import "go.uber.org/zap"

var lg *zap.Logger

type node struct{}

func (n *node) Close() {}

type startedNode struct {
	n   *node
	err error
}

// zap's Panic never returns: the loop only receives and checks, and every node must stay
// up for the measurement after it.
func measureAll(n int, ch <-chan startedNode, measure func()) {
	for i := 0; i < n; i++ {
		st := <-ch
		if st.err != nil {
			lg.Panic("failed to start", zap.Error(st.err))
		}
		defer st.n.Close()
	}
	measure()
}

// The same with a sugared logger's Panicf.
func measureSugared(n int, ch <-chan startedNode, s *zap.SugaredLogger, measure func()) {
	for i := 0; i < n; i++ {
		st := <-ch
		if st.err != nil {
			s.Panicf("failed to start: %v", st.err)
		}
		defer st.n.Close()
	}
	measure()
}

// DPanic panics only in development mode: in production the loop goes on with a nil node.
func measureDPanic(n int, ch <-chan startedNode, l *zap.Logger, measure func()) {
	for i := 0; i < n; i++ {
		st := <-ch
		if st.err != nil {
			l.DPanic("failed to start", zap.Error(st.err))
		}
		defer st.n.Close() // want "defer st.n.Close\\(\\) in a loop body runs only when the function returns"
	}
	measure()
}

// An own logger whose Panic only records the message and returns.
type recorder struct{ msgs []string }

func (r *recorder) Panic(msg string) { r.msgs = append(r.msgs, msg) }

func measureRecorded(n int, ch <-chan startedNode, r *recorder, measure func()) {
	for i := 0; i < n; i++ {
		st := <-ch
		if st.err != nil {
			r.Panic(st.err.Error())
		}
		defer st.n.Close() // want "defer st.n.Close\\(\\) in a loop body runs only when the function returns"
	}
	measure()
}

// A Panic through an interface: what it does is unknown, so it does not stop the loop.
type panicker interface{ Panic(msg string) }

func measureUnknown(n int, ch <-chan startedNode, p panicker, measure func()) {
	for i := 0; i < n; i++ {
		st := <-ch
		if st.err != nil {
			p.Panic(st.err.Error())
		}
		defer st.n.Close() // want "defer st.n.Close\\(\\) in a loop body runs only when the function returns"
	}
	measure()
}
