"""time-after-in-loop and unstopped-ticker: severities by Go version, options, fix safety,
and the Go semantics the rewrites rely on (checked with real Go programs when go is present)."""

from __future__ import annotations

import os
import re
import subprocess
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from codemods import _timers as T
from codemods import time_after_in_loop, unstopped_ticker
from gofix import engine
from gofix import syntax as S
from gofix.cli import app
from gofix.context import FileContext
from gofix.model import Applicability, Severity
from helpers import assert_codemod, dedent, module, options_for, run_check, run_fix

AFTER = time_after_in_loop.ID
TICKER = unstopped_ticker.ID

SELECT_LOOP = """
    package p

    import "time"

    func f(ch <-chan int, d time.Duration) {
    	for {
    		select {
    		case <-ch:
    		case <-time.After(d):
    			return
    		}
    	}
    }
"""

TICKERS = """
    package p

    import "time"

    func ticker(done <-chan struct{}) {
    	t := time.NewTicker(time.Second)
    	select {
    	case <-t.C:
    	case <-done:
    	}
    }

    func tick() {
    	for range time.Tick(time.Second) {
    		return
    	}
    }

    func timer(in <-chan int) {
    	t := time.NewTimer(time.Second)
    	select {
    	case <-t.C:
    	case <-in:
    	}
    }
"""


def _severities(src: str, rule: str, go: str, async_timers: bool = False) -> list[str]:
    result, errors = engine.analyze("x.go", dedent(src), module(go, async_timers), options_for(rule))
    assert not errors, errors
    return [f.severity.value for f in result.findings]


# --- Go version gating ----------------------------------------------------------------------------------


def test_below_go_1_23_timer_findings_keep_their_severity():
    assert [f.severity for f in run_check(dedent(SELECT_LOOP), AFTER).findings] == [Severity.ERROR]
    assert _severities(TICKERS, TICKER, "1.22") == ["error", "error", "warning"]


def test_go_1_23_turns_them_into_hints():
    result = run_check(dedent(SELECT_LOOP), AFTER, go="1.23")
    assert [f.severity for f in result.findings] == [Severity.HINT]
    assert "Not a leak on this module's Go version" in result.findings[0].message
    assert "stop it. Not a leak" in result.findings[0].message  # a sentence of its own, not glued on
    assert "raising the go line" not in result.findings[0].message
    assert _severities(TICKERS, TICKER, "1.23") == ["hint", "hint", "hint"]


def test_godebug_asynctimerchan_keeps_them_errors():
    assert _severities(SELECT_LOOP, AFTER, "1.23", async_timers=True) == ["error"]
    assert _severities(TICKERS, TICKER, "1.24", async_timers=True) == ["error", "error", "warning"]
    # Go 1.27 removed the setting: the new behaviour always applies
    assert _severities(TICKERS, TICKER, "1.27", async_timers=True) == ["hint", "hint", "hint"]


def test_message_says_what_else_removes_the_leak():
    old = run_check(dedent(SELECT_LOOP), AFTER, go="1.22").findings[0].message
    assert "raising the go line in go.mod to 1.23" in old and "Go >= 1.27" in old
    result, _ = engine.analyze("x.go", dedent(SELECT_LOOP), module("1.23", True), options_for(AFTER))
    assert "asynctimerchan=1" in result.findings[0].message


def test_hint_fixes_apply_only_when_the_rule_is_selected():
    src = dedent(SELECT_LOOP)
    selected, _ = engine.fix_source("x.go", src, module("1.23"), options_for(AFTER))
    assert selected.fixed is not None and b"time.NewTimer(d)" in selected.fixed
    everything, _ = engine.fix_source("x.go", src, module("1.23"), options_for(None))
    assert everything.fixed is None
    old, _ = engine.fix_source("x.go", src, module("1.22"), options_for(None))
    assert old.fixed is not None


