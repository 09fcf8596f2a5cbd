"""Engine services: syntax facts, imports, edits, go.mod, suppression."""

from __future__ import annotations

from pathlib import Path

import pytest

from gofix import engine
from gofix import syntax as S
from gofix.context import FileContext, use_kind
from gofix.edits import apply_edits, ensure_import, insert_after_statement, remove_import, select_compatible
from gofix.gomod import GoModError, module_for_dir, parse_version
from gofix.model import Edit, Fix
from helpers import dedent, module


def ctx_of(src: str) -> FileContext:
    b = dedent(src)
    return FileContext("x.go", b, S.parse(b), module())


def first(ctx: FileContext, type_: str, text: str | None = None):
    for n in S.walk(ctx.root):
        if n.type == type_ and (text is None or ctx.text(n) == text):
            return n
    raise AssertionError(f"no {type_} {text!r}")


# --- terminating statements and loop exits ----------------------------------------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("return", True),
        ('panic("x")', True),
        ("for {}", True),
        ("for { break }", False),
        ("for x := range c { _ = x }", False),
        ("if a { return } else { return }", True),
        ("if a { return }", False),
        ("switch { case a: return; default: return }", True),
        ("switch { case a: return }", False),
        ("select { case <-c: return }", True),
        ("select { case <-c: break }", False),
        ("L: for { break L }", False),
        ("L: for { for { break L } }", False),
        ("for { for { break } }", True),
        ('log.Fatal("x")', False),
    ],
)
def test_is_terminating(body, expected):
    ctx = ctx_of(f"package p\n\nfunc f(a bool, c chan int) {{\n\t{body}\n}}\n")
    fn = first(ctx, "function_declaration")
    stmts = S.statements(fn.child_by_field_name("body"))
    assert S.is_terminating(stmts[-1]) is expected


def test_lenient_terminating_includes_fatal_calls():
    ctx = ctx_of('package p\n\nfunc f(t T) {\n\tif x {\n\t\tt.Fatalf("no")\n\t}\n\tlog.Fatal("x")\n}\n')
    fn = first(ctx, "function_declaration")
    stmts = S.statements(fn.child_by_field_name("body"))
    assert S.is_terminating(stmts[-1], lenient=True)
    assert not S.is_terminating(stmts[-1])


def test_exits_leaving_ignores_inner_loops_and_literals():
    ctx = ctx_of("""
        package p

        func f(xs []int) {
        	for _, x := range xs {
        		for i := 0; i < x; i++ {
        			break
        		}
        		func() {
        			return
        		}()
        		switch x {
        		case 1:
        			break
        		}
        		if x > 3 {
        			continue
        		}
        	}
        }
    """)
    loop = first(ctx, "for_statement")
    body = loop.child_by_field_name("body")
    exits = S.exits_leaving(S.statements(body), body)
    assert [ctx.text(e) for e in exits] == ["continue"]


# --- imports and shadowing -------------------------------------------------------------------


def test_import_resolution_with_alias_and_shadowing():
    ctx = ctx_of("""
        package p

        import (
        	stdtime "time"
        	"github.com/segmentio/kafka-go"
        )

        func f() {
        	stdtime.Sleep(1)
        	kafka.NewWriter(nil)
        }

        func g(stdtime clock) {
        	stdtime.Sleep(1)
        }
    """)
    assert ctx.imports == {"stdtime": "time", "kafka": "github.com/segmentio/kafka-go"}
    calls = [n for n in S.walk(ctx.root) if n.type == "call_expression"]
    assert ctx.is_pkg_call(calls[0], "time", "Sleep")
    assert ctx.is_pkg_call(calls[1], "github.com/segmentio/kafka-go", "NewWriter")
    assert not ctx.is_pkg_call(calls[2], "time", "Sleep"), "a parameter shadows the import"


