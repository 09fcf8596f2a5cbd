"""The report-only rules: defer-in-loop, context-value-in-loop, request-context-in-goroutine,
goroutine-without-exit, background-context-io, no-ctx-request, unstopped-afterfunc.

The golden pairs under golden/<rule>/ carry most cases; these tests pin what goldens cannot
show: severities, where findings point, fix applicability, the shared helpers' scoping and
typing decisions, docstrings, and the prefilter triggers.
"""

from __future__ import annotations

import re

import pytest

from codemods import RULES
from codemods import _report as R
from gofix import syntax as S
from gofix.context import FileContext
from gofix.model import Applicability, Severity
from helpers import GOLDEN, CaseConfig, assert_codemod, dedent, module, run_check, run_fix

IDS = [
    "defer-in-loop",
    "context-value-in-loop",
    "request-context-in-goroutine",
    "goroutine-without-exit",
    "background-context-io",
    "no-ctx-request",
    "unstopped-afterfunc",
]
BY_ID = {r.id: r for r in RULES}


def ctx_of(src: str) -> FileContext:
    data = dedent(src)
    return FileContext("x.go", data, S.parse(data), module())


def nodes(ctx: FileContext, typ: str, text: str | None = None):
    return [n for n in S.walk(ctx.root) if n.type == typ and (text is None or ctx.text(n) == text)]


def only(result, rule):
    found = [f for f in result.findings if f.rule == rule]
    assert len(found) == 1, [f.message for f in result.findings]
    return found[0]


# --- docstrings and triggers -----------------------------------------------------------------


@pytest.mark.parametrize("rule_id", IDS)
def test_docstring_shape(rule_id):
    rule = BY_ID[rule_id]
    first = rule.doc.strip().splitlines()[0]
    assert first.startswith(f"{rule_id}: ")
    assert first == first.rstrip(".")
    for section in ("What it does", "Why is this bad?", "Example", "Fix safety"):
        assert rule.section(section), f"{rule_id}: missing ## {section}"


@pytest.mark.parametrize("rule_id", IDS)
def test_docstring_examples_parse(rule_id):
    for block in re.findall(r"```go\n(.*?)```", BY_ID[rule_id].doc, re.S):
        as_file = f"package p\n\n{block}".encode()
        in_func = f"package p\n\nfunc _() {{\n{block}}}\n".encode()
        ok = any(S.first_syntax_error(S.parse(src)) is None for src in (as_file, in_func))
        assert ok, f"{rule_id}: example does not parse:\n{block}"


def _all_golden_inputs():
    return sorted(p for p in GOLDEN.glob("*/*.input.go") if not p.parent.name.startswith("_"))


@pytest.mark.parametrize("rule_id", IDS)
def test_triggers_are_necessary(rule_id):
    """Run the rule without its prefilter on every golden input in the repository: a file
    with a finding must contain one of the triggers."""
    rule = BY_ID[rule_id]
    for path in _all_golden_inputs():
        src = path.read_bytes()
        tree = S.parse(src)
        if S.first_syntax_error(tree) is not None:
            continue
        found = rule.find(FileContext(str(path), src, tree, module()))
        if found:
            assert any(t in src for t in rule.triggers), f"{path}: finding but no trigger of {rule_id}"


@pytest.mark.parametrize(("rule_id", "src"), [
    ("context-value-in-loop", 'import c "context"\nfunc f(x c.Context) { for { x = c.WithValue(x, 1, 2) } }'),
    ("unstopped-afterfunc", 'import t "time"\nfunc f() { for { t.AfterFunc(1, nil) } }'),
    ("background-context-io", 'import c "context"\nfunc f(x c.Context, d interface{ DoContext(c.Context) }) { d.DoContext(c.TODO()) }'),
    ("no-ctx-request", 'import h "net/http"\nfunc f() { h.Head("u") }'),
    ("request-context-in-goroutine", 'import h "net/http"\nfunc f(r *h.Request) { go g(r.Context()) }\nfunc g(any) {}'),
])
def test_aliased_imports_are_found(rule_id, src):
    result = run_check(f"package p\n{src}\n".encode(), rule_id)
    assert [f.rule for f in result.findings] == [rule_id]