def test_rules_are_timer_rules_with_alias_proof_triggers():
    assert time_after_in_loop.RULE.timer_rule and unstopped_ticker.RULE.timer_rule
    aliased = b'import stdtime "time"\nfunc f() { for range stdtime.Tick(1) {} ; <-stdtime.After(1); stdtime.NewTimer(1) }'
    for rule in (time_after_in_loop.RULE, unstopped_ticker.RULE):
        assert any(t in aliased for t in rule.triggers)
        assert all(b"time." not in t for t in rule.triggers)


# --- where findings point ---------------------------------------------------------------------------------


def test_findings_point_at_the_creating_call():
    src = dedent(SELECT_LOOP)
    (f,) = run_check(src, AFTER).findings
    assert src[f.start_byte:f.end_byte] == b"time.After(d)"
    assert (f.start.line, f.start.column) == (9, 10)
    src = dedent("""
        package p

        import "time"

        func f(jobs <-chan int) {
        	for {
        		timeout := time.After(time.Second)
        		select {
        		case <-jobs:
        		case <-timeout:
        			return
        		}
        	}
        }

        func g() {
        	for range time.NewTicker(time.Second).C {
        		return
        	}
        }
    """)
    (f,) = run_check(src, AFTER).findings
    assert src[f.start_byte:f.end_byte] == b"time.After(time.Second)"
    (g,) = run_check(src, TICKER).findings
    assert src[g.start_byte:g.end_byte] == b"time.NewTicker(time.Second)"


# --- time-after-in-loop fix details ---------------------------------------------------------------------


def test_several_after_in_one_select_share_one_fix_and_both_count_as_applied():
    src = dedent("""
        package p

        import "time"

        func f(a <-chan int, d, e time.Duration) {
        	for {
        		select {
        		case <-time.After(d):
        		case <-a:
        		case <-time.After(e):
        			return
        		}
        	}
        }
    """)
    result, errors = run_fix(src, AFTER)
    assert not errors
    assert len(result.findings) == 2
    assert result.findings[0].fix is result.findings[1].fix
    assert len(result.applied) == 2
    assert result.fixed.count(b"NewTimer") == 2


def test_a_statement_on_the_case_line_gets_no_fix():
    src = dedent("""
        package p

        import "time"

        func f(ch <-chan int, d time.Duration) {
        	for {
        		select {
        		case <-ch: println()
        		case <-time.After(d):
        			return
        		}
        	}
        }
    """)
    (f,) = run_check(src, AFTER).findings
    assert f.fix is None


def test_timeout_statement_with_select_in_a_nested_block_gets_no_fix():
    result = assert_codemod(AFTER, """
        package p

        import "time"

        func f(ch <-chan int, d time.Duration, wait bool) {
        	for {
        		timeout := time.After(d)
        		if wait {
        			select {
        			case <-ch:
        			case <-timeout:
        				return
        			}
        		}
        	}
        }
    """, findings=1)
    assert result.findings[0].fix is None
    assert "not a later statement of the same block" in result.findings[0].message


def test_timeout_statement_in_a_goroutine_literal_gets_no_fix():
    result = assert_codemod(AFTER, """
        package p

        import "time"

        func f(ch <-chan int, d time.Duration) {
        	for {
        		timeout := time.After(d)
        		go func() {
        			select {
        			case <-ch:
        			case <-timeout:
        			}
        		}()
        	}
        }
    """, findings=1)
    assert result.findings[0].fix is None


def test_timeout_statement_passed_on_is_not_reported():
    assert_codemod(AFTER, """
        package p

        import "time"

        func wait(<-chan time.Time) {}

        func f(d time.Duration) {
        	for {
        		timeout := time.After(d)
        		wait(timeout)
        	}
        }
    """, findings=0)


