"""The closer family: unclosed-body, unclosed-rows, tx-rollback, unclosed-resource.

Golden pairs hold the bulk of the cases; these tests pin the shared machinery's corners
(insertion points, the loop rule, closed on some paths only and the deletion of a final
Close, applicability), the triggers and suppression names, the config catalog end to end
through the CLI, and the Go semantics the fixes rely on (a second Close is harmless).
"""

from __future__ import annotations

import json
import subprocess
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from codemods import RULES
from gofix import syntax as S
from gofix.cli import app
from gofix.model import Applicability
from helpers import assert_codemod, dedent, run_check

CLOSERS = {r.id: r for r in RULES if r.id in ("unclosed-body", "unclosed-rows", "tx-rollback", "unclosed-resource")}


def only(result):
    assert len(result.findings) == 1, [f.message for f in result.findings]
    return result.findings[0]


# --- rule metadata ------------------------------------------------------------------------------


def test_all_four_rules_are_registered():
    assert set(CLOSERS) == {"unclosed-body", "unclosed-rows", "tx-rollback", "unclosed-resource"}


@pytest.mark.parametrize("rid", sorted(CLOSERS))
def test_docstring_sections_and_examples_parse(rid):
    rule = CLOSERS[rid]
    assert rule.doc.startswith(f"{rid}: ")
    for section in ("What it does", "Why is this bad?", "Example", "Fix safety"):
        assert rule.section(section), f"{rid}: missing ## {section}"
    for block in (b.split("```")[0] for b in rule.doc.split("```go\n")[1:]):
        body = block.replace("\t...\n", "")
        src = f"package p\n\nfunc example() {{\n{body}}}\n".encode()
        if "func " in block:
            src = f"package p\n\n{body}".encode()
        assert S.first_syntax_error(S.parse(src)) is None, f"{rid}: example does not parse:\n{block}"


def test_nolint_names():
    assert CLOSERS["unclosed-body"].nolint == ("bodyclose",)
    assert CLOSERS["unclosed-rows"].nolint == ("sqlclosecheck",)


@pytest.mark.parametrize(("rid", "src"), [
    ("unclosed-body", 'import h "net/http"\nfunc f(u string) { r, err := h.Head(u); _ = err; _ = r }'),
    ("unclosed-rows", "func f(db *sqlx.DB) { rows, _ := db.NamedQuery(q, a); rows.Next() }"),
    ("tx-rollback", "func f(db *sqlx.DB) { tx := db.MustBeginTx(ctx, nil); tx.Commit() }"),
    ("unclosed-resource", 'import k "github.com/segmentio/kafka-go"\nfunc f() { w := k.NewWriter(c) }'),
])
def test_triggers_survive_aliases(rid, src):
    assert any(t in src.encode() for t in CLOSERS[rid].triggers)


# --- unclosed-body corners ----------------------------------------------------------------------------


def test_break_of_enclosing_loop_is_a_terminating_check():
    assert_codemod(
        "unclosed-body",
        before="""
            package p

            import "net/http"

            func f(urls []string) {
            	for _, u := range urls {
            		func() {
            			for {
            				resp, err := http.Get(u)
            				if err != nil {
            					break
            				}
            				println(resp.Status)
            				return
            			}
            		}()
            	}
            }
        """,
        after="""
            package p

            import "net/http"

            func f(urls []string) {
            	for _, u := range urls {
            		func() {
            			for {
            				resp, err := http.Get(u)
            				if err != nil {
            					break
            				}
            				println(resp.Status)
            				return
            			}
            		}()
            	}
            }
        """,
        findings=1,  # the return after the check leaves the iteration: no Close at the end
    )


def test_break_of_a_switch_does_not_terminate_the_check():
    result = run_check(dedent("""
        package p

        import "net/http"

        func f(u string, k int) int {
        	switch k {
        	case 1:
        		resp, err := http.Get(u)
        		if err != nil {
        			break
        		}
        		return resp.StatusCode
        	}
        	return 0
        }
    """), "unclosed-body")
    assert only(result).fix is None


def test_check_with_else_gets_no_fix():
    result = run_check(dedent("""
        package p

        import "net/http"

        func f(u string) int {
        	resp, err := http.Get(u)
        	if err != nil {
        		return 0
        	} else {
        		println("ok")
        	}
        	return resp.StatusCode
        }
    """), "unclosed-body")
    assert only(result).fix is None