# --- where findings point, severities -------------------------------------------------------------


def test_defer_in_loop_points_at_the_defer():
    f = only(run_check(dedent("""
        package p
        import "os"
        func f(ns []string) {
        	for _, n := range ns {
        		g, _ := os.Open(n)
        		defer g.Close()
        	}
        }
    """), "defer-in-loop"), "defer-in-loop")
    assert (f.start.line, f.start.column) == (6, 3)
    assert f.fix is None and f.severity == Severity.WARNING
    assert "move the loop body into a function" in f.message and "call g.Close() at the end of the iteration" in f.message


def test_defer_in_loop_unlock_of_outer_mutex_is_an_error_and_per_item_is_not():
    src = """
        package p
        import "sync"
        type item struct{ mu sync.Mutex }
        func f(mu *sync.Mutex, items []*item) {
        	for range items {
        		mu.Lock()
        		defer mu.Unlock()
        	}
        	for _, it := range items {
        		it.mu.Lock()
        		defer it.mu.Unlock()
        	}
        }
    """
    severities = [f.severity for f in run_check(dedent(src), "defer-in-loop").findings]
    assert severities == [Severity.ERROR, Severity.WARNING]


def test_defer_in_loop_continue_after_the_defer_keeps_the_finding():
    src = """
        package p
        import "os"
        func f(ns []string) error {
        	for _, n := range ns {
        		g, err := os.Open(n)
        		if err != nil {
        			return err
        		}
        		defer g.Close()
        		if n == "" {
        			continue
        		}
        		return nil
        	}
        	return nil
        }
    """
    assert len(run_check(dedent(src), "defer-in-loop").findings) == 1
    no_continue = dedent(src).replace(b"\t\tif n == \"\" {\n\t\t\tcontinue\n\t\t}\n", b"")
    assert run_check(no_continue, "defer-in-loop").findings == []


def test_context_value_in_loop_points_at_the_assignment():
    f = only(run_check(dedent("""
        package p
        import "context"
        func f(ctx context.Context, n int) {
        	for i := 0; i < n; i++ {
        		ctx = context.WithValue(ctx, "k", i)
        	}
        	_ = ctx
        }
    """), "context-value-in-loop"), "context-value-in-loop")
    assert (f.start.line, f.start.column) == (5, 3)
    assert "vctx := context.WithValue(ctx, k, v)" in f.message


def test_request_context_in_goroutine_points_at_the_go_statement():
    f = only(run_check(dedent("""
        package p
        import "net/http"
        func h(w http.ResponseWriter, r *http.Request) {
        	go func() {
        		_ = r.Context()
        	}()
        }
    """), "request-context-in-goroutine"), "request-context-in-goroutine")
    assert (f.start.line, f.start.column) == (4, 2)
    assert "context.WithoutCancel(r.Context())" in f.message and "wait for the goroutine" in f.message


def test_goroutine_without_exit_continue_is_not_a_way_out_but_labelled_continue_is():
    looping = """
        package p
        func f(work func() bool) {
        	go func() {
        		for {
        			if work() {
        				continue
        			}
        		}
        	}()
        }
    """
    f = only(run_check(dedent(looping), "goroutine-without-exit"), "goroutine-without-exit")
    assert (f.start.line, f.start.column) == (3, 2)
    outer = """
        package p
        func f(work func() bool) {
        	go func() {
        		for i := 0; i < 3; i++ {
        		inner:
        			for {
        				if work() {
        					continue inner
        				}
        				break
        			}
        		}
        	}()
        }
    """
    assert run_check(dedent(outer), "goroutine-without-exit").findings == []