def test_no_fix_in_a_function_with_goto():
    src = dedent("""
        package p

        import "time"

        func f(ch <-chan int, d time.Duration) {
        	for {
        		select {
        		case <-ch:
        			goto done
        		case <-time.After(d):
        			return
        		}
        	}
        done:
        }
    """)
    (f,) = run_check(src, AFTER).findings
    assert f.fix is None and "goto" in f.message


def test_evaluation_order_conditions():
    """Quiet operands (no calls but conversions, len, cap and no-argument .Done(); no receives)."""
    src = dedent("""
        package p

        import "time"

        type ID int

        func f(ctx interface{ Done() <-chan struct{} }, xs []chan int, n int, m map[int]chan int) {
        	_ = ID(n)
        	_ = len(xs)
        	_ = cap(xs)
        	_ = ctx.Done()
        	_ = time.Duration(n)
        	_ = m[n]
        	_ = xs[n+1]
        	_ = []byte("x")
        	_ = g()
        	_ = ctx.Done
        	_ = <-xs[0]
        	_ = h(1)
        	_ = func() int { return 1 }()
        }

        func g() int   { return 1 }
        func h(int) int { return 1 }
    """)
    ctx = _ctx(src)
    assigns = [n for n in S.walk(ctx.root) if n.type == S.ASSIGNMENT]
    values = [a.child_by_field_name("right").named_children[0] for a in assigns]
    quiet = [T.is_quiet(ctx, v) for v in values]
    assert quiet == [True] * 8 + [False, True, False, False, False]


def test_shadowed_len_is_a_call():
    ctx = _ctx(dedent("""
        package p

        func f(xs []int) {
        	len := func([]int) int { return 0 }
        	_ = len(xs)
        }
    """))
    call = next(n for n in S.walk(ctx.root) if n.type == "call_expression")
    assert not T.is_quiet(ctx, call)


@pytest.mark.parametrize(("expr", "positive"), [
    ("time.Second", True),
    ("5 * time.Second", True),
    ("time.Duration(3) * time.Millisecond", True),
    ("1.5 * float64(time.Second)", False),  # not something we evaluate
    ("period", True),
    ("local", True),
    ("-time.Second", False),
    ("zero", False),
    ("time.Second / 2000000000", False),  # integer division: 0
    ("(2 * time.Minute) - time.Minute", True),
    ("d", False),
    ("shadowed", False),
])
def test_positive_constant(expr, positive):
    src = dedent(f"""
        package p

        import "time"

        const (
        	period = 2 * time.Second
        	zero   = 0
        )

        const shadowed = time.Second

        func f(d time.Duration) {{
        	const local = period / 2
        	shadowed := d
        	_ = shadowed
        	_ = {expr}
        }}
    """)
    ctx = _ctx(src)
    last = [n for n in S.walk(ctx.root) if n.type == S.ASSIGNMENT][-1]
    assert T.positive_constant(ctx, last.child_by_field_name("right").named_children[0]) is positive


# --- the context style ----------------------------------------------------------------------------------


CONTEXT_CASE = """
    package p

    import (
    	"context"
    	"time"
    )

    func f(ctx context.Context, ch <-chan int, d time.Duration) error {
    	for {
    		select {
    		case <-ch:
    		case <-time.After(d):
    			return ctx.Err()
    		}
    	}
    }
"""


def test_context_style_is_unsafe_and_uses_the_parameter():
    src = dedent(CONTEXT_CASE)
    result, errors = engine.analyze("x.go", src, module("1.22"), engine.Options(
        select=frozenset([AFTER]), rule_options={AFTER: {"style": "context"}}))
    assert not errors
    (f,) = result.findings
    assert f.fix.applicability == Applicability.UNSAFE
    # without --unsafe-fixes nothing is applied
    fixed, _ = engine.fix_source("x.go", src, module("1.22"), engine.Options(
        select=frozenset([AFTER]), rule_options={AFTER: {"style": "context"}}))
    assert fixed.fixed is None
    assert_codemod(AFTER, CONTEXT_CASE, options={AFTER: {"style": "context"}}, after="""
        package p

        import (
        	"context"
        	"time"
        )

        func f(ctx context.Context, ch <-chan int, d time.Duration) error {
        	for {
        		tctx, cancel := context.WithTimeout(ctx, d)
        		select {
        		case <-ch:
        			cancel()
        		case <-tctx.Done():
        			cancel()
        			return ctx.Err()
        		}
        	}
        }
    """)


