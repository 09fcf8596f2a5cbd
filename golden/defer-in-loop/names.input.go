package p

type conn struct{}

func (c *conn) close() error { return nil }
func (c *conn) stop()        {}

type pool struct{}

func (p *pool) get() *conn { return &conn{} }

// Cleanup methods are matched whatever their case: unexported closers too.
func drain(p *pool, n int) {
	for i := 0; i < n; i++ {
		c := p.get()
		defer c.close() // want "defer c.close\\(\\) in a loop body runs only when the function returns"
		defer c.stop()  // want "defer c.stop\\(\\) in a loop body"
	}
}