def test_background_context_io_points_at_the_argument():
    f = only(run_check(dedent("""
        package p
        import ("context"; "database/sql")
        func f(ctx context.Context, db *sql.DB) {
        	db.ExecContext(context.Background(), "x")
        }
    """), "background-context-io"), "background-context-io")
    assert (f.start.line, f.start.column) == (4, 17)
    assert f.fix is not None and f.fix.applicability == Applicability.UNSAFE


def test_unstopped_afterfunc_points_at_the_call():
    f = only(run_check(dedent("""
        package p
        import "time"
        func f(n int) {
        	for i := 0; i < n; i++ {
        		_ = time.AfterFunc(time.Second, func() {})
        	}
        }
    """), "unstopped-afterfunc"), "unstopped-afterfunc")
    assert (f.start.line, f.start.column) == (5, 7)
    assert "t.Stop()" in f.message


@pytest.mark.parametrize(("params", "severity", "fixed"), [
    ("ctx context.Context, db *sql.DB", Severity.WARNING, True),
    ("w http.ResponseWriter, r *http.Request, db *sql.DB", Severity.WARNING, True),
    ("_ context.Context, db *sql.DB", Severity.WARNING, False),
    ("db *sql.DB", Severity.HINT, False),
])
def test_no_ctx_request_severity_follows_the_context_in_scope(params, severity, fixed):
    src = f"""
        package p
        import ("context"; "database/sql"; "net/http")
        var _ context.Context
        var _ http.Handler
        func f({params}) {{
        	db.Exec("x")
        }}
    """
    f = only(run_check(dedent(src), "no-ctx-request"), "no-ctx-request")
    assert f.severity == severity
    assert (f.fix is not None) == fixed
    if fixed:
        assert f.fix.applicability == Applicability.UNSAFE
    assert (f.start.line, f.start.column) == (6, 2)


def test_no_ctx_request_http_get_has_no_fix_but_says_what_to_write():
    f = only(run_check(dedent("""
        package p
        import ("context"; "net/http")
        func f(ctx context.Context) {
        	resp, err := http.Get("http://x")
        	if err == nil {
        		resp.Body.Close()
        	}
        }
    """), "no-ctx-request"), "no-ctx-request")
    assert f.fix is None
    assert "http.NewRequestWithContext(ctx, http.MethodGet, url, nil)" in f.message
    assert "http.DefaultClient.Do(req)" in f.message


# --- fixes ----------------------------------------------------------------------------------------


def test_no_ctx_request_empty_argument_list():
    assert_codemod(
        "no-ctx-request",
        before="""
            package p
            import ("context"; "database/sql")
            func f(ctx context.Context, s *sql.Stmt) {
            	s.Exec()
            }
        """,
        after="""
            package p
            import ("context"; "database/sql")
            func f(ctx context.Context, s *sql.Stmt) {
            	s.ExecContext(ctx)
            }
        """,
    )


def test_no_ctx_request_derived_context_in_between_is_fine():
    assert_codemod(
        "no-ctx-request",
        before="""
            package p
            import ("context"; "database/sql"; "time")
            func f(ctx context.Context, db *sql.DB) {
            	if true {
            		ctx, cancel := context.WithTimeout(ctx, time.Second)
            		defer cancel()
            		db.Query("x")
            	}
            }
        """,
        after="""
            package p
            import ("context"; "database/sql"; "time")
            func f(ctx context.Context, db *sql.DB) {
            	if true {
            		ctx, cancel := context.WithTimeout(ctx, time.Second)
            		defer cancel()
            		db.QueryContext(ctx, "x")
            	}
            }
        """,
    )


def test_unsafe_fixes_stay_out_of_a_safe_run():
    src = dedent("""
        package p
        import ("context"; "database/sql")
        func f(ctx context.Context, db *sql.DB) {
        	db.Exec("x")
        	db.ExecContext(context.TODO(), "y")
        }
    """)
    for rule in ("no-ctx-request", "background-context-io"):
        result, errors = run_fix(src, rule, CaseConfig(unsafe=False))
        assert not errors and result.fixed is None
        assert len(result.findings) == 1