def test_default_style_is_the_safe_timer():
    (f,) = run_check(dedent(CONTEXT_CASE), AFTER).findings
    assert f.fix.applicability == Applicability.SAFE
    assert any(b"time.NewTimer(d)" in e.text for e in f.fix.edits)


def test_context_style_from_cli_option_and_config_file(tmp_path: Path):
    runner = CliRunner()
    (tmp_path / "go.mod").write_text("module example.com/p\n\ngo 1.22\n")
    (tmp_path / "x.go").write_bytes(dedent(CONTEXT_CASE))
    r = runner.invoke(app, ["diff", "--unsafe-fixes", "--option", "time-after-in-loop.style=context",
                            str(tmp_path / "x.go")])
    assert r.exit_code == 1, r.output
    assert "context.WithTimeout(ctx, d)" in r.stdout
    r = runner.invoke(app, ["diff", "--unsafe-fixes", str(tmp_path / "x.go")])
    assert "time.NewTimer(d)" in r.stdout and "WithTimeout" not in r.stdout
    (tmp_path / ".gofix.toml").write_text('[rules.time-after-in-loop]\nstyle = "context"\n')
    r = runner.invoke(app, ["diff", "--unsafe-fixes", str(tmp_path / "x.go")])
    assert "context.WithTimeout(ctx, d)" in r.stdout, r.output


def test_context_style_keeps_time_import_when_still_used_and_no_fix_when_context_is_a_local():
    # `context` is a local variable where the select is: no context rewrite, timer instead
    result = assert_codemod(AFTER, """
        package p

        import "time"

        func f(ch <-chan int, d time.Duration) {
        	context := 1
        	for {
        		select {
        		case <-ch:
        			println(context)
        		case <-time.After(d):
        			return
        		}
        	}
        }
    """, options={AFTER: {"style": "context"}}, after="""
        package p

        import "time"

        func f(ch <-chan int, d time.Duration) {
        	context := 1
        	for {
        		timer := time.NewTimer(d)
        		select {
        		case <-ch:
        			timer.Stop()
        			println(context)
        		case <-timer.C:
        			return
        		}
        	}
        }
    """)
    assert result.findings[0].fix.applicability == Applicability.SAFE


def test_context_style_two_functions_remove_time_import_only_at_the_end():
    assert_codemod(AFTER, """
        package p

        import "time"

        func f(ch <-chan int) {
        	for {
        		select {
        		case <-ch:
        		case <-time.After(1e9):
        			return
        		}
        	}
        }

        func g(ch <-chan int) {
        	for {
        		select {
        		case <-ch:
        		case <-time.After(2e9):
        			return
        		}
        	}
        }
    """, options={AFTER: {"style": "context"}}, after="""
        package p

        import "context"

        func f(ch <-chan int) {
        	for {
        		tctx, cancel := context.WithTimeout(context.Background(), 1e9)
        		select {
        		case <-ch:
        			cancel()
        		case <-tctx.Done():
        			cancel()
        			return
        		}
        	}
        }

        func g(ch <-chan int) {
        	for {
        		tctx, cancel := context.WithTimeout(context.Background(), 2e9)
        		select {
        		case <-ch:
        			cancel()
        		case <-tctx.Done():
        			cancel()
        			return
        		}
        	}
        }
    """)


# --- unstopped-ticker details ------------------------------------------------------------------------------


