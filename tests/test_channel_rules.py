"""forgotten-sender, unclosed-range-channel and wg-add-in-goroutine, and their helpers.

The golden cases hold the realistic shapes; these tests pin single decisions: each guard
of a rule is shown to matter (a positive that one change turns into a negative), the
capacity arithmetic, the scope resolver, the gofmt one-line model against the real gofmt,
and the defer ordering of the unclosed-range-channel fix against a real Go run.
"""

from __future__ import annotations

import os
import re
import subprocess
import textwrap

import pytest

from codemods import _channels as C
from codemods import forgotten_sender, unclosed_range_channel, wg_add_in_goroutine
from gofix import syntax as S
from gofix.context import FileContext
from gofix.model import Applicability
from helpers import GOLDEN, assert_codemod, dedent, module, run_check, run_fix

FS, URC, WG = "forgotten-sender", "unclosed-range-channel", "wg-add-in-goroutine"


def _ctx(src: bytes, go: str = "1.22") -> FileContext:
    return FileContext("x.go", src, S.parse(src), module(go))


def _only(rule: str, src: str, go: str = "1.22"):
    result = run_check(dedent(src), rule, go=go)
    assert len(result.findings) == 1, [f.message for f in result.findings]
    return result.findings[0]


def _none(rule: str, src: str) -> None:
    result = run_check(dedent(src), rule)
    assert result.findings == [], [f.message for f in result.findings]


# --- the scope resolver -------------------------------------------------------------------------


def _idents(ctx: FileContext, name: str) -> list:
    return [n for n in S.walk(ctx.root) if n.type == "identifier" and ctx.text(n) == name]


def test_binding_follows_block_scopes_and_shadowing():
    ctx = _ctx(dedent("""
        package p
        func f(x int) int {
        	a := x
        	if x := a + 1; x > 0 {
        		return x
        	}
        	{
        		x := 2
        		_ = x
        	}
        	go func(x int) { _ = x }(x)
        	return x
        }
    """))
    xs = _idents(ctx, "x")
    param = xs[0]
    decl_of = {i: C.binding(ctx, u) for i, u in enumerate(xs)}
    # a := x -> param; `if x := a + 1` declares; x > 0 and return x -> the if's x
    assert decl_of[1].id == param.id
    assert decl_of[2].id == xs[2].id and decl_of[3].id == xs[2].id and decl_of[4].id == xs[2].id
    # the bare block's x
    assert decl_of[6].id == xs[5].id
    # the literal's parameter inside, the outer parameter as the go argument and after
    assert decl_of[8].id == xs[7].id
    assert decl_of[9].id == param.id and decl_of[10].id == param.id


def test_binding_treats_a_redeclaring_short_var_as_assignment():
    ctx = _ctx(dedent("""
        package p
        func f() (int, error) {
        	a, err := g()
        	b, err := g()
        	return a + b, err
        }
        func g() (int, error) { return 0, nil }
    """))
    errs = _idents(ctx, "err")
    assert all(C.binding(ctx, e).id == errs[0].id for e in errs)


def test_binding_of_a_range_operand_is_not_a_declaration():
    ctx = _ctx(dedent("""
        package p
        func f() {
        	ch := make(chan int)
        	for v := range ch {
        		_ = v
        	}
        }
    """))
    chs = _idents(ctx, "ch")
    assert C.binding(ctx, chs[1]).id == chs[0].id


# --- forgotten-sender ---------------------------------------------------------------------------

SERVE = textwrap.dedent("""
    package p

    import "context"

    func run(ctx context.Context, work func() error) error {
    	errc := make(chan error)
    	go func() {
    		errc <- work()
    	}()
    	select {
    	case err := <-errc:
    		return err
    	case <-ctx.Done():
    		return ctx.Err()
    	}
    }
""").lstrip("\n")