def test_background_context_io_single_use_removes_the_import():
    assert_codemod(
        "background-context-io",
        before="""
            package p

            import (
            	"context"
            	"net/http"
            )

            func f(w http.ResponseWriter, r *http.Request) {
            	req, _ := http.NewRequestWithContext(context.Background(), "GET", "u", nil)
            	_ = req
            }
        """,
        after="""
            package p

            import (
            	"net/http"
            )

            func f(w http.ResponseWriter, r *http.Request) {
            	req, _ := http.NewRequestWithContext(r.Context(), "GET", "u", nil)
            	_ = req
            }
        """,
    )


def test_background_context_io_keeps_an_import_still_used():
    assert_codemod(
        "background-context-io",
        before="""
            package p
            import ("context"; "net/http")
            func f(w http.ResponseWriter, r *http.Request) {
            	req, _ := http.NewRequestWithContext(context.TODO(), "GET", "u", nil)
            	_ = req
            	go g(context.Background())
            }
            func g(context.Context) {}
        """,
        after="""
            package p
            import ("context"; "net/http")
            func f(w http.ResponseWriter, r *http.Request) {
            	req, _ := http.NewRequestWithContext(r.Context(), "GET", "u", nil)
            	_ = req
            	go g(context.Background())
            }
            func g(context.Context) {}
        """,
    )


# --- the shared helpers ---------------------------------------------------------------------------


def test_declaration_of_honours_block_scopes():
    ctx = ctx_of("""
        package p
        func f(x int) {
        	if x := x + 1; x > 0 {
        		_ = x
        	}
        	_ = x
        }
    """)
    xs = nodes(ctx, "identifier", "x")
    param, inner_decl, init_rhs, cond, body_use, outer_use = xs
    assert R.declaration_of(ctx, init_rhs).id == param.id  # `x := x + 1` sees the outer x
    assert R.declaration_of(ctx, cond).id == inner_decl.id
    assert R.declaration_of(ctx, body_use).id == inner_decl.id
    assert R.declaration_of(ctx, outer_use).id == param.id


def test_type_of_follows_declarations_and_assignments():
    ctx = ctx_of("""
        package p
        import (
        	h "net/http"
        	"database/sql"
        )
        type a struct{ db *sql.DB; c int }
        type b struct{ c *h.Client }
        var client = &h.Client{}
        func f(s *a, t *b) {
        	db, _ := sql.Open("x", "y")
        	tx, _ := db.Begin()
        	st, _ := tx.Prepare("q")
        	c2 := client
        	c3 := h.DefaultClient
        	_, _, _, _, _, _, _ = db, tx, st, c2, c3, s.db, t.c
        }
    """)
    stmt = nodes(ctx, S.ASSIGNMENT)[-1]
    values = stmt.child_by_field_name("right").named_children
    got = [(t.path, t.name) if t is not None else None for t in (R.type_of(ctx, v) for v in values)]
    # gofix.analysis.types: the field c of *b is known precisely, though a.c has another type
    assert got == [(R.SQL, "*DB"), (R.SQL, "*Tx"), (R.SQL, "*Stmt"), (R.HTTP, "*Client"), (R.HTTP, "*Client"),
                   (R.SQL, "*DB"), (R.HTTP, "*Client")]


def test_available_context_boundaries():
    ctx = ctx_of("""
        package p
        import "context"
        func f(ctx context.Context, run func(func())) {
        	func() { a() }()
        	go func() { b() }()
        	defer func() { c() }()
        	run(func() { d() })
        	e()
        }
        func a() {}
        func b() {}
        func c() {}
        func d() {}
        func e() {}
    """)
    body = nodes(ctx, "function_declaration")[0]
    calls = {ctx.call_name(n): n for n in S.walk(body) if n.type == "call_expression" and ctx.call_name(n) in set("abcde")}
    seen = {name: R.available_context(ctx, call) is not None for name, call in calls.items()}
    assert seen == {"a": True, "b": False, "c": False, "d": False, "e": True}