def test_tick_applicability_follows_the_duration():
    src = dedent("""
        package p

        import "time"

        const every = 3 * time.Second

        func a() {
        	for range time.Tick(every) {
        		return
        	}
        }

        func b(d time.Duration) {
        	for range time.Tick(d) {
        		return
        	}
        }

        func c(d time.Duration) {
        	for range time.NewTicker(d).C {
        		return
        	}
        }
    """)
    fixes = [f.fix.applicability for f in run_check(src, TICKER).findings]
    assert fixes == [Applicability.SAFE, Applicability.UNSAFE, Applicability.SAFE]


def test_lint_ignore_sa1015_suppresses_tick():
    src = dedent("""
        package p

        import "time"

        func a() {
        	//lint:ignore SA1015 this function never returns
        	for range time.Tick(time.Second) {
        	}
        }

        func b() {
        	for range time.Tick(time.Second) { //nolint:gofix
        	}
        }

        func c() {
        	for range time.Tick(time.Second) { //gofix:ignore unstopped-ticker
        	}
        }
    """)
    assert run_check(src, TICKER).findings == []


def test_fresh_ticker_name():
    assert_codemod(TICKER, """
        package p

        import "time"

        func f(ticker int) {
        	for range time.Tick(time.Second) {
        		if ticker < 0 {
        			return
        		}
        	}
        }
    """, after="""
        package p

        import "time"

        func f(ticker int) {
        	ticker2 := time.NewTicker(time.Second)
        	defer ticker2.Stop()
        	for range ticker2.C {
        		if ticker < 0 {
        			return
        		}
        	}
        }
    """)


def test_ticker_used_only_in_a_called_literal_is_fixed():
    assert_codemod(TICKER, """
        package p

        import "time"

        func f(done <-chan struct{}) {
        	t := time.NewTicker(time.Second)
        	func() {
        		select {
        		case <-t.C:
        		case <-done:
        		}
        	}()
        }
    """, after="""
        package p

        import "time"

        func f(done <-chan struct{}) {
        	t := time.NewTicker(time.Second)
        	defer t.Stop()
        	func() {
        		select {
        		case <-t.C:
        		case <-done:
        		}
        	}()
        }
    """)


def test_ticker_in_a_goroutine_literal_is_stopped_there():
    assert_codemod(TICKER, """
        package p

        import "time"

        func f(done <-chan struct{}) {
        	go func() {
        		t := time.NewTicker(time.Second)
        		for {
        			select {
        			case <-t.C:
        			case <-done:
        				return
        			}
        		}
        	}()
        }
    """, after="""
        package p

        import "time"

        func f(done <-chan struct{}) {
        	go func() {
        		t := time.NewTicker(time.Second)
        		defer t.Stop()
        		for {
        			select {
        			case <-t.C:
        			case <-done:
        				return
        			}
        		}
        	}()
        }
    """)


# --- documentation --------------------------------------------------------------------------------------


@pytest.mark.parametrize("rule", [time_after_in_loop.RULE, unstopped_ticker.RULE])
def test_docstring_examples_parse_as_go(rule):
    assert rule.doc.startswith(f"{rule.id}: ")
    blocks = re.findall(r"```go\n(.*?)```", rule.doc, re.S)
    assert len(blocks) == 2
    for block in blocks:
        src = f"package p\n\nfunc wrapper() {{\n{block}}}\n".encode()
        if block.startswith("func "):
            src = f"package p\n\n{block}".encode()
        assert S.first_syntax_error(S.parse(src)) is None, block


# --- Go semantics, settled by running Go ------------------------------------------------------------------


GO_ENV = dict(os.environ, GOTOOLCHAIN="local", GOPROXY="off", GOFLAGS="-mod=mod", GOWORK="off")