def test_forgotten_sender_basic_rewrite():
    assert_codemod(FS, SERVE, SERVE.replace("make(chan error)", "make(chan error, 1)"), findings=1)


def test_forgotten_sender_finding_points_at_make():
    f = _only(FS, SERVE)
    assert (f.start.line, f.start.column) == (6, 10)
    assert f.fix is not None and f.fix.applicability == Applicability.SAFE


@pytest.mark.parametrize(
    ("old", "new", "why"),
    [
        ("make(chan error)", "make(chan error, 1)", "buffered"),
        ("return err\n", "return err\n\tcase <-make(chan int, cap(errc)):\n\t\treturn nil\n", "cap used"),
        ("return ctx.Err()", "close(errc)\n\t\treturn ctx.Err()", "closed"),
        ("return ctx.Err()", "go func() { <-errc }()\n\t\treturn ctx.Err()", "received outside a select"),
        ("\t\terrc <- work()\n", "\t\tfor range 2 {\n\t\t\terrc <- work()\n\t\t}\n", "send in a loop"),
        ("\tgo func() {\n\t\terrc <- work()\n\t}()\n",
         "\tfor range 2 {\n\t\tgo func() {\n\t\t\terrc <- work()\n\t\t}()\n\t}\n", "goroutine in a loop"),
        ("\tgo func() {\n", "\tgo func() { errc <- nil }()\n\tgo func() {\n", "two goroutines"),
        ("\t\treturn ctx.Err()\n\t}\n", "\t\treturn ctx.Err()\n\t}\n\treturn <-errc\n", "plain receive later"),
        ("case <-ctx.Done():\n\t\treturn ctx.Err()\n", "", "no other case"),
        ("\tselect {", "\tsink(errc)\n\tselect {", "passed to a call"),
        ("\t\terrc <- work()\n", "\t\tfunc() { errc <- work() }()\n", "send in a nested literal"),
    ],
)
def test_forgotten_sender_each_guard_matters(old, new, why):
    src = SERVE + "\nfunc sink(chan error) {}\n"
    assert old in src, why
    _none(FS, src.replace(old, new))


def test_forgotten_sender_select_in_loop_needs_an_exit_in_the_other_case():
    looped = """
        package p

        import "time"

        func wait(tick <-chan time.Time, work func() error) error {
        	errc := make(chan error)
        	go func() { errc <- work() }()
        	for {
        		select {
        		case err := <-errc:
        			return err
        		case <-tick:
        			BODY
        		}
        	}
        }
    """
    _none(FS, looped.replace("BODY", "continue"))
    _none(FS, looped.replace("BODY", "break"))  # leaves the select, not the loop
    assert _only(FS, looped.replace("BODY", "return nil")).fix is not None


def _capacity(body: str) -> int:
    src = f"""
        package p

        import "context"

        func f(ctx context.Context, a, b bool) {{
        	ch := make(chan int)
        	go func() {{
        {textwrap.indent(textwrap.dedent(body), "        		")}
        	}}()
        	select {{
        	case <-ch:
        	case <-ctx.Done():
        	}}
        }}
    """
    f = _only(FS, src)
    return int(re.search(r"buffer of (\d+)", f.message).group(1))


@pytest.mark.parametrize(
    ("body", "n"),
    [
        ("ch <- 1", 1),
        ("ch <- 1\nch <- 2", 2),
        ("if a {\n\tch <- 1\n\treturn\n}\nch <- 2", 1),
        ("if a {\n\tch <- 1\n}\nch <- 2", 2),
        ("if a {\n\tch <- 1\n} else if b {\n\tch <- 2\n} else {\n\tch <- 3\n}", 1),
        ("switch {\ncase a:\n\tch <- 1\ncase b:\n\tch <- 2\n\tch <- 3\n}", 2),
        ("switch {\ncase a:\n\tif b {\n\t\tbreak\n\t}\n\tch <- 1\n\treturn\n}\nch <- 2", 1),
        ("switch {\ncase a:\n\tch <- 1\n\tif b {\n\t\tbreak\n\t}\n\treturn\n}\nch <- 2", 2),
        ("switch {\ncase a:\n\tch <- 1\n\tfallthrough\ncase b:\n\tch <- 2\n}", 2),
        ("if a {\n\tpanic(1)\n}\nch <- 1", 1),
        ("select {\ncase ch <- 1:\ncase <-ctx.Done():\n\tch <- 2\n}", 1),
    ],
)
def test_forgotten_sender_capacity_counts_one_run(body, n):
    assert _capacity(body) == n


