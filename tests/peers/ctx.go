package peers

import (
	"context"
	"crypto/tls"
	"database/sql"
	"net"
	"net/http"
	"os/exec"
	"strings"
	"time"
)

// http.Get with no context anywhere in the function.
func getNoContext(url string) error {
	resp, err := http.Get(url)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

// http.Get while the caller's context is at hand.
func getDropsContext(ctx context.Context, url string) error {
	resp, err := http.Get(url)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

// A client's Post while a context is at hand.
func clientPost(ctx context.Context, c *http.Client, url string) error {
	resp, err := c.Post(url, "text/plain", strings.NewReader("x"))
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

// http.NewRequest that never gets a context.
func newRequestNoContext(ctx context.Context, c *http.Client, url string) error {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

// http.NewRequest that gets its context right after.
func newRequestThenWithContext(ctx context.Context, c *http.Client, url string) error {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	req = req.WithContext(ctx)
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

// http.NewRequest cloned with a context for the call.
func newRequestThenClone(ctx context.Context, c *http.Client, url string) error {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := c.Do(req.Clone(ctx))
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

// NewRequestWithContext: no finding.
func newRequestWithContext(ctx context.Context, c *http.Client, url string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

type poller struct{ tmpl *http.Request }

// A request template stored in a struct and reused across calls.
func newPoller(url string) (*poller, error) {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	return &poller{tmpl: req}, nil
}

// database/sql calls without their Context forms.
func sqlNoContext(ctx context.Context, db *sql.DB) error {
	if err := db.Ping(); err != nil {
		return err
	}
	if _, err := db.Exec("DELETE FROM t"); err != nil {
		return err
	}
	tx, err := db.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRow("SELECT 1").Scan(&n); err != nil {
		return err
	}
	return tx.Commit()
}

// A prepared statement rebound to a transaction, and executed, without a context.
func stmtNoContext(ctx context.Context, db *sql.DB, tx *sql.Tx) error {
	stmt, err := db.PrepareContext(ctx, "INSERT INTO t VALUES (?)")
	if err != nil {
		return err
	}
	defer stmt.Close()
	txs := tx.Stmt(stmt)
	_, err = txs.Exec(1)
	return err
}

// net dial, listen and lookups without a context.
func netNoContext(ctx context.Context, addr string) error {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return err
	}
	c.Close()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	l.Close()
	if _, err := net.LookupHost("example.com"); err != nil {
		return err
	}
	if _, err := net.LookupMX("example.com"); err != nil {
		return err
	}
	if _, err := net.LookupTXT("example.com"); err != nil {
		return err
	}
	_, err = net.LookupAddr("127.0.0.1")
	return err
}

// exec.Command and tls.Dial without a context.
func execAndTLS(ctx context.Context, addr string) error {
	if err := exec.Command("true").Run(); err != nil {
		return err
	}
	conn, err := tls.Dial("tcp", addr, &tls.Config{})
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Handshake()
}

// Dialing with a context: no finding.
func dialWithContext(ctx context.Context, addr string) error {
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return err
	}
	return c.Close()
}

// The rest of the net and tls calls without a context.
func netMore(ctx context.Context, addr string) error {
	if _, err := net.LookupCNAME("example.com"); err != nil {
		return err
	}
	if _, err := net.LookupNS("example.com"); err != nil {
		return err
	}
	if _, _, err := net.LookupSRV("xmpp", "tcp", "example.com"); err != nil {
		return err
	}
	if _, err := net.LookupPort("tcp", "http"); err != nil {
		return err
	}
	if _, err := net.LookupIP("example.com"); err != nil {
		return err
	}
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	pc.Close()
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return err
	}
	c.Close()
	tc, err := tls.DialWithDialer(&net.Dialer{}, "tcp", addr, nil)
	if err != nil {
		return err
	}
	return tc.Close()
}

// The rest of the database/sql calls without a context.
func sqlMore(ctx context.Context, db *sql.DB, tx *sql.Tx) error {
	if _, err := tx.Exec("DELETE FROM t"); err != nil {
		return err
	}
	rows, err := tx.Query("SELECT 1")
	if err != nil {
		return err
	}
	rows.Close()
	st, err := tx.Prepare("SELECT ?")
	if err != nil {
		return err
	}
	defer st.Close()
	var n int
	if err := st.QueryRow(1).Scan(&n); err != nil {
		return err
	}
	r2, err := st.Query(2)
	if err != nil {
		return err
	}
	r2.Close()
	ds, err := db.Prepare("SELECT 1")
	if err != nil {
		return err
	}
	defer ds.Close()
	return db.QueryRow("SELECT 1").Scan(&n)
}

// The rest of the client calls without a context.
func clientMore(ctx context.Context, c *http.Client, url string) error {
	r1, err := c.Get(url)
	if err != nil {
		return err
	}
	r1.Body.Close()
	r2, err := c.Head(url)
	if err != nil {
		return err
	}
	r2.Body.Close()
	r3, err := c.PostForm(url, nil)
	if err != nil {
		return err
	}
	r3.Body.Close()
	r4, err := http.PostForm(url, nil)
	if err != nil {
		return err
	}
	r4.Body.Close()
	r5, err := http.Post(url, "text/plain", nil)
	if err != nil {
		return err
	}
	return r5.Body.Close()
}