def test_client_in_package_variable():
    assert_codemod(
        "unclosed-body",
        before="""
            package p

            import (
            	"net/http"
            	"time"
            )

            var client = &http.Client{Timeout: time.Second}

            func f(u string) error {
            	r, err := client.Get(u)
            	if err != nil {
            		return err
            	}
            	println(r.Status)
            	return nil
            }
        """,
        after="""
            package p

            import (
            	"net/http"
            	"time"
            )

            var client = &http.Client{Timeout: time.Second}

            func f(u string) error {
            	r, err := client.Get(u)
            	if err != nil {
            		return err
            	}
            	defer r.Body.Close()
            	println(r.Status)
            	return nil
            }
        """,
    )


def test_unknown_receiver_without_response_use_is_not_reported():
    result = run_check(dedent("""
        package p

        func f(c interface{ Get(string) (int, error) }) int {
        	n, err := c.Get("k")
        	if err != nil {
        		return 0
        	}
        	return n
        }
    """), "unclosed-body")
    assert result.findings == []


# --- closed on some paths only ------------------------------------------------------------------------

PATHS = """
    package p

    import (
    	"errors"
    	"os"
    )

    func f(p string) (int64, error) {
    	f, err := os.Open(p)
    	if err != nil {
    		return 0, err
    	}
    	st, err := f.Stat()
    	if err != nil {
    		return 0, errors.New("stat")
    	}
    	%s
    	return %s
    }
"""


def test_final_close_stays_when_the_return_calls_something():
    # st.Size() runs before the deferred Close would: the early Close is kept.
    before = PATHS % ("f.Close()", "st.Size(), nil")
    after = before.replace("return 0, err\n    \t}\n    \tst", "return 0, err\n    \t}\n    \tdefer f.Close()\n    \tst")
    assert after != before
    assert_codemod("unclosed-resource", before=before, after=after)


def test_final_close_is_dropped_when_the_return_calls_nothing():
    before = (PATHS % ("n := st.Size()\n    \tf.Close()", "n, nil"))
    after = before.replace("return 0, err\n    \t}\n    \tst", "return 0, err\n    \t}\n    \tdefer f.Close()\n    \tst")
    after = after.replace("    \tf.Close()\n", "")
    assert after.count("Close") == 1
    assert_codemod("unclosed-resource", before=before, after=after)


def test_final_close_with_a_comment_above_it_stays():
    before = (PATHS % ("n := st.Size()\n    \t// release the descriptor\n    \tf.Close()", "n, nil"))
    after = before.replace("return 0, err\n    \t}\n    \tst", "return 0, err\n    \t}\n    \tdefer f.Close()\n    \tst")
    assert_codemod("unclosed-resource", before=before, after=after)


def test_paths_only_message_names_the_exit():
    f = only(run_check(dedent(PATHS % ("f.Close()", "st.Size(), nil")), "unclosed-resource"))
    assert "closed on some paths only: the return on line 15 skips f.Close()" in f.message
    assert f.fix.applicability == Applicability.SAFE


def test_paths_only_writable_file_is_unsafe():
    src = dedent(PATHS % ("f.Close()", "st.Size(), nil")).replace(b"os.Open(p)", b"os.Create(p)")
    assert only(run_check(src, "unclosed-resource")).fix.applicability == Applicability.UNSAFE


def test_close_in_every_branch_is_not_reported():
    result = run_check(dedent("""
        package p

        import "os"

        func f(p string, x bool) error {
        	f, err := os.Open(p)
        	if err != nil {
        		return err
        	}
        	switch {
        	case x:
        		f.Close()
        		return nil
        	default:
        		if err := f.Close(); err != nil {
        			return err
        		}
        	}
        	return nil
        }
    """), "unclosed-resource")
    assert result.findings == []


def test_panic_between_creation_and_close_is_a_skipping_exit():
    f = only(run_check(dedent("""
        package p

        import "os"

        func f(p string) {
        	f, err := os.Open(p)
        	if err != nil {
        		return
        	}
        	if p == "" {
        		panic("empty")
        	}
        	f.Close()
        }
    """), "unclosed-resource"))
    assert "the panic on line 11" in f.message