@pytest.mark.parametrize(
    ("body", "safe"),
    [
        ("ch <- 1", True),
        ("ch <- 1\nreturn", True),
        ("if a {\n\tch <- 1\n\treturn\n}\nch <- 2", True),
        ("{\n\tch <- 1\n}", True),
        ("ch <- 1\nprintln()", False),
        ("if a {\n\tch <- 1\n}\nprintln()", False),
        ("select {\ncase ch <- 1:\ncase <-time.After(1):\n}", False),
        ("defer println()\nch <- 1", False),
        ("var mu sync.Mutex\nmu.Lock()\ndefer mu.Unlock()\nch <- 1", True),
        ("var mu sync.Mutex\ndefer mu.Unlock()\nch <- 1", False),
        ("t := time.NewTimer(1)\ndefer t.Stop()\nch <- 1", True),
        ("_, cancel := context.WithCancel(ctx)\ndefer cancel()\nch <- 1", True),
        ("runtime.LockOSThread()\ndefer runtime.UnlockOSThread()\nch <- 1", True),
        ("acquireSlot()\ndefer releaseSlot()\nch <- 1", True),
        ("defer releaseSlot()\nch <- 1", False),  # released what the caller took
        ("defer releaseSlot()\nacquireSlot()\nch <- 1", False),
    ],
)
def test_forgotten_sender_fix_is_safe_only_for_tail_sends_and_own_defers(body, safe):
    src = f"""
        package p

        import (
        	"context"
        	"runtime"
        	"sync"
        	"time"
        )

        var _ sync.Mutex
        var _ time.Timer
        var _ = runtime.GOOS

        func acquireSlot() {{}}
        func releaseSlot() {{}}

        func f(ctx context.Context, a bool) {{
        	ch := make(chan int)
        	go func() {{
        {textwrap.indent(textwrap.dedent(body), "        		")}
        	}}()
        	select {{
        	case <-ch:
        	case <-ctx.Done():
        	}}
        }}
    """
    f = _only(FS, src)
    assert f.fix is not None
    assert (f.fix.applicability == Applicability.SAFE) is safe


@pytest.mark.parametrize(
    ("sender_case", "found"),
    [
        ("case <-ctx.Done():", False),  # the receiver's ctx.Done() releases the sender too
        ("default:", False),  # never blocks
        ("case <-stop:", True),  # nothing says stop is closed when ctx is done
        ("case <-time.After(time.Second):", True),  # a new timer: not the receiver's event
    ],
)
def test_forgotten_sender_select_send_released_by_the_same_event(sender_case, found):
    src = f"""
        package p

        import (
        	"context"
        	"time"
        )

        func f(ctx context.Context, stop chan struct{{}}, v int) int {{
        	ch := make(chan int)
        	go func() {{
        		select {{
        		case ch <- v:
        		{sender_case}
        		}}
        	}}()
        	select {{
        	case r := <-ch:
        		return r
        	case <-ctx.Done():
        		return 0
        	}}
        }}
    """
    if found:
        assert _only(FS, src).fix.applicability == Applicability.UNSAFE
    else:
        _none(FS, src)


