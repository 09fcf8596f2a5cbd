"""gofix.analysis scope, shapes, flow and lifetime: the facts rules build on."""

from __future__ import annotations

import pytest

from gofix.analysis import FileContext
from gofix.analysis import syntax as S
from gofix.analysis.flow import (exits_between, loop_exits, never_returns, never_returns_call, paths_missing,
                                 runs_at_most_once, terminates)
from gofix.analysis.lifetime import escape
from gofix.analysis.scope import binding, declared_at, fresh_name, references, shadowed
from gofix.analysis.shapes import assignment_of, error_check_after
from helpers import dedent, module


def ctx_of(src: str) -> FileContext:
    b = dedent(src)
    return FileContext("x.go", b, S.parse(b), module())


def nodes(ctx: FileContext, type_: str, text: str | None = None) -> list:
    return [n for n in S.walk(ctx.root) if n.type == type_ and (text is None or ctx.text(n) == text)]


def idents(ctx: FileContext, name: str) -> list:
    return nodes(ctx, "identifier", name)


def decl_line(ctx: FileContext, ident) -> int | None:
    b = binding(ctx, ident)
    return None if b is None else b.ident.start_point.row + 1


# --- scope -------------------------------------------------------------------------------------------

SHADOW = """
    package p

    var g int

    func f(x int, ctx C) (err error) {
    	y := x
    	if x := y + 1; x > 0 {
    		_ = x
    	}
    	for i, v := range []int{x} {
    		x := v + i
    		_ = x
    	}
    	a, err := h()
    	ctx, cancel := w(ctx)
    	switch t := any(a).(type) {
    	case int:
    		_ = t
    	}
    	select {
    	case m := <-ch:
    		_ = m
    	}
    	func() { _ = x; _ = g }()
    	return cancel, err
    }
"""


def test_binding_follows_go_scopes():
    ctx = ctx_of(SHADOW)
    xs = idents(ctx, "x")
    # line: 5 param, 6 use, 7 if-init decl (rhs y), 8 use inner, 10 range `[]int{x}` is the param,
    # 11 loop-body decl `x := v + i`, 12 use of it, 23 literal use of the param
    assert [(n.start_point.row + 1, decl_line(ctx, n)) for n in xs] == [
        (5, 5), (6, 5), (7, 7), (7, 7), (8, 7), (10, 5), (11, 11), (12, 11), (24, 5)]
    assert binding(ctx, idents(ctx, "g")[-1]) is None  # package level
    assert binding(ctx, xs[0]).kind == "param"


def test_short_redeclaration_reuses_params_and_results_of_the_same_block():
    ctx = ctx_of(SHADOW)
    errs = idents(ctx, "err")
    assert {decl_line(ctx, e) for e in errs} == {5}
    assert binding(ctx, errs[0]).kind == "result"
    ctxs = idents(ctx, "ctx")
    assert {decl_line(ctx, c) for c in ctxs} == {5}  # `ctx, cancel := w(ctx)` at top level reuses the parameter
    assert binding(ctx, idents(ctx, "cancel")[0]).kind == "var"


def test_range_typeswitch_and_receive_declarations():
    ctx = ctx_of(SHADOW)
    assert {binding(ctx, n).kind for n in idents(ctx, "v")} == {"range"}
    assert [binding(ctx, n).kind for n in idents(ctx, "t")] == ["typeswitch", "typeswitch"]
    assert [binding(ctx, n).kind for n in idents(ctx, "m")] == ["recv", "recv"]


def test_inner_block_declaration_shadows():
    ctx = ctx_of("""
        package p

        func f() {
        	err := a()
        	if true {
        		v, err := b()
        		_, _ = v, err
        	}
        	_ = err
        }
    """)
    errs = idents(ctx, "err")
    assert [decl_line(ctx, e) for e in errs] == [4, 6, 6, 4]
    assert [n.start_point.row + 1 for n in references(ctx, errs[0])] == [4, 9]


def test_shadowed_and_fresh_name():
    ctx = ctx_of("""
        package p

        func len(x int) int { return x }

        func f(cap int) {
        	timer := 1
        	_ = timer
        	use(cap)
        }
    """)
    use = nodes(ctx, "call_expression", "use(cap)")[0]
    assert shadowed(ctx, "cap", use)
    assert shadowed(ctx, "len", use)  # a top-level declaration of the package
    assert not shadowed(ctx, "print", use, package=False)
    assert declared_at(ctx, "timer", use) is not None
    assert fresh_name(ctx, use, "timer") == "timer2"
    assert fresh_name(ctx, use, "ticker") == "ticker"