def _go_run(go_bin: str, directory: Path, src: bytes, go: str = "1.22") -> str:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "go.mod").write_text(f"module example.com/m\n\ngo {go}\n")
    (directory / "main.go").write_bytes(src)
    proc = subprocess.run([go_bin, "run", "."], cwd=directory, capture_output=True, text=True, env=GO_ENV,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


ORDER_PROGRAM = textwrap.dedent("""\
    package main

    import (
    	"fmt"
    	"time"
    )

    var trace []string

    func ch(name string, c chan int) chan int { trace = append(trace, name); return c }

    func dur(name string, d time.Duration) time.Duration {
    	trace = append(trace, name)
    	return d
    }

    // An hour when a value is ready (the value wins), a millisecond otherwise (the timer wins).
    func wait(i int) time.Duration {
    	if i%2 == 0 {
    		return time.Hour
    	}
    	return time.Millisecond
    }

    // The timer clause first: its duration may call a function.
    func first(n int) {
    	ready := make(chan int, 1)
    	for i := 0; i < n; i++ {
    		if i%2 == 0 {
    			ready <- i
    		}
    		select {
    		case <-time.After(dur("first.d", wait(i))):
    			trace = append(trace, "first.timeout")
    		case v := <-ready:
    			trace = append(trace, fmt.Sprint("first.got", v))
    		}
    	}
    }

    // Quiet operands before the timer clause: hoisting cannot be observed.
    func quiet(n int) {
    	chans := []chan int{make(chan int, 1), make(chan int, 1)}
    	for i := 0; i < n; i++ {
    		if i%2 == 0 {
    			chans[len(chans)-1] <- i
    		}
    		d := wait(i)
    		select {
    		case v := <-chans[len(chans)-1]:
    			trace = append(trace, fmt.Sprint("quiet.got", v))
    		case <-time.After(d):
    			trace = append(trace, "quiet.timeout")
    		}
    	}
    }

    // An earlier operand calls a function: gofix must leave this one alone.
    func loud(n int) {
    	ready := make(chan int, 1)
    	for i := 0; i < n; i++ {
    		if i%2 == 0 {
    			ready <- i
    		}
    		select {
    		case v := <-ch("loud.ch", ready):
    			trace = append(trace, fmt.Sprint("loud.got", v))
    		case <-time.After(dur("loud.d", wait(i))):
    			trace = append(trace, "loud.timeout")
    		}
    	}
    }

    func main() {
    	first(4)
    	quiet(4)
    	loud(4)
    	for _, t := range trace {
    		fmt.Println(t)
    	}
    }
""").encode()


def test_select_operands_are_evaluated_in_source_order(go_bin, tmp_path):
    """The fact behind the safety condition: a select evaluates every operand on entry, in
    source order, the timer's duration included, whichever case then wins."""
    out = _go_run(go_bin, tmp_path / "before", ORDER_PROGRAM).split()
    loud = [t for t in out if t.startswith("loud.") and t in ("loud.ch", "loud.d")]
    assert loud == ["loud.ch", "loud.d"] * 4


def test_timer_rewrite_keeps_the_program_behaviour(go_bin, tmp_path):
    """Rewritten with gofix, the program prints the same trace: the hoisted timers start in the
    same order, and stopping them in the other cases changes nothing but the memory held."""
    result, errors = engine.fix_source("main.go", ORDER_PROGRAM, module("1.22"), options_for(AFTER))
    assert not errors and result.fixed is not None
    fixed = result.fixed.decode()
    assert fixed.count("time.NewTimer(") == 2  # first and quiet; loud keeps time.After
    assert 'time.After(dur("loud.d"' in fixed
    before = _go_run(go_bin, tmp_path / "before", ORDER_PROGRAM)
    after = _go_run(go_bin, tmp_path / "after", result.fixed)
    assert before == after


def test_hoisting_past_a_call_would_be_visible(go_bin, tmp_path):
    """Why `loud` gets no fix: moving its timer in front of the select changes the trace."""
    hoisted = ORDER_PROGRAM.replace(
        b'\t\tselect {\n\t\tcase v := <-ch("loud.ch", ready):',
        b'\t\ttimer := time.NewTimer(dur("loud.d", wait(i)))\n'
        b'\t\tselect {\n\t\tcase v := <-ch("loud.ch", ready):\n\t\t\ttimer.Stop()',
    ).replace(b'case <-time.After(dur("loud.d", wait(i))):', b"case <-timer.C:")
    assert hoisted != ORDER_PROGRAM
    before = _go_run(go_bin, tmp_path / "before", ORDER_PROGRAM).split()
    after = _go_run(go_bin, tmp_path / "after", hoisted).split()
    assert [t for t in before if t in ("loud.ch", "loud.d")] != [t for t in after if t in ("loud.ch", "loud.d")]


def test_tick_of_non_positive_duration_is_nil_and_new_ticker_panics(go_bin, tmp_path):
    """Why a variable time.Tick duration makes the fix unsafe, and a constant <= 0 no fix at all."""
    out = _go_run(go_bin, tmp_path / "tick", textwrap.dedent("""\
        package main

        import (
        	"fmt"
        	"time"
        )

        func main() {
        	var d time.Duration
        	fmt.Println(time.Tick(d) == nil)
        	defer func() { fmt.Println(recover() != nil) }()
        	time.NewTicker(d)
        }
    """).encode())
    assert out.split() == ["true", "true"]


def test_stop_does_not_close_the_ticker_channel(go_bin, tmp_path):
    """Why a ticker used by a goroutine gets no deferred Stop: its reader would block forever.
    The period is long so that no tick can be sent before Stop (on a loaded machine a 1 ms
    tick could, and then "received" would say nothing about closing)."""
    out = _go_run(go_bin, tmp_path / "stop", textwrap.dedent("""\
        package main

        import (
        	"fmt"
        	"time"
        )

        func main() {
        	t := time.NewTicker(time.Hour)
        	t.Stop()
        	select {
        	case <-t.C:
        		fmt.Println("received")
        	case <-time.After(20 * time.Millisecond):
        		fmt.Println("blocked")
        	}
        }
    """).encode())
    assert out.strip() == "blocked"


# --- helpers ---------------------------------------------------------------------------------------------


def _ctx(src: bytes) -> FileContext:
    return FileContext("x.go", src, S.parse(src), module("1.22"))


def test_lines_inserted_before_a_label_take_the_block_indentation():
    """gofmt outdents labels one tab: a line inserted before a labeled statement must not."""
    from gofix.edits import apply_edits, insert_before_statement

    src = dedent("""
        package p

        func f() {
        	for {
        	wait:
        		select {}
        		break wait
        	}
        outer:
        	for {
        		break outer
        	}
        }
    """)
    ctx = _ctx(src)
    labeled = [n for n in S.walk(ctx.root) if n.type == "labeled_statement"]
    out = apply_edits(src, [insert_before_statement(ctx, n, ["x := 1", "_ = x"]) for n in labeled])
    assert out.decode() == dedent("""
        package p

        func f() {
        	for {
        		x := 1
        		_ = x
        	wait:
        		select {}
        		break wait
        	}
        	x := 1
        	_ = x
        outer:
        	for {
        		break outer
        	}
        }
    """).decode()


def test_a_suppressed_time_after_is_left_alone_by_the_select_fix():
    result = assert_codemod(AFTER, """
        package p

        import "time"

        func f(a <-chan int, d, e time.Duration) {
        	for {
        		select {
        		case <-a:
        		case <-time.After(d):
        			return
        		case <-time.After(e): //gofix:ignore time-after-in-loop
        		}
        	}
        }
    """, after="""
        package p

        import "time"

        func f(a <-chan int, d, e time.Duration) {
        	for {
        		timer := time.NewTimer(d)
        		select {
        		case <-a:
        			timer.Stop()
        		case <-timer.C:
        			return
        		case <-time.After(e): //gofix:ignore time-after-in-loop
        			timer.Stop()
        		}
        	}
        }
    """)
    assert len(result.findings) == 1
