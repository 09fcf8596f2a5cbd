"""gofix.analysis.types: types read from declarations, across the files of the package."""

from __future__ import annotations

import textwrap

import pytest

from gofix import syntax as S
from gofix.analysis import types as T
from gofix.analysis.package import Package
from gofix.analysis.types import GoType
from gofix.context import FileContext
from helpers import module


def _ctx(src: str, others: dict[str, str] | None = None) -> FileContext:
    data = textwrap.dedent(src).lstrip("\n").encode()
    tree = S.parse(data)
    siblings = {f"pkg/{name}": textwrap.dedent(text).lstrip("\n").encode() for name, text in (others or {}).items()}
    return FileContext("pkg/a.go", data, tree, module(), package=Package.in_memory("pkg/a.go", data, siblings, tree))


def _expr(ctx: FileContext, text: str, nth: int = 0):
    """The nth expression node whose source is exactly text (largest node first)."""
    hits = [n for n in S.walk(ctx.root) if n.is_named and ctx.text(n) == text
            and n.type not in ("expression_statement", "expression_list")]
    hits.sort(key=lambda n: (n.start_byte, -(n.end_byte - n.start_byte)))
    firsts = []
    for n in hits:
        if not firsts or firsts[-1].start_byte != n.start_byte:
            firsts.append(n)
    return firsts[nth]


def type_at(src: str, text: str, nth: int = 0, others: dict[str, str] | None = None) -> GoType | None:
    ctx = _ctx(src, others)
    return T.type_of(ctx, _expr(ctx, text, nth))


HTTP_RESP = GoType("net/http", "*Response")
HTTP_CLIENT = GoType("net/http", "*Client")


def test_gotype_helpers():
    t = GoType("net/http", "*Client")
    assert t.is_pointer and t.base == "Client" and t.elem() == GoType("net/http", "Client")
    assert t.is_("net/http", "Client") and not t.is_("net/http", "Response") and not t.is_("net", "Client")
    assert t.elem().pointer() == t and t.pointer() is None
    assert str(t) == "*net/http.Client" and str(GoType("", "S")) == "S"


def test_package_call_results_and_locals():
    src = """
        package p
        import "net/http"
        func f(u string) {
        	resp, err := http.Get(u)
        	_, _ = resp, err
        }
    """
    assert type_at(src, "resp", 1) == HTTP_RESP
    assert type_at(src, "err", 1) == GoType("builtin", "error")
    assert type_at(src, "http.Get(u)") == HTTP_RESP


def test_aliased_import_and_shadowed_package_name():
    src = """
        package p
        import web "net/http"
        func f(u string) {
        	r, _ := web.Get(u)
        	_ = r
        }
        func g(web fake, u string) {
        	r, _ := web.Get(u)
        	_ = r
        }
        type fake struct{}
        func (fake) Get(string) (int, error) { return 0, nil }
    """
    assert type_at(src, "r", 1) == HTTP_RESP
    assert type_at(src, "r", 3) == GoType("builtin", "int")


def test_parameters_receivers_and_named_results():
    src = """
        package p
        import "net/http"
        type S struct{}
        func (s *S) f(c *http.Client, d http.Client) (resp *http.Response, err error) {
        	_, _, _, _ = s, c, d, resp
        	return
        }
    """
    assert type_at(src, "s", 1) == GoType("", "*S")
    assert type_at(src, "c", 1) == HTTP_CLIENT
    assert type_at(src, "d", 1) == GoType("net/http", "Client")
    assert type_at(src, "resp", 1) == HTTP_RESP


def test_method_call_on_client_variable():
    src = """
        package p
        import "net/http"
        func f(req *http.Request) {
        	c := &http.Client{}
        	resp, _ := c.Do(req)
        	var d http.Client
        	r2, _ := d.Get("u")
        	r3, _ := http.DefaultClient.Head("u")
        	_, _, _ = resp, r2, r3
        }
    """
    assert type_at(src, "c", 1) == HTTP_CLIENT
    assert type_at(src, "resp", 1) == HTTP_RESP
    assert type_at(src, "r2", 1) == HTTP_RESP
    assert type_at(src, "http.DefaultClient") == HTTP_CLIENT
    assert type_at(src, "r3", 1) == HTTP_RESP


def test_new_and_composite_literals():
    src = """
        package p
        import "net/http"
        type S struct{}
        func f() {
        	a := new(http.Client)
        	b := &S{}
        	c := S{}
        	d := *b
        	_, _, _, _ = a, b, c, d
        }
    """
    assert type_at(src, "a", 1) == HTTP_CLIENT
    assert type_at(src, "b", 1) == GoType("", "*S")
    assert type_at(src, "c", 1) == GoType("", "S")
    assert type_at(src, "d", 1) == GoType("", "S")


def test_struct_fields_and_embedded_fields():
    src = """
        package p
        import "net/http"
        type inner struct{ hc *http.Client }
        type wrap struct {
        	*http.Client
        	inner
        }
        func f(w *wrap, req *http.Request) {
        	a, _ := w.Do(req)
        	b := w.hc
        	c := w.Client
        	_, _, _ = a, b, c
        }
    """
    assert type_at(src, "a", 1) == HTTP_RESP  # promoted method of the embedded *http.Client
    assert type_at(src, "b", 1) == HTTP_CLIENT  # promoted field of the embedded inner
    assert type_at(src, "w.Client") == HTTP_CLIENT


