"""Per-declaration analysis (gofix.analysis.incremental): the same findings as a whole-file
run, and a cache that re-analyses only the declarations an edit can affect."""

from __future__ import annotations

import pytest

from gofix import engine
from gofix import syntax as S
from gofix.analysis import testing as T
from gofix.analysis.context import FileContext
from gofix.analysis.incremental import Memo
from gofix.analysis.package import Package
from helpers import GOLDEN

CASES = T.golden_cases(GOLDEN)
IDS = [c.id for c in CASES]


def _setup(case: T.GoldenCase, src: bytes):
    cfg = case.config
    options = T.options_for(None, cfg)  # every rule: more candidates than the case's own
    module = T.module(cfg.go)
    tree = S.parse(src)
    package = Package.in_memory(case.source_path, src, case.siblings, tree)
    active = [r for r in options.rules() if r.prefilter(src, options)]
    ctx = FileContext(case.source_path, src, tree, module, options.rule_options, package=package,
                      nolint={r.id: r.nolint for r in active})
    ctx.extra_resources = options.extra_resources
    return ctx, active, module, options


def _key(f):
    return (f.rule, f.start_byte, f.end_byte, f.message, f.fix)


@pytest.mark.parametrize("side", ["input", "golden"])
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_each_declaration_alone_gives_the_whole_files_findings_there(case, side):
    """Running the rules limited to one top-level node at a time gives, node by node, exactly
    the findings of the whole-file run, each inside the node it was found from."""
    src = (case.input if side == "input" else case.golden).read_bytes()
    ctx, active, module, _ = _setup(case, src)
    if ctx.tree.root_node.has_error:
        pytest.skip("a syntax error: such files are always analysed whole")
    with S.rooted(ctx.root):
        whole, errors, _ = engine._rule_findings(ctx, active, module, None, None, None)
        assert not errors
        parts = []
        for node in ctx.root.named_children:
            found, errors, _ = engine._rule_findings(ctx, active, module, None,
                                                     ((node.start_byte, node.end_byte),), None)
            assert not errors
            for f in found:
                assert node.start_byte <= f.start_byte <= f.end_byte <= node.end_byte, (f.rule, f.message)
            parts.extend(found)
    assert sorted(map(_key, parts), key=repr) == sorted(map(_key, whole), key=repr)