# --- shapes ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stmt", "op", "lhs"),
    [
        ("resp, err := c.Do(r)", ":=", ["resp", "err"]),
        ("resp, err = (c.Do(r))", "=", ["resp", "err"]),
        ("var resp, err = c.Do(r)", "var", ["resp", "err"]),
        ("x += c.Do(r)", "+=", ["x"]),
    ],
)
def test_assignment_of(stmt, op, lhs):
    ctx = ctx_of(f"package p\n\nfunc f() {{\n\t{stmt}\n}}\n")
    call = nodes(ctx, "call_expression", "c.Do(r)")[0]
    a = assignment_of(ctx, call)
    assert a is not None and a.op == op and [ctx.text(n) for n in a.lhs] == lhs
    assert a.in_statement_list and a.function.type == "function_declaration"


def test_assignment_of_refuses_nested_calls():
    ctx = ctx_of("package p\n\nfunc f() {\n\tx := g(c.Do(r))\n\tfor v := range c.Do(r) {}\n}\n")
    assert [assignment_of(ctx, c) for c in nodes(ctx, "call_expression", "c.Do(r)")] == [None, None]


@pytest.mark.parametrize(
    ("check", "kind"),
    [
        ("if err != nil {\n\t\treturn\n\t}", "if"),
        ("if nil != err {\n\t\tpanic(err)\n\t}", "if"),
        ("require.NoError(t, err)", "require"),
        ("s.Require().NoError(err)", "require"),
        ("if !assert.NoError(t, err) {\n\t\treturn\n\t}", "assert-if"),
        ("assert.NoError(t, err)", None),
        ("if other != nil {\n\t\treturn\n\t}", None),
    ],
)
def test_error_check_after(check, kind):
    ctx = ctx_of(f"""package p

import (
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func f() {{
	resp, err := get()
	{check}
}}
""")
    stmt = nodes(ctx, "short_var_declaration")[0]
    found = error_check_after(ctx, stmt)
    assert (found.kind if found else None) == kind


# --- flow --------------------------------------------------------------------------------------------


def _missing(src: str, name: str = "cancel") -> list[int]:
    ctx = ctx_of(src)
    stmt = next(n for n in nodes(ctx, "short_var_declaration") if name in ctx.text(n))
    found = paths_missing(ctx, stmt, lambda call: ctx.text(call.child_by_field_name("function")) == name)
    return [(e.line, e.kind) for e in found]


def test_paths_missing_finds_the_early_return():
    assert _missing("""
        package p

        func f(c C) error {
        	ctx, cancel := w(c)
        	if bad() {
        		return nil
        	}
        	if worse() {
        		panic("no")
        	}
        	defer cancel()
        	return use(ctx)
        }
    """) == [(6, "return")]


def test_paths_missing_none_when_every_path_calls():
    assert _missing("""
        package p

        func f(c C) error {
        	ctx, cancel := w(c)
        	if bad() {
        		cancel()
        		return nil
        	}
        	switch {
        	case a:
        		cancel()
        	default:
        		defer func() { cancel() }()
        	}
        	return use(ctx)
        }
    """) == []


def test_paths_missing_falls_off_the_end_and_follows_loops():
    assert _missing("""
        package p

        func f(c C) {
        	for i := 0; i < 3; i++ {
        		if i == 1 {
        			return
        		}
        		ctx, cancel := w(c)
        		if bad(ctx) {
        			continue
        		}
        		cancel()
        	}
        }
    """) == [(6, "return"), (14, "end")]


def test_paths_missing_labelled_break_and_select():
    assert _missing("""
        package p

        func f(c C) {
        	ctx, cancel := w(c)
        L:
        	for {
        		select {
        		case <-ctx.Done():
        			break L
        		case <-tick:
        			cancel()
        			return
        		}
        	}
        	log(ctx)
        }
    """) == [(16, "end")]