def test_leaves_loop_after():
    ctx = ctx_of("""
        package p
        func f(xs []int) {
        	for _, x := range xs {
        		a := x
        		if a > 0 {
        			b := a
        			_ = b
        		}
        		switch {
        		case a > 1:
        			break
        		}
        		return
        	}
        	for range xs {
        		c := 1
        		if c > 0 {
        			continue
        		}
        		break
        	}
        }
    """)
    loops = nodes(ctx, "for_statement")
    a, b, c = (S.statement_of(nodes(ctx, "identifier", n)[0]) for n in "abc")
    assert R.leaves_loop_after(a, loops[0])
    assert R.leaves_loop_after(b, loops[0])
    assert not R.leaves_loop_after(c, loops[1])  # the continue starts another iteration


# --- second round: precision and reasons ---------------------------------------------------------

OWN_RULES = [*IDS, "forgotten-sender", "unclosed-range-channel", "wg-add-in-goroutine"]


@pytest.mark.parametrize("rule_id", OWN_RULES)
def test_every_fixless_finding_says_why(rule_id):
    from helpers import golden_path, golden_source_path

    silent = []
    for inp in sorted((GOLDEN / rule_id).glob("*.input.go")):
        result, _ = run_fix(inp.read_bytes(), rule_id, path=golden_source_path(inp))
        silent += [f"{inp.name}:{f.start.line}: {f.message}" for f in result.findings
                   if f.fix is None and "no automatic fix" not in f.message]
        assert golden_path(inp).exists()
    assert not silent, silent


_LOOPED_DEFER = """
    package p
    import "os"
    func TestX(names []string) {
    	for _, n := range names {
    		f, _ := os.Open(n)
    		defer f.Close()
    	}
    }
"""
_LOOPED_AFTERFUNC = """
    package p
    import "time"
    func TestX(f func()) {
    	for i := 0; i < 3; i++ {
    		time.AfterFunc(time.Second, f)
    	}
    }
"""


@pytest.mark.parametrize(("rule_id", "src"), [("defer-in-loop", _LOOPED_DEFER),
                                              ("unstopped-afterfunc", _LOOPED_AFTERFUNC)])
def test_test_files_make_hints(rule_id, src):
    plain, _ = run_fix(dedent(src), rule_id, path="x.go")
    test, _ = run_fix(dedent(src), rule_id, path="pkg/x_test.go")
    assert [f.severity for f in plain.findings] == [Severity.WARNING]
    assert [f.severity for f in test.findings] == [Severity.HINT]


@pytest.mark.parametrize("call", ["x.Ping()", "x.Begin()", "x.Handshake()", 'x.Dial("tcp", "a")',
                                  'x.Stmt(nil)', 'x.Listen("tcp", ":0")', 'x.LookupHost("h")'])
def test_no_ctx_request_unknown_receivers_are_not_guessed(call):
    src = f"""
        package p
        import ("context"; "database/sql"; "net"; "crypto/tls")
        var _ *sql.DB
        var _ net.Conn
        var _ tls.Config
        func f(ctx context.Context, x interface{{ Ping() error }}) {{
        	{call}
        }}
    """
    assert run_check(dedent(src), "no-ctx-request").findings == []


def test_no_ctx_request_local_package_look_alikes():
    src = """
        package p
        import "context"
        type runner struct{}
        func (runner) Command(string) {}
        func (runner) Dial(string, string) {}
        func f(ctx context.Context) {
        	exec, net := runner{}, runner{}
        	exec.Command("ls")
        	net.Dial("tcp", "a")
        }
    """
    assert run_check(dedent(src), "no-ctx-request").findings == []