# --- applicability ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("flags", "applicability"), [
    ("os.O_RDONLY", Applicability.SAFE),
    ("0", Applicability.SAFE),
    ("os.O_RDONLY|os.O_SYNC", Applicability.SAFE),
    ("os.O_RDWR", Applicability.UNSAFE),
    ("os.O_WRONLY|os.O_CREATE|os.O_TRUNC", Applicability.UNSAFE),
    ("flag", Applicability.UNSAFE),
])
def test_openfile_flags_decide_applicability(flags, applicability):
    src = dedent(f"""
        package p

        import "os"

        func f(p string, flag int) error {{
        	f, err := os.OpenFile(p, {flags}, 0o600)
        	if err != nil {{
        		return err
        	}}
        	_ = f.Name()
        	return nil
        }}
    """)
    assert only(run_check(src, "unclosed-resource")).fix.applicability == applicability


def test_stat_of_a_closed_resource_in_loop_gets_close_at_end_of_body():
    assert_codemod(
        "unclosed-resource",
        before="""
            package p

            import "os"

            func f(ps []string) {
            	for _, p := range ps {
            		f, err := os.Open(p)
            		if err != nil {
            			continue
            		}
            		_ = f.Name()
            	}
            }
        """,
        after="""
            package p

            import "os"

            func f(ps []string) {
            	for _, p := range ps {
            		f, err := os.Open(p)
            		if err != nil {
            			continue
            		}
            		_ = f.Name()
            		f.Close()
            	}
            }
        """,
    )


def test_must_begin_gets_defer_right_after_the_call():
    assert_codemod(
        "tx-rollback",
        before="""
            package p

            import "github.com/jmoiron/sqlx"

            func f(db *sqlx.DB) error {
            	tx := db.MustBegin()
            	if _, err := tx.Exec("x"); err != nil {
            		return err
            	}
            	return tx.Commit()
            }
        """,
        after="""
            package p

            import "github.com/jmoiron/sqlx"

            func f(db *sqlx.DB) error {
            	tx := db.MustBegin()
            	defer tx.Rollback()
            	if _, err := tx.Exec("x"); err != nil {
            		return err
            	}
            	return tx.Commit()
            }
        """,
    )


def test_look_alike_transaction_is_not_reported():
    """A local type with Begin/Commit/Rollback is not a database transaction: the
    declarations, not the method names, decide."""
    src = dedent("""
        package p

        type DB struct{}
        type Tx struct{}

        func (*DB) MustBegin() *Tx    { return &Tx{} }
        func (*Tx) Exec(string) error { return nil }
        func (*Tx) Commit() error     { return nil }
        func (*Tx) Rollback() error   { return nil }

        func f(db *DB) error {
        	tx := db.MustBegin()
        	if err := tx.Exec("x"); err != nil {
        		return err
        	}
        	return tx.Commit()
        }
    """)
    assert run_check(src, "tx-rollback").findings == []


# --- the config catalog, end to end through the CLI ------------------------------------------------------

STORE = b"""package p

import (
	"context"

	store "example.com/store"
)

func get(ctx context.Context, key string) ([]byte, error) {
	s, err := store.Connect(ctx, "db")
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, key)
}

func partly(ctx context.Context, key string) ([]byte, error) {
	s, err := store.Connect(ctx, "db")
	if err != nil {
		return nil, err
	}
	if key == "" {
		return nil, nil
	}
	b, err := s.Get(ctx, key)
	s.Shutdown()
	return b, err
}

func session() {
	c := store.Session()
	c.Ping()
}

func closed(ctx context.Context) error {
	s, err := store.Connect(ctx, "db")
	if err != nil {
		return err
	}
	defer s.Shutdown()
	return nil
}
"""


@pytest.fixture
def store_tree(tmp_path: Path) -> Path:
    (tmp_path / "go.mod").write_text("module example.com/p\n\ngo 1.22\n")
    (tmp_path / ".gofix.toml").write_text(
        '[resources]\n"example.com/store.Connect" = "Shutdown"\n"example.com/store.Session" = "Close"\n'
    )
    (tmp_path / "store.go").write_bytes(STORE)
    return tmp_path


def test_config_catalog_findings_have_no_fix(store_tree):
    r = CliRunner().invoke(app, ["check", "--format", "json", "--select", "unclosed-resource", str(store_tree)])
    assert r.exit_code == 1, r.output
    items = json.loads(r.stdout)
    got = sorted((i["line"], i["fix"] is None, i["message"]) for i in items)
    assert [(line, nofix) for line, nofix, _ in got] == [(10, True), (18, True), (31, True)], got
    assert "s.Shutdown()" in got[0][2] and "config catalog" in got[0][2]
    assert "closed on some paths only" in got[1][2]
    r = CliRunner().invoke(app, ["fix", "--unsafe-fixes", "--select", "unclosed-resource", str(store_tree)])
    assert (store_tree / "store.go").read_bytes() == STORE, r.output