@pytest.mark.parametrize("imports, decl, call, stops", [
    ('"go.uber.org/zap"', "var lg *zap.Logger", 'lg.Panic("x")', True),
    ('"go.uber.org/zap"', "var lg *zap.Logger", 'lg.DPanic("x")', False),  # panics in development only
    ('"go.uber.org/zap"', "var lg *zap.Logger", 'lg.Info("x")', False),
    ('zl "go.uber.org/zap"', "var lg *zl.SugaredLogger", 'lg.Panicw("x", "k", 1)', True),
    ('"go.uber.org/zap"', "var lg *zap.SugaredLogger", 'lg.Fatalw("x")', True),
    ('"log"', "var lg *log.Logger", 'lg.Panicf("%d", 1)', True),
    ('"github.com/sirupsen/logrus"', "var lg *logrus.Entry", 'lg.Panicln("x")', True),
    ('"fmt"', "type rec struct{}\nfunc (rec) Panic(string) {}\nvar lg rec", 'lg.Panic("x")', False),
    ('"fmt"', "type panicker interface{ Panic(string) }\nvar lg panicker", 'lg.Panic("x")', False),
    ('"fmt"', "", 'lg.Panic("x")', False),  # lg undeclared: unknown stays unknown
    ('"fmt"', "", 'panic("x")', True),
])
def test_never_returns_call_by_the_receivers_type(imports, decl, call, stops):
    ctx = ctx_of(f"""
        package p

        import {imports}

        {decl}

        func f() {{
        	{call}
        }}
    """.replace("\\n", "\n        "))
    stmt = nodes(ctx, "expression_statement")[-1]
    assert never_returns_call(ctx, stmt.named_children[0]) is stops
    assert terminates(ctx, stmt) is stops


def test_paths_missing_a_zap_panic_is_not_an_exit():
    src = """
        package p

        import "go.uber.org/zap"

        type rec struct{}

        func (rec) Panic(string) {}

        func f(c C, lg LOGGER) {
        	ctx, cancel := w(c)
        	use(ctx)
        	lg.Panic("no cancel")
        }
    """
    assert _missing(src.replace("LOGGER", "*zap.Logger")) == []  # the path ends in a panic
    assert _missing(src.replace("LOGGER", "rec")) == [(13, "end")]  # an own Panic returns


def test_never_returns_and_loop_exits():
    ctx = ctx_of("""
        package p

        func serve() {
        	for {
        		work()
        	}
        }

        func poll(done chan int) {
        L:
        	for {
        		select {
        		case <-done:
        			break L
        		default:
        		}
        	}
        }
    """)
    serve, poll = nodes(ctx, "function_declaration")
    assert never_returns(ctx, serve) and not never_returns(ctx, poll)
    loops = nodes(ctx, "for_statement")
    assert loop_exits(loops[0]) == [] and [ctx.text(n) for n in loop_exits(loops[1])] == ["break L"]


def test_exits_between():
    ctx = ctx_of("""
        package p

        func f() {
        	a()
        	for i := range xs {
        		if i > 0 {
        			break
        		}
        	}
        	if bad {
        		t.Fatal("x")
        	}
        	if worse {
        		return
        	}
        	b()
        }
    """)
    a, b = nodes(ctx, "call_expression", "a()")[0], nodes(ctx, "call_expression", "b()")[0]
    assert [ctx.text(n) for n in exits_between(a, b)] == ['t.Fatal("x")', "return"]


def test_runs_at_most_once():
    ctx = ctx_of("""
        package p

        func f() {
        	done := false
        	for range xs {
        		if !done {
        			done = true
        			defer a()
        		}
        		defer b()
        	}
        }
    """)
    da, db = nodes(ctx, "defer_statement")
    assert runs_at_most_once(ctx, da) and not runs_at_most_once(ctx, db)


# --- lifetime ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("use", "reason"),
    [
        ("fmt.Println(v)", None),
        ("log.Printf(\"%v\", v)", None),
        ("v.Close()", None),
        ("_ = v", None),
        ("return v", "returned"),
        ("s.f = v", "assigned"),
        ("keep(v)", "passed to a call"),
        ("ch <- v", "sent"),
        ("go func() { v.Close() }()", "go statement"),
        ("register(func() { v.Close() })", "function literal that is passed"),
        ("x := []T{v}", "stored"),
    ],
)
def test_escape(use, reason):
    ctx = ctx_of(f"""package p

import (
	"fmt"
	"log"
)

func f() T {{
	v := open()
	{use}
	return nil
}}
""")
    stmt = nodes(ctx, "short_var_declaration")[0]
    v = stmt.child_by_field_name("left").named_children[0]
    got = escape(ctx, v, after=stmt)
    assert (got is None) if reason is None else (got is not None and reason in got), got


def test_escape_ignores_a_shadowing_variable():
    ctx = ctx_of("""
        package p

        func f() T {
        	v := open()
        	if ok {
        		v := other()
        		return v
        	}
        	return nil
        }
    """)
    stmt = nodes(ctx, "short_var_declaration")[0]
    assert escape(ctx, stmt.child_by_field_name("left").named_children[0], after=stmt) is None