def test_no_ctx_request_fixes_are_unsafe_and_hints_have_none():
    src = """
        package p
        import ("context"; "net"; "os/exec")
        func f(ctx context.Context) {
        	net.Dial("tcp", "a")
        	exec.Command("ls")
        }
        func g() {
        	net.Dial("tcp", "a")
        }
    """
    found = run_check(dedent(src), "no-ctx-request").findings
    assert [(f.severity, f.fix is not None) for f in found] == [
        (Severity.WARNING, True), (Severity.WARNING, True), (Severity.HINT, False)]
    assert all(f.fix.applicability == Applicability.UNSAFE for f in found if f.fix)


def test_no_ctx_request_dial_timeout_keeps_gofmt_spacing():
    assert_codemod(
        "no-ctx-request",
        before="""
            package p
            import ("context"; "net"; "time")
            func f(ctx context.Context, d time.Duration) {
            	net.DialTimeout("tcp", "a", 2*d)
            	net.DialTimeout("tcp", "a", d)
            	net.DialTimeout("tcp", "a", 2*d+time.Second)
            }
        """,
        after="""
            package p
            import ("context"; "net"; "time")
            func f(ctx context.Context, d time.Duration) {
            	(&net.Dialer{Timeout: 2 * d}).DialContext(ctx, "tcp", "a")
            	(&net.Dialer{Timeout: d}).DialContext(ctx, "tcp", "a")
            	net.DialTimeout("tcp", "a", 2*d+time.Second)
            }
        """,
    )


def test_no_ctx_request_t_context_in_test_files_is_a_hint_with_its_fix():
    src = dedent("""
        package p
        import ("net"; "testing")
        func TestX(t *testing.T) {
        	l, err := net.Listen("tcp", "localhost:0")
        	if err == nil {
        		l.Close()
        	}
        }
    """)
    cfg = CaseConfig(go="1.24")
    plain, _ = run_fix(src, "no-ctx-request", cfg, path="x.go")
    test, _ = run_fix(src, "no-ctx-request", cfg, path="x_test.go")
    assert [(f.severity, f.fix is not None) for f in plain.findings] == [(Severity.WARNING, True)]
    assert [(f.severity, f.fix is not None) for f in test.findings] == [(Severity.HINT, True)]


def test_no_ctx_request_messages_stay_on_one_line():
    src = dedent("""
        package p
        import ("context"; "crypto/tls")
        func f(ctx context.Context) (*tls.Conn, error) {
        	return tls.Dial("tcp", "a", &tls.Config{
        		InsecureSkipVerify: true,
        		NextProtos:         []string{"h2"},
        	})
        }
    """)
    f = only(run_check(src, "no-ctx-request"), "no-ctx-request")
    assert "\n" not in f.message and "(&tls.Dialer{Config: config}).DialContext(ctx, ...)" in f.message


def test_no_ctx_request_finds_a_context_local_whose_type_is_declared_in_another_file():
    """A local context may come from a field declared in another file: the shortcut that
    skips looking for context locals (no "Context" in the function, no import of context
    in the file) must ask the other files of the package too."""
    from gofix.analysis.testing import run

    src = dedent("""
        package p

        import "net/http"

        func (s *server) fetch(u string) error {
        	c := s.ctx
        	_ = c
        	resp, err := http.Get(u)
        	if err != nil {
        		return err
        	}
        	return resp.Body.Close()
        }
        """)
    with_context = {"b.go": b'package p\n\nimport "context"\n\ntype server struct{ ctx context.Context }\n'}
    without = {"b.go": b"package p\n\ntype server struct{ ctx interface{ Done() <-chan struct{} } }\n"}
    found, _ = run("no-ctx-request", src, siblings=with_context)
    assert [f.message for f in found.findings if "dropping this function's context (c)" in f.message], found.findings
    found, _ = run("no-ctx-request", src, siblings=without)
    assert found.findings and all("dropping" not in f.message for f in found.findings), found.findings