def test_config_catalog_is_ignored_without_config(tmp_path):
    (tmp_path / "go.mod").write_text("module example.com/p\n\ngo 1.22\n")
    (tmp_path / "store.go").write_bytes(STORE)
    r = CliRunner().invoke(app, ["check", "--format", "json", "--select", "unclosed-resource", str(tmp_path)])
    assert r.exit_code == 0, r.output


def test_config_catalog_adds_triggers():
    from gofix.engine import Options

    rule = CLOSERS["unclosed-resource"]
    assert b"Connect" in rule.triggers_for(Options(extra_resources={"example.com/store.Connect": "Close"}))
    assert b"Connect" not in rule.triggers_for(Options())


# --- the Go semantics the fixes rely on ------------------------------------------------------------------

SECOND_CLOSE = """
package main

import (
	"database/sql"
	"database/sql/driver"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
)

type drv struct{}
type conn struct{}
type stmt struct{}
type rows struct{ n int }

func (drv) Open(string) (driver.Conn, error)           { return conn{}, nil }
func (conn) Prepare(string) (driver.Stmt, error)        { return stmt{}, nil }
func (conn) Close() error                               { return nil }
func (conn) Begin() (driver.Tx, error)                  { return nil, fmt.Errorf("no tx") }
func (stmt) Close() error                               { return nil }
func (stmt) NumInput() int                              { return -1 }
func (stmt) Exec([]driver.Value) (driver.Result, error) { return nil, nil }
func (stmt) Query([]driver.Value) (driver.Rows, error)  { return &rows{}, nil }
func (*rows) Columns() []string                         { return []string{"n"} }
func (*rows) Close() error                              { return nil }
func (r *rows) Next(dest []driver.Value) error {
	if r.n == 2 {
		return io.EOF
	}
	r.n++
	dest[0] = int64(r.n)
	return nil
}

func show(what string, err error) { fmt.Printf("%s: %v\\n", what, err != nil) }

func main() {
	path := filepath.Join(os.Args[1], "f.txt")
	w, _ := os.Create(path)
	w.WriteString("x")
	show("file1", w.Close())
	show("file2", w.Close())

	sql.Register("mem", drv{})
	db, _ := sql.Open("mem", "")
	r, _ := db.Query("q")
	r.Next()
	show("rows1", r.Close())
	show("rows2", r.Close())
	st, _ := db.Prepare("q")
	show("stmt1", st.Close())
	show("stmt2", st.Close())

	l, _ := net.Listen("tcp", "127.0.0.1:0")
	show("listener1", l.Close())
	show("listener2", l.Close())

	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "hi") }))
	defer srv.Close()
	resp, _ := http.Get(srv.URL)
	io.ReadAll(resp.Body)
	show("body1", resp.Body.Close())
	show("body2", resp.Body.Close())
}
"""