def test_fresh_name_avoids_every_name_in_the_function():
    ctx = ctx_of("""
        package p

        var timer2 = 1

        func f(timer int) {
        	cancel := timer
        	_ = cancel
        }
    """)
    call = first(ctx, "identifier", "cancel")
    assert ctx.fresh_name(call, "cancel") == "cancel2"
    assert ctx.fresh_name(call, "timer") == "timer3"
    assert ctx.fresh_name(call, "ticker") == "ticker"


@pytest.mark.parametrize(
    ("stmt", "kind"),
    [
        ("return x", "returned"),
        ("y := x", "assigned"),
        ("x = nil", "target"),
        ("ch <- x", "sent"),
        ("use(x)", "passed"),
        ("_ = T{f: x}", "stored"),
        ("_ = &x", "address"),
        ("x.Close()", "member"),
        ("_ = x == nil", "use"),
    ],
)
def test_use_kind(stmt, kind):
    ctx = ctx_of(f"package p\n\nfunc f(x *T, ch chan *T) *T {{\n\t{stmt}\n\treturn nil\n}}\n")
    fn = first(ctx, "function_declaration")
    uses = [u for u in ctx.uses(fn, "x") if use_kind(u) != "declared"]
    assert use_kind(uses[0]) == kind


# --- edits ----------------------------------------------------------------------------------------


def test_ensure_import_sorted_in_group_and_from_single():
    ctx = ctx_of('package p\n\nimport (\n\t"fmt"\n\t"time"\n\n\t"example.com/x"\n)\n')
    name, edit = ensure_import(ctx, "context")
    assert name == "context"
    out = apply_edits(ctx.src, [edit]).decode()
    assert out == 'package p\n\nimport (\n\t"context"\n\t"fmt"\n\t"time"\n\n\t"example.com/x"\n)\n'
    ctx = ctx_of('package p\n\nimport "time"\n')
    _, edit = ensure_import(ctx, "context")
    assert apply_edits(ctx.src, [edit]).decode() == 'package p\n\nimport (\n\t"context"\n\t"time"\n)\n'
    ctx = ctx_of('package p\n\nimport "context"\n')
    assert ensure_import(ctx, "context") == ("context", None)


def test_remove_import():
    ctx = ctx_of('package p\n\nimport (\n\t"context"\n\t"time"\n)\n')
    out = apply_edits(ctx.src, [remove_import(ctx, "time")]).decode()
    assert out == 'package p\n\nimport (\n\t"context"\n)\n'


def test_insert_after_statement_keeps_trailing_comment_and_refuses_one_liners():
    ctx = ctx_of("package p\n\nfunc f() {\n\tx := 1 // note\n\tif x > 0 { g() }\n}\n")
    stmt = first(ctx, "short_var_declaration")
    out = apply_edits(ctx.src, [insert_after_statement(ctx, stmt, ["defer g()"])]).decode()
    assert "\tx := 1 // note\n\tdefer g()\n" in out
    call = first(ctx, "expression_statement")  # g() inside the one-line if
    assert insert_after_statement(ctx, call, ["h()"]) is None


def test_select_compatible_defers_overlaps_and_shared_scopes():
    a = Fix("a", (Edit(0, 2, b"x"),))
    b = Fix("b", (Edit(1, 3, b"y"),))
    c = Fix("c", (Edit(5, 5, b"z"),), scope=(0, 100))
    d = Fix("d", (Edit(50, 50, b"w"),), scope=(40, 60))
    e = Fix("e", (Edit(5, 5, b"v"),))
    accepted, deferred = select_compatible([a, b, c, d, e])
    assert accepted == [a, c] and deferred == [b, d, e]


def test_apply_edits_rejects_overlaps():
    with pytest.raises(ValueError):
        apply_edits(b"abcdef", [Edit(0, 3, b""), Edit(2, 4, b"")])


# --- go.mod -------------------------------------------------------------------------------------------