def _mutations(src: bytes):
    """The source with one line deleted, for each line inside a function body (a sample)."""
    lines = src.split(b"\n")
    body = [i for i, ln in enumerate(lines) if ln.startswith(b"\t") and ln.strip() not in (b"}", b"{", b"")]
    for i in body[:: max(1, len(body) // 6)]:
        yield b"\n".join(lines[:i] + lines[i + 1:])


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_cached_declarations_match_a_fresh_analysis_after_an_edit(case):
    """After an edit (a line deleted in one function), the analysis that reuses the cached
    declarations finds exactly what a fresh analysis of the edited source finds."""
    src = case.input.read_bytes()
    cfg = case.config
    options = T.options_for(None, cfg)
    module = T.module(cfg.go)
    memo = Memo()
    first, _ = engine.analyze(case.source_path, src, module, options, siblings=case.siblings, memo=memo)
    fresh_first, _ = engine.analyze(case.source_path, src, module, options, siblings=case.siblings)
    assert first.findings == fresh_first.findings
    for edited in _mutations(src):
        got, _ = engine.analyze(case.source_path, edited, module, options, siblings=case.siblings, memo=memo)
        want, _ = engine.analyze(case.source_path, edited, module, options, siblings=case.siblings)
        assert got.findings == want.findings
        assert got.error == want.error


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_a_fix_on_a_buffers_memo_equals_a_fresh_fix(case):
    """The language server's fix-all runs the fix loop on the buffer's tree and Memo (warmed
    by the diagnostics of this version and of an earlier one): the fixed bytes, the findings
    and the applied fixes are those of a fix from scratch."""
    src = case.input.read_bytes()
    cfg = case.config
    options = T.options_for(None, cfg)
    module = T.module(cfg.go)
    earlier = next(_mutations(src), src)
    for text in (src, earlier):
        memo = Memo()
        for seen in (earlier, text):  # the buffer's diagnostics, before the fix is asked for
            engine.analyze(case.source_path, seen, module, options, siblings=case.siblings, memo=memo)
        tree = S.parse(text)
        shape = str(tree.root_node)
        got, _ = engine.fix_source(case.source_path, text, module, options, siblings=case.siblings,
                                   tree=tree, memo=memo)
        want, _ = engine.fix_source(case.source_path, text, module, options, siblings=case.siblings)
        assert (got.fixed, got.findings, got.applied, got.error) == (want.fixed, want.findings, want.applied, want.error)
        assert str(tree.root_node) == shape  # the buffer's tree is not the passes' (they edit a copy)


# --- what rules read across declarations (Rule.reads_across, Rule.whole_file) ----------------------
#
# Each case: a file, and an edit of one declaration that changes the findings of another one
# through a fact the rule declares it reads; the Memo must give what a fresh analysis does.

_WAIT = """func wait(ch chan int, x int) {
\tfor {
\t\tselect {
\t\tcase <-ch:
\t\t\treturn
\t\tcase <-time.After(%s):
\t\t\treturn
\t\t}
\t}
}
"""

_HANDLER = """func %s(w http.ResponseWriter, r *http.Request) {
\treq, _ := http.NewRequestWithContext(context.Background(), "GET", "http://x", nil)
\t_ = req%s
}
"""

_WAITERS = """package p

type waiter struct{ done chan struct{} }

func newWaiter() *waiter {
\treturn &waiter{done: %s}
}

func wake(ws []*waiter) {
\tfor _, w := range ws {
\t\tw.done <- struct{}{}
\t}
}
"""

CROSS = {
    # the context-style fix drops the time import when `time` is used nowhere else
    "time-after-in-loop import-uses": (
        "time-after-in-loop", "import-uses", {"style": "context"},
        'package p\n\nimport "time"\n\n' + _WAIT % "1e9" + "\nfunc other() {\n\ttime.Sleep(1)\n}\n",
        'package p\n\nimport "time"\n\n' + _WAIT % "1e9" + "\nfunc other() {\n}\n"),
    # dur(x) is a conversion, not a call, while a type dur is declared (in any body)
    "time-after-in-loop body-types": (
        "time-after-in-loop", "body-types", {},
        'package p\n\nimport "time"\n\n' + _WAIT % "dur(x)"
        + "\nfunc dur(x int) time.Duration { return time.Duration(x) }\n"
        + "\nfunc other() {\n\ttype dur int64\n\t_ = dur(0)\n}\n",
        'package p\n\nimport "time"\n\n' + _WAIT % "dur(x)"
        + "\nfunc dur(x int) time.Duration { return time.Duration(x) }\n"
        + "\nfunc other() {\n\t_ = 0\n}\n"),
    # whether a channel field is ever given an unbuffered channel, in any function
    "blocking-broadcast field-values": (
        "blocking-broadcast", "field-values", {},
        _WAITERS % "make(chan struct{})", _WAITERS % "make(chan struct{}, 1)"),
    # every use of the context import is a Background() this rule replaces: one fix per
    # pass, the last one removing the import (a fact of both functions)
    "background-context-io whole-file": (
        "background-context-io", "whole_file", {},
        'package p\n\nimport (\n\t"context"\n\t"net/http"\n)\n\n' + _HANDLER % ("a", "") + "\n" + _HANDLER % ("b", ""),
        'package p\n\nimport (\n\t"context"\n\t"net/http"\n)\n\n' + _HANDLER % ("a", "") + "\n"
        + _HANDLER % ("b", "\n\t_ = w")),
}


def _memo_runs(rule, versions: list[bytes], options, module) -> list[bool]:
    """For each version in turn, through one Memo: whether it found what a fresh analysis finds."""
    memo = Memo()
    out = []
    found = False
    for src in versions:
        got, _ = engine.analyze("x.go", src, module, options, rules=[rule], siblings={}, memo=memo)
        want, _ = engine.analyze("x.go", src, module, options, rules=[rule], siblings={})
        found = found or bool(want.findings)
        out.append(got.findings == want.findings)
    assert found, "the case must have findings"
    return out


@pytest.mark.parametrize("case", list(CROSS), ids=list(CROSS))
def test_an_edit_elsewhere_that_changes_a_declarations_findings_reanalyses_it(case):
    """With what the rule declares, the Memo finds what a fresh analysis finds in every
    version; without the one declaration the case is about, it does not (each declaration
    is needed)."""
    from dataclasses import replace

    from codemods import RULES

    rule_id, declared, rule_options, before, after = CROSS[case]
    versions = [before.encode(), after.encode(), before.encode(), after.encode()]
    options = engine.Options(select=frozenset([rule_id]), unsafe_fixes=True, rule_options={rule_id: rule_options})
    module = T.module("1.22")
    rule = next(r for r in RULES if r.id == rule_id)
    assert _memo_runs(rule, versions, options, module) == [True] * len(versions)
    if declared == "whole_file":
        assert rule.whole_file is not None
        ignorant = replace(rule, whole_file=None)
    else:
        assert declared in rule.reads_across
        ignorant = replace(rule, reads_across=tuple(x for x in rule.reads_across if x != declared))
    assert not all(_memo_runs(ignorant, versions, options, module))


def test_rules_declare_known_cross_declaration_facts_and_incremental_names_no_rule():
    """Rule.reads_across names only facts incremental.py knows, and incremental.py names no
    rule: what a rule reads across declarations is declared with the rule."""
    from pathlib import Path

    from codemods import RULES
    from gofix.analysis import incremental

    for r in RULES:
        assert set(r.reads_across) <= incremental.CROSS_FACTS.keys(), r.id
    text = Path(incremental.__file__).read_text()
    assert [r.id for r in RULES if r.id in text] == []
    assert "codemods" not in text


# --- the time budget per file ----------------------------------------------------------------------

LEAKY = b"""package p

import (
\t"context"
\t"time"
)

func f(parent context.Context) context.Context {
\tctx, _ := context.WithTimeout(parent, time.Second)
\treturn ctx
}
"""


def test_a_spent_budget_skips_the_file_with_a_message():
    import time

    options = T.options_for(None)
    gone = (time.process_time() - 1, 0.5)
    result, errors = engine.analyze("x.go", LEAKY, T.module(), options, deadline=gone)
    assert result.error == "too complex: skipped after 0.5 s (the time budget per file, in CPU seconds)"
    assert result.findings == [] and errors == []
    fixed, _ = engine.fix_source("x.go", LEAKY, T.module(), options, deadline=gone)
    assert fixed.error.startswith("too complex: skipped after 0.5 s") and fixed.fixed is None
    # with time left, the same file is analysed and fixed
    result, _ = engine.analyze("x.go", LEAKY, T.module(), options, deadline=(time.process_time() + 60, 60))
    assert result.error is None and [f.rule for f in result.findings] == ["lost-cancel"]


def test_time_budget_setting_names_the_skipped_file_and_the_run_goes_on(tmp_path):
    import subprocess
    import sys

    (tmp_path / "go.mod").write_text("module example.com/m\n\ngo 1.22\n")
    for d in ("fast", "slow"):
        (tmp_path / d).mkdir()
        (tmp_path / d / "x.go").write_bytes(LEAKY)
    (tmp_path / "slow" / ".gofix.toml").write_text("time-budget = 0.000001\n")
    proc = subprocess.run([sys.executable, "-m", "gofix", "check", "--no-cache", "--no-progress", "fast", "slow"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert "slow/x.go: error: too complex: skipped after 1e-06 s" in proc.stderr
    assert "fast/x.go:9:12: error:" in proc.stdout  # the other file is still analysed
    assert proc.returncode == 2  # incomplete: CI must not read it as "findings only"


def _gofix(cwd, *args):
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "gofix", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120)


FIXABLE = LEAKY.replace(b"context.Context {", b"error {").replace(b"return ctx\n", b"return ctx.Err()\n")
SKIPPED = "x.go: error: too complex: skipped after 1e-06 s (the time budget per file, in CPU seconds)"


@pytest.mark.parametrize("command", ["check", "diff", "fix"])
def test_time_budget_flag_skips_the_file_by_name_and_exits_2(tmp_path, command):
    (tmp_path / "go.mod").write_text("module example.com/m\n\ngo 1.22\n")
    (tmp_path / "x.go").write_bytes(FIXABLE)
    (tmp_path / "clean.go").write_bytes(b"package p\n\nfunc clean() {}\n")
    extra = ["--no-verify"] if command == "fix" else []
    proc = _gofix(tmp_path, command, "--no-cache", "--no-progress", *extra, "--time-budget", "0.000001", ".")
    assert SKIPPED in proc.stderr.splitlines()
    assert proc.returncode == 2
    assert "too complex" not in proc.stdout
    if command == "fix":
        assert (tmp_path / "x.go").read_bytes() == FIXABLE  # nothing written for a skipped file
    else:
        assert "x.go" not in proc.stdout  # no finding, no diff: it was not analysed
    # with time enough, the same command analyses (and fixes) it
    proc = _gofix(tmp_path, command, "--no-cache", "--no-progress", *extra, "--time-budget", "60", ".")
    assert "too complex" not in proc.stderr and proc.returncode == 1
    assert (tmp_path / "x.go").read_bytes() != FIXABLE if command == "fix" else "x.go" in proc.stdout


def test_time_budget_flag_overrides_the_config_and_0_means_no_limit(tmp_path):
    (tmp_path / "go.mod").write_text("module example.com/m\n\ngo 1.22\n")
    (tmp_path / "x.go").write_bytes(LEAKY)
    (tmp_path / ".gofix.toml").write_text("time-budget = 0.000001\n")
    skipped = _gofix(tmp_path, "check", "--no-cache", "x.go")
    assert SKIPPED in skipped.stderr and skipped.returncode == 2
    for flag in ("30", "0"):
        proc = _gofix(tmp_path, "check", "--no-cache", "--time-budget", flag, "x.go")
        assert "too complex" not in proc.stderr, flag
        assert "x.go:9:12: error:" in proc.stdout and proc.returncode == 1
    explained = _gofix(tmp_path, "config", "--time-budget", "30", "x.go")
    assert "time-budget = 30.0  # --time-budget" in explained.stdout
    assert "time-budget = 1e-06  # .gofix.toml" in _gofix(tmp_path, "config", "x.go").stdout
    bad = _gofix(tmp_path, "check", "--time-budget", "-1", "x.go")
    assert bad.returncode == 2 and "--time-budget" in bad.stderr


@pytest.mark.parametrize("command", ["check", "diff", "fix", "lsp"])
def test_time_budget_is_in_the_help(command):
    import re

    out = _gofix(".", command, "--help").stdout
    assert re.search(r"--time-budget\s+SECONDS", out), out