def test_second_close_is_harmless(go_bin, tmp_path):
    """A second Close returns nil for bodies, rows and statements, and an error (ignored by
    the deferred call) for files and listeners: never a panic or a hang."""
    (tmp_path / "go.mod").write_text("module secondclose\n\ngo 1.22\n")
    (tmp_path / "main.go").write_text(textwrap.dedent(SECOND_CLOSE).lstrip())
    proc = subprocess.run([go_bin, "run", ".", str(tmp_path)], cwd=tmp_path, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    got = dict(line.split(": ") for line in proc.stdout.split("\n") if line)
    assert got == {
        "file1": "false", "file2": "true",
        "rows1": "false", "rows2": "false",
        "stmt1": "false", "stmt2": "false",
        "listener1": "false", "listener2": "true",
        "body1": "false", "body2": "false",
    }


def test_nil_guarded_close_counts_as_closing():
    result = run_check(dedent("""
        package p

        import "net/http"

        func f(u string) error {
        	resp, err := http.Get(u)
        	if err != nil {
        		return err
        	}
        	println(resp.Status)
        	if resp.Body != nil {
        		resp.Body.Close()
        	}
        	return nil
        }
    """), "unclosed-body")
    assert result.findings == []


def test_close_guarded_by_another_condition_is_not_enough():
    f = only(run_check(dedent("""
        package p

        import "net/http"

        func f(u string, verbose bool) error {
        	resp, err := http.Get(u)
        	if err != nil {
        		return err
        	}
        	if verbose {
        		resp.Body.Close()
        	}
        	return nil
        }
    """), "unclosed-body"))
    assert "the return on line 13 skips" in f.message


def test_close_guarded_by_the_error_is_not_closing():
    f = only(run_check(dedent("""
        package p

        import "os"

        func f(p string) error {
        	f, err := os.Open(p)
        	if err != nil {
        		return err
        	}
        	_, err = f.Stat()
        	if err != nil {
        		f.Close()
        	}
        	return err
        }
    """), "unclosed-resource"))
    assert "the return on line 14 skips" in f.message


def test_close_in_a_bare_block_counts():
    result = run_check(dedent("""
        package p

        import "os"

        func f(p string, x bool) error {
        	f, err := os.Open(p)
        	if err != nil {
        		return err
        	}
        	{
        		f.Close()
        	}
        	if x {
        		return nil
        	}
        	return nil
        }
    """), "unclosed-resource")
    assert result.findings == []


def test_head_response_is_a_hint_and_get_is_an_error():
    """A HEAD response has no body (the transport reuses the connection without Close), so
    an unclosed one is style, not a leak; the same code with Get is a real leak."""
    from helpers import run_check

    src = (b'package p\n\nimport "net/http"\n\nfunc f(u string) int {\n\tresp, err := http.Head(u)\n'
           b'\tif err != nil {\n\t\treturn 0\n\t}\n\treturn resp.StatusCode\n}\n')
    [head] = run_check(src, "unclosed-body").findings
    assert head.severity.value == "hint" and "HEAD" in head.message
    [get] = run_check(src.replace(b"http.Head", b"http.Get"), "unclosed-body").findings
    assert get.severity.value == "error" and "read to EOF" in get.message


@pytest.mark.parametrize("rid", ["unclosed-body", "unclosed-rows", "tx-rollback", "unclosed-resource"])
def test_every_fixless_finding_says_why(rid):
    """Second round: a finding without a fix says why ("no automatic fix: ..."), in every
    golden case of the closer rules."""
    from helpers import GOLDEN, case_siblings, golden_source_path, run_fix

    seen = 0
    for inp in sorted((GOLDEN / rid).glob("*.input.go")):
        result, _ = run_fix(inp.read_bytes(), rid, path=golden_source_path(inp), siblings=case_siblings(inp))
        for f in result.findings:
            if f.fix is None:
                seen += 1
                assert "no automatic fix: " in f.message, f"{inp.name}:{f.start.line}: {f.message}"
    assert seen, f"{rid}: no fix-less finding in its goldens"


USE_GO = b"""package p

func (s *Server) Status(u string) (int, error) {
	resp, err := s.web.Get(u)
	if err != nil {
		return 0, err
	}
	return resp.StatusCode, nil
}
"""
HTTP_SERVER = b"""package p

import "net/http"

type Server struct{ web *http.Client }
"""
KV_SERVER = b"""package p

type Server struct{ web *kv }

type kv struct{}

type result struct{ StatusCode int }

func (*kv) Get(string) (*result, error) { return &result{}, nil }
"""


def test_a_change_in_another_file_of_the_package_reaches_the_cached_result(tmp_path):
    """The receiver's type is declared in server.go: the result for use.go depends on it, so
    the package fingerprint must be part of use.go's cache key."""
    (tmp_path / "use.go").write_bytes(USE_GO)
    (tmp_path / "server.go").write_bytes(HTTP_SERVER)
    cache = tmp_path.parent / f"{tmp_path.name}-cache"

    def findings() -> list[str]:
        r = CliRunner().invoke(app, ["check", "--format", "json", "--select", "unclosed-body",
                                     "--cache-dir", str(cache), str(tmp_path)])
        found, _ = json.JSONDecoder().raw_decode(r.output.lstrip())  # a summary line may follow
        return [f["path"] for f in found]

    first = findings()
    assert first and "use.go" in str(first), first
    (tmp_path / "server.go").write_bytes(KV_SERVER)
    assert findings() == [], "a stale cached finding survived the change of server.go"
    (tmp_path / "server.go").write_bytes(HTTP_SERVER)
    assert "use.go" in str(findings())