def test_go_mod_version_godebug_and_errors(tmp_path):
    (tmp_path / "go.mod").write_text("module example.com/m\n\ngo 1.23.2\n\ngodebug (\n\tasynctimerchan=1\n)\n")
    info = module_for_dir(str(tmp_path))
    assert info.go_version == (1, 23) and info.async_timers and not info.timers_collected
    sub = tmp_path / "a" / "b"
    sub.mkdir(parents=True)
    (sub / "go.mod").write_text("module example.com/n\n\ngo 1.27\n")
    assert module_for_dir(str(sub)).timers_collected
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "go.mod").write_text("module example.com/b\n\ngo one.two\n")
    with pytest.raises(GoModError, match="go.mod"):
        module_for_dir(str(bad))
    assert parse_version("go1.22.3") == (1, 22)


# --- suppression ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "above", "suppressed"),
    [
        ("x //gofix:ignore", "", True),
        ("x //gofix:ignore lost-cancel", "", True),
        ("x //gofix:ignore unclosed-body", "", False),
        ("x", "//gofix:ignore lost-cancel,unclosed-body", True),
        ("x //nolint", "", True),
        ("x //nolint:gofix", "", True),
        ("x //nolint:lostcancel", "", True),
        ("x //nolint:errcheck", "", False),
        ("x", "y //gofix:ignore", False),  # a trailing comment on the line above is someone else's
    ],
)
def test_suppression(line, above, suppressed):
    from codemods import lost_cancel

    ctx = ctx_of(f"package p\n\nfunc f() {{\n\t{above}\n\t{line}\n}}\n".replace("\tx", "\tx()").replace("\ty ", "\ty() "))
    call = first(ctx, "call_expression", "x()")
    ctx.nolint = {lost_cancel.ID: lost_cancel.RULE.nolint}  # as the engine fills it
    assert ctx.suppressed(lost_cancel.ID, call) is suppressed


def test_ranged_over_value_is_a_use_not_a_declaration():
    from gofix.context import is_declaration

    ctx = ctx_of("package p\n\nfunc f(ch chan int) {\n\tfor v := range ch {\n\t\t_ = v\n\t}\n}\n")
    fn = first(ctx, "function_declaration")
    rng = [u for u in ctx.uses(fn, "ch") if u.parent.type == "range_clause"][0]
    assert not is_declaration(rng) and use_kind(rng) == "use"
    v = ctx.uses(fn, "v")[0]
    assert is_declaration(v)


def _prefilter_corpus():
    from helpers import GOLDEN, ROOT

    files = sorted(GOLDEN.rglob("*.go")) + sorted((ROOT / "examples").rglob("*.go"))
    import shutil
    import subprocess

    go = shutil.which("go")
    if go is not None:  # a slice of real code: every 20th file of a few busy std packages
        goroot = subprocess.run([go, "env", "GOROOT"], capture_output=True, text=True).stdout.strip()
        for pkg in ("net/http", "database/sql", "context", "os/exec", "net"):
            d = Path(goroot) / "src" / pkg
            files += sorted(d.glob("*.go"))[::20] if d.is_dir() else []
    return files


def test_prefilters_are_necessary_conditions():
    """A rule's prefilter (triggers + requires) may skip a file only if the rule, run on it
    anyway, finds nothing: over goldens, examples and a slice of the standard library."""
    from codemods import RULES

    opts = engine.Options()
    for path in _prefilter_corpus():
        src = path.read_bytes()
        tree = S.parse(src)
        if S.first_syntax_error(tree) is not None:
            continue
        ctx = FileContext(str(path), src, tree, module())
        for rule in RULES:
            if rule.prefilter(src, opts):
                continue
            found = rule.find(ctx)
            assert not found, f"{path.name}: {rule.id} finds {found[0].message!r} but its prefilter skips the file"