def test_forgotten_sender_outer_cancel_is_not_own_state():
    src = SERVE.replace("func run(ctx context.Context, work func() error) error {\n",
                        "func run(parent context.Context, work func() error) error {\n"
                        "\tctx, cancel := context.WithCancel(parent)\n\tdefer cancel()\n")
    src = src.replace("\t\terrc <- work()\n", "\t\tdefer cancel()\n\t\terrc <- work()\n")
    assert _only(FS, src).fix.applicability == Applicability.UNSAFE


def test_forgotten_sender_shadowed_make_is_not_the_builtin():
    src = SERVE.replace("errc := make(chan error)", "make := func(any) chan error { return nil }\n\terrc := make(chan error)")
    _none(FS, src)


# --- unclosed-range-channel ---------------------------------------------------------------------

PIPELINE = textwrap.dedent("""
    package p

    func sum(nums []int) int {
    	out := make(chan int)
    	go func() {
    		for _, n := range nums {
    			out <- n
    		}
    	}()
    	total := 0
    	for v := range out {
    		total += v
    	}
    	return total
    }
""").lstrip("\n")


def test_range_channel_basic_rewrite():
    after = PIPELINE.replace("\tgo func() {\n", "\tgo func() {\n\t\tdefer close(out)\n")
    result = assert_codemod(URC, PIPELINE, after, findings=1)
    f = result.findings[0]
    assert (f.start.line, f.start.column) == (5, 2)  # the go statement


@pytest.mark.parametrize(
    ("old", "new", "why"),
    [
        ("\treturn total", "\tclose(out)\n\treturn total", "closed somewhere"),
        ("\ttotal := 0", "\tgo func() { out <- 0 }()\n\ttotal := 0", "two producers"),
        ("\ttotal := 0", "\tout <- 0\n\ttotal := 0", "the function sends"),
        ("\tgo func() {\n\t\tfor _, n := range nums {\n\t\t\tout <- n\n\t\t}\n\t}()\n",
         "\tfor _, n := range nums {\n\t\tgo func() { out <- n }()\n\t}\n", "producer started in a loop"),
        ("\ttotal := 0", "\tkeep(out)\n\ttotal := 0", "passed to a call"),
        ("\ttotal := 0", "\tvar other chan int\n\tother = out\n\t_ = other\n\ttotal := 0", "assigned"),
    ],
)
def test_range_channel_each_guard_matters(old, new, why):
    src = PIPELINE + "\nfunc keep(chan int) {}\n"
    assert old in src, why
    _none(URC, src.replace(old, new))


@pytest.mark.parametrize(
    ("old", "new", "reason"),
    [
        ("\ttotal := 0", "\ttotal := <-out", "plain receive"),
        ("\t\t\tout <- n\n", "\t\t\tgo func() { out <- n }()\n", "started by a go statement"),
        ("\t\t\tout <- n\n", "\t\t\tsend := func() { out <- n }\n\t\t\tsend()\n", "assigned to a variable"),
    ],
)
def test_range_channel_reports_without_fix(old, new, reason):
    f = _only(URC, PIPELINE.replace(old, new))
    assert f.fix is None and reason in f.message


def test_range_channel_comma_ok_and_deferred_senders_keep_the_fix():
    src = PIPELINE.replace("\ttotal := 0", "\tfirst, ok := <-out\n\t_ = ok\n\ttotal := first")
    src = src.replace("\tgo func() {\n", "\tgo func() {\n\t\tdefer func() { out <- -1 }()\n")
    f = _only(URC, src)
    assert f.fix is not None and f.fix.applicability == Applicability.SAFE


LIFO_PROGRAM = textwrap.dedent("""
    package main

    import "fmt"

    func main() {
    	ch := make(chan string)
    	go func() {
    		defer func() {
    			if r := recover(); r != nil {
    				ch <- fmt.Sprint("recovered: ", r)
    			}
    		}()
    		ch <- "one"
    		panic("boom")
    	}()
    	for s := range ch {
    		fmt.Println(s)
    	}
    	fmt.Println("done")
    }
""").lstrip("\n")