def test_package_level_vars_funcs_and_aliases():
    src = """
        package p
        import "net/http"
        type Client = http.Client
        var client = &http.Client{}
        var other *Client
        func fetch(u string) (*http.Response, error) { return client.Get(u) }
        func f() {
        	a, _ := fetch("u")
        	b, _ := other.Get("u")
        	_, _ = a, b
        }
    """
    assert type_at(src, "client", 1) == HTTP_CLIENT
    assert type_at(src, "other", 1) == HTTP_CLIENT
    assert type_at(src, "a", 1) == HTTP_RESP
    assert type_at(src, "b", 1) == HTTP_RESP


def test_declarations_in_another_file_of_the_package():
    src = """
        package p
        func (s *server) f(ctx context, k string) {
        	resp, _ := s.kv.Get(ctx, k)
        	hresp, _ := s.web.Get(k)
        	g := newGetter()
        	x, _ := g.Get(k)
        	_, _, _ = resp, hresp, x
        }
    """
    other = """
        package p
        import (
        	"net/http"
        	clientv3 "go.etcd.io/etcd/client/v3"
        )
        type context = int
        type server struct {
        	kv  clientv3.KV
        	web *http.Client
        }
        type getter struct{}
        type result struct{ Header string }
        func newGetter() *getter { return &getter{} }
        func (g *getter) Get(k string) (*result, error) { return nil, nil }
    """
    others = {"b.go": other}
    assert type_at(src, "s", 1, others) == GoType("", "*server")
    assert type_at(src, "s.kv", 0, others) == GoType("go.etcd.io/etcd/client/v3", "KV")
    assert type_at(src, "resp", 1, others) is None  # an etcd KV's Get: not in the table
    assert type_at(src, "hresp", 1, others) == HTTP_RESP  # the field's import is b.go's
    assert type_at(src, "x", 1, others) == GoType("", "*result")


def test_unknown_stays_unknown():
    src = """
        package p
        import "example.com/kv"
        func f(c *kv.Client, m map[string]int, xs []int, fn func() int) {
        	a, _ := c.Get("k")
        	b := m["k"]
        	for _, x := range xs {
        		_ = x
        	}
        	d := fn()
        	e := undefined.Get()
        	_, _, _, _ = a, b, d, e
        }
    """
    for name in ("a", "b", "x", "d", "e"):
        assert type_at(src, name, 1) is None, name
    assert type_at(src, "c", 1) == GoType("example.com/kv", "*Client")


def test_scopes_shadowing_and_redeclaration():
    src = """
        package p
        import "net/http"
        var c *http.Client
        func f(u string) {
        	a, _ := c.Get(u)
        	{
        		c := 3
        		b := c
        		_ = b
        	}
        	if c := other(); c != nil {
        		d := c
        		_ = d
        	}
        	e := c
        	_, _ = a, e
        }
        func other() *int { return nil }
    """
    assert type_at(src, "a", 1) == HTTP_RESP
    assert type_at(src, "b", 0) == GoType("builtin", "int")
    assert type_at(src, "d", 0) == GoType("builtin", "*int")
    assert type_at(src, "e", 0) == HTTP_CLIENT


def test_self_reference_in_short_declaration_sees_the_outer_variable():
    src = """
        package p
        import "net/http"
        func f(c *http.Client) {
        	c := c
        	_ = c
        }
    """
    assert type_at(src, "c", 2) == HTTP_CLIENT


def test_sql_sqlx_and_pgx_results():
    src = """
        package p
        import (
        	"context"
        	"database/sql"
        	"github.com/jackc/pgx/v5"
        	"github.com/jackc/pgx/v5/pgxpool"
        	"github.com/jmoiron/sqlx"
        )
        func f(ctx context.Context, db *sql.DB, x *sqlx.DB, conn *pgx.Conn, pool *pgxpool.Pool) {
        	rows, _ := db.QueryContext(ctx, "q")
        	tx, _ := db.Begin()
        	stmt, _ := tx.Prepare("q")
        	xr, _ := x.Query("q")
        	xq, _ := x.Queryx("q")
        	pr, _ := conn.Query(ctx, "q")
        	ptx, _ := pool.Begin(ctx)
        	pr2, _ := ptx.Query(ctx, "q")
        	_, _, _, _, _, _, _ = rows, stmt, xr, xq, pr, pr2, ptx
        }
    """
    assert type_at(src, "rows", 1) == GoType("database/sql", "*Rows")
    assert type_at(src, "stmt", 1) == GoType("database/sql", "*Stmt")
    assert type_at(src, "xr", 1) == GoType("database/sql", "*Rows")  # promoted from the embedded *sql.DB
    assert type_at(src, "xq", 1) == GoType("github.com/jmoiron/sqlx", "*Rows")
    assert type_at(src, "pr", 1) == GoType("github.com/jackc/pgx/v5", "Rows")
    assert type_at(src, "ptx", 1) == GoType("github.com/jackc/pgx/v5", "Tx")
    assert type_at(src, "pr2", 1) == GoType("github.com/jackc/pgx/v5", "Rows")