@pytest.mark.parametrize(
    ("text", "hit"),
    [(b"go func() {", True), (b"\tgo (func() {})()", True), (b"go  func(x int) {", True),
     (b"go\tfunc(", True), (b"gofunc(", False), (b"ago func(", False), (b"go worker(ch)", False)],
)
def test_go_func_literal_prefilter(text, hit):
    from gofix.rules import GO_FUNC_LITERAL

    assert (GO_FUNC_LITERAL.search(text) is not None) is hit


_DEBUG_MAIN = """{before}package main

{after}import (
	"fmt"
	"time"
)

func main() {{
	fmt.Println(cap(time.NewTimer(time.Millisecond).C))
}}
"""


@pytest.mark.parametrize("placement", ["before", "after"])
def test_go_debug_directive_counts_only_before_the_package_clause(tmp_path, placement):
    """Go honours `//go:debug asynctimerchan=1` only above `package main` (checked with the
    real toolchain when present: the timer channel's capacity is 1 with async timers)."""
    import os
    import shutil
    import subprocess

    (tmp_path / "go.mod").write_text("module example.com/gd\n\ngo 1.23\n")
    directive = "//go:debug asynctimerchan=1\n\n"
    src = _DEBUG_MAIN.format(before=directive if placement == "before" else "",
                             after=directive if placement == "after" else "")
    (tmp_path / "main.go").write_text(src)
    engine.clear_module_caches()
    info = engine.module_info(tmp_path / "main.go", engine.Options())
    assert info.timers_collected is (placement == "after")
    go = shutil.which("go")
    if go is not None:
        env = dict(os.environ, GOTOOLCHAIN="local", GOPROXY="off", GOFLAGS="-mod=mod")
        out = subprocess.run([go, "run", "."], cwd=tmp_path, capture_output=True, text=True, env=env)
        assert out.returncode == 0, out.stderr
        assert out.stdout.strip() == ("1" if placement == "before" else "0")


def test_every_rule_query_compiles():
    """Queries are compiled lazily; compile them all here so a typo fails the tests."""
    import importlib
    import pkgutil

    import codemods

    for info in pkgutil.iter_modules(codemods.__path__):
        mod = importlib.import_module(f"codemods.{info.name}")
        for value in vars(mod).values():
            if isinstance(value, S.LazyQuery):
                assert value.query is not None


def test_suppression_lines_are_counted_like_tree_sitter_rows():
    """A U+2028 or form feed inside a string must not shift which line a comment is on."""
    src = ('package p\n\nimport (\n\t"context"\n\t"time"\n)\n\nvar s = "a\u2028b\fc"\n\n'
           'func f(parent context.Context) error {\n'
           '\tctx, _ := context.WithTimeout(parent, time.Second) //gofix:ignore\n'
           '\treturn ctx.Err()\n}\n').encode()
    result, _ = engine.analyze("x.go", src, module(), engine.Options(select=frozenset({"lost-cancel"})))
    assert result.findings == []


def test_discovery_of_a_very_deep_tree(tmp_path):
    """Deeper than Python's recursion limit: the walk must not recurse per directory."""
    import errno
    import sys

    levels = [tmp_path]
    deep = None
    try:
        try:
            for _ in range(sys.getrecursionlimit() + 50):
                levels.append(levels[-1] / "d")
                levels[-1].mkdir()  # one level at a time: mkdir(parents=True) itself recurses
        except OSError as e:
            if e.errno == errno.ENAMETOOLONG:
                pytest.skip(f"this system's paths cannot be {len(str(levels[-1]))} bytes long")
            raise
        deep = levels[-1] / "deep.go"
        deep.write_text("package deep\n")
        (tmp_path / "top.go").write_text("package top\n")
        found = [t.path for t in engine.discover([tmp_path]) if isinstance(t, engine.Target)]
        assert [p.name for p in found] == ["top.go", "deep.go"]
    finally:  # shutil.rmtree (pytest's clean-up of old tmp dirs) recurses too
        if deep is not None:
            deep.unlink()
        for d in reversed(levels[1:]):
            if d.exists():
                d.rmdir()