def test_range_channel_fix_runs_close_after_a_recovering_defer(go_bin, tmp_path):
    """Defers run last-in first-out: the inserted first `defer close(ch)` runs after the
    deferred recover has sent its value. Before the fix the program deadlocks."""
    result, errors = run_fix(dedent(LIFO_PROGRAM), URC)
    assert not errors and result.fixed is not None
    assert b"\tgo func() {\n\t\tdefer close(ch)\n\t\tdefer func() {" in result.fixed
    (tmp_path / "go.mod").write_text("module lifo\n\ngo 1.22\n")
    (tmp_path / "main.go").write_bytes(result.fixed)
    env = dict(os.environ, GOTOOLCHAIN="local", GOPROXY="off", GOFLAGS="-mod=mod")
    proc = subprocess.run([go_bin, "run", "."], cwd=tmp_path, capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["one", "recovered: boom", "done"]


# --- gofmt's one-line function literals --------------------------------------------------------


def test_one_line_model_matches_gofmt(gofmt_bin, tmp_path):
    """one_line_fits must agree with gofmt on where a one-line literal body gets split."""
    cases = []
    for width in range(96, 112):
        arg = "x" * (width - len("func() { defer close(ch); ch <- len() }"))
        cases.append(f"go func() {{ defer close(ch); ch <- len({arg}) }}()")
    cases.append("go func() { a(); b(); c(); d(); e() }()")
    cases.append("go func() { a(); b(); c(); d(); e(); a() }()")
    outcomes = set()
    for line in cases:
        src = ("package p\n\nfunc a() {}\nfunc b() {}\nfunc c() {}\nfunc d() {}\nfunc e() {}\n\n"
               "func f(ch chan int, " + ", ".join(sorted(set(re.findall(r"\bx+\b", line)))) +
               (" string" if "x" in line else "") + ") {\n\t" + line + "\n}\n")
        src = src.replace("func f(ch chan int, )", "func f(ch chan int)")
        path = tmp_path / "a.go"
        path.write_text(src)
        formatted = subprocess.run([gofmt_bin, str(path)], capture_output=True, text=True).stdout
        gofmt_keeps = ("\t" + line + "\n") in formatted
        data = src.encode()
        ctx = _ctx(data)
        lit = next(n for n in S.walk(ctx.root) if n.type == S.FUNC_LITERAL)
        stmts = C.one_line_body(ctx, lit)
        assert stmts is not None
        assert C.one_line_fits(ctx, lit, [ctx.text(s) for s in stmts]) == gofmt_keeps, line
        outcomes.add(gofmt_keeps)
    assert outcomes == {True, False}  # the cases straddle the limit


# --- wg-add-in-goroutine ------------------------------------------------------------------------

POOL = textwrap.dedent("""
    package p

    import "sync"

    func run(jobs []func()) {
    	var wg sync.WaitGroup
    	for _, job := range jobs {
    		go func() {
    			wg.Add(1)
    			defer wg.Done()
    			job()
    		}()
    	}
    	wg.Wait()
    }
""").lstrip("\n")


def test_wg_add_basic_rewrite():
    after = POOL.replace("\t\tgo func() {\n\t\t\twg.Add(1)\n", "\t\twg.Add(1)\n\t\tgo func() {\n")
    result = assert_codemod(WG, POOL, after, findings=1)
    f = result.findings[0]
    assert (f.start.line, f.start.column) == (9, 4)  # the Add call
    assert f.fix.applicability == Applicability.SAFE


def test_wg_go_alternative_only_from_go_1_25():
    assert "wg.Go" not in _only(WG, POOL, go="1.24").message
    assert "wg.Go" in _only(WG, POOL, go="1.25").message
    assert "wg.Go" in _only(WG, POOL, go="1.26").message


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ('import "sync"', 'import sync "sync/atomic"'),  # sync is another package
        ("var wg sync.WaitGroup", "var wg sync.Int64"),
        ("\t\t\twg.Add(1)\n\t\t\tdefer wg.Done()\n", "\t\t\tdefer wg.Done()\n\t\t\twg.Add(1)\n"),  # not first
    ],
)
def test_wg_add_negatives(old, new):
    src = POOL.replace(old, new)
    if "sync.Int64" in src or "sync/atomic" in src:
        src = src.replace("defer wg.Done()", "defer wg.Add(-1)").replace("\twg.Wait()\n", "")
        src = src.replace("var wg sync.WaitGroup", "var wg sync.Int64")
    _none(WG, src)