def test_x_net_context_is_context():
    src = """
        package p
        import "golang.org/x/net/context"
        func f() {
        	ctx, cancel := context.WithCancel(context.Background())
        	_, _ = ctx, cancel
        }
    """
    assert type_at(src, "ctx", 0) == GoType("context", "Context")
    assert type_at(src, "cancel", 0) == GoType("context", "CancelFunc")


def test_interface_methods_and_conversions():
    src = """
        package p
        import "net/http"
        type doer interface{ Do(*http.Request) (*http.Response, error) }
        type myClient http.Client
        func f(d doer, req *http.Request, hc *http.Client) {
        	a, _ := d.Do(req)
        	m := (*myClient)(hc)
        	_, _ = a, m
        }
    """
    assert type_at(src, "a", 1) == HTTP_RESP
    assert type_at(src, "d", 1) == GoType("", "doer")


def test_cycles_do_not_recurse_forever():
    src = """
        package p
        type A = B
        type B = A
        var x = y
        var y = x
        func f(a A) { _ = a; _ = x }
    """
    assert type_at(src, "a", 1) is None
    assert type_at(src, "x", 1) is None


def test_results_of_and_func_decl():
    src = """
        package p
        import "net/http"
        func f(u string) {
        	get(u)
        	(&cl{}).do(u)
        }
        type cl struct{}
        func (cl) do(string) {}
    """
    other = """
        package p
        import "net/http"
        func get(u string) (*http.Response, error) { return http.Get(u) }
    """
    ctx = _ctx(src, {"b.go": other})
    call = _expr(ctx, "get(u)")
    assert T.results_of(ctx, call) == (HTTP_RESP, GoType("builtin", "error"))
    decl = T.func_decl(ctx, call)
    assert decl is not None and decl.unit.path == "pkg/b.go"
    method = T.func_decl(ctx, _expr(ctx, "(&cl{}).do(u)"))
    assert method is not None and method.node.type == "method_declaration"


def test_memoised_on_the_context():
    src = """
        package p
        import "net/http"
        func f(c *http.Client) { _ = c }
    """
    ctx = _ctx(src)
    node = _expr(ctx, "c", 1)
    first = T.type_of(ctx, node)
    assert first == HTTP_CLIENT
    fresh = _ctx(src)
    assert T.type_of(fresh, _expr(fresh, "c", 1)) == first
    assert ctx.memo(("types.of", node.start_byte, node.end_byte, node.type), lambda: None) == first


@pytest.mark.parametrize("text", ["xs[0]", "f()", "1 + 2"])
def test_expressions_without_named_types_are_none(text):
    src = f"""
        package p
        var xs []int
        func f() {{}}
        var _ = {text}
    """
    assert type_at(src, text) is None


def test_pgx_v4_zstd_and_create_temp():
    src = """
        package p
        import (
        	"context"
        	"os"
        	"github.com/jackc/pgx/v4/pgxpool"
        	"github.com/klauspost/compress/zstd"
        )
        func f(ctx context.Context, pool *pgxpool.Pool) {
        	rows, _ := pool.Query(ctx, "q")
        	conn, _ := pool.Acquire(ctx)
        	crow, _ := conn.Query(ctx, "q")
        	enc, _ := zstd.NewWriter(nil)
        	dec, _ := zstd.NewReader(nil)
        	tmp, _ := os.CreateTemp("", "x")
        	_, _, _, _, _, _ = rows, conn, crow, enc, dec, tmp
        }
    """
    assert type_at(src, "rows", 0) == GoType("github.com/jackc/pgx/v4", "Rows")
    assert type_at(src, "conn", 0) == GoType("github.com/jackc/pgx/v4/pgxpool", "*Conn")
    assert type_at(src, "crow", 0) == GoType("github.com/jackc/pgx/v4", "Rows")
    assert type_at(src, "enc", 0) == GoType("github.com/klauspost/compress/zstd", "*Encoder")
    assert type_at(src, "dec", 0) == GoType("github.com/klauspost/compress/zstd", "*Decoder")
    assert type_at(src, "tmp", 0) == GoType("os", "*File")


def test_promoted_method_and_generic_receiver_from_another_file():
    src = """
        package p
        func f(o *outer, b *box[int]) {
        	x, _ := o.fetch("u")
        	y := b.get()
        	_, _ = x, y
        }
    """
    other = """
        package p
        import "net/http"
        type inner struct{}
        func (*inner) fetch(u string) (*http.Response, error) { return http.Get(u) }
        type outer struct{ *inner }
        type box[T any] struct{ v T }
        func (b *box[T]) get() *http.Client { return nil }
    """
    assert type_at(src, "x", 0, {"b.go": other}) == HTTP_RESP
    assert type_at(src, "y", 0, {"b.go": other}) == HTTP_CLIENT
    assert type_at(src, "x", 0) is None  # without the other file: unknown