def test_wg_add_needs_a_known_waitgroup_type():
    """Second round: the declarations must say sync.WaitGroup; Done/Wait calls are no evidence."""
    src = """
        package p

        import "sync"

        var _ sync.Mutex

        type counter interface {
        	Add(int)
        	Done()
        }

        func get() counter { return nil }

        func run(work func()) {
        	c := get()
        	go func() {
        		c.Add(1)
        		defer c.Done()
        		work()
        	}()
        }
    """
    _none(WG, src)
    known = src.replace("func get() counter", "func get() *sync.WaitGroup")
    assert _only(WG, known).fix is not None


@pytest.mark.parametrize(
    ("add", "params", "args", "applicability"),
    [
        ("wg.Add(1)", "", "", Applicability.SAFE),
        ("wg.Add(len(jobs))", "", "", Applicability.SAFE),
        ("wg.Add(n())", "", "", Applicability.UNSAFE),
        ("wg.Add(int(1))", "", "", Applicability.UNSAFE),  # a conversion looks like a call
        ("wg.Add(1)", "_ int", "7", Applicability.SAFE),
        ("wg.Add(1)", "_ int", "n()", Applicability.UNSAFE),  # evaluated after the moved Add
        ("wg.Add(1)", "_ int", "len(jobs)", Applicability.UNSAFE),  # any call, even len
    ],
)
def test_wg_add_fix_applicability(add, params, args, applicability):
    src = POOL.replace("func run(jobs []func()) {", "func n() int { return 1 }\n\nfunc run(jobs []func()) {")
    src = src.replace("wg.Add(1)", add).replace("go func() {", f"go func({params}) {{")
    src = src.replace("\t\t}()\n", f"\t\t}}({args})\n")
    f = _only(WG, src)
    assert f.fix is not None and f.fix.applicability == applicability


def test_wg_add_using_the_literals_parameter_has_no_fix():
    src = POOL.replace("\t\tgo func() {\n\t\t\twg.Add(1)\n", "\t\tgo func(k int) {\n\t\t\twg.Add(k)\n")
    src = src.replace("\t\t}()\n", "\t\t}(1)\n")
    f = _only(WG, src)
    assert f.fix is None and "parameter `k`" in f.message


# --- rule metadata ------------------------------------------------------------------------------

RULES = {FS: forgotten_sender.RULE, URC: unclosed_range_channel.RULE, WG: wg_add_in_goroutine.RULE}


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_triggers_are_necessary_on_every_golden_finding(rule_id):
    rule = RULES[rule_id]
    for inp in sorted((GOLDEN / rule_id).glob("*.input.go")):
        src = inp.read_bytes()
        result, _ = run_fix(src, rule_id)
        if result.findings:
            assert any(t in src for t in rule.triggers), inp.name


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_docstring_examples_parse_and_first_line(rule_id):
    rule = RULES[rule_id]
    assert rule.doc.splitlines()[0].startswith(f"{rule_id}: ")
    blocks = re.findall(r"```go\n(.*?)```", rule.doc, re.S)
    assert blocks
    for block in blocks:
        src = ("package p\n\nfunc f() {\n" + textwrap.indent(block, "\t") + "}\n").encode()
        assert S.first_syntax_error(S.parse(src)) is None, block
