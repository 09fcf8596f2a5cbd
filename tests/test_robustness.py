"""Property tests: whatever bytes come in, gofix does not crash, its JSON parses, its fixed
output parses, and its diff applies with `git apply --check`.

Inputs are golden inputs and a few real files from the Go toolchain's own sources,
mutated (truncated, cut, spliced, sprinkled with Go tokens that rules look for, turned
to CRLF or given a byte order mark) by hypothesis. The example counts are kept small so
the default run stays fast; the runs are derandomized so CI sees the same cases each time.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gofix import engine, output
from gofix import syntax as S
from gofix.writer import BOM, Layout
from helpers import GOLDEN, module

GOROOT_FILES = ("context/context.go", "time/sleep.go", "net/http/client.go", "database/sql/convert.go",
                "os/exec/exec.go", "sync/waitgroup.go")


def _goroot_src() -> Path | None:
    go = shutil.which("go")
    if go is None:
        return None
    try:
        p = subprocess.run([go, "env", "GOROOT"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    root = Path(p.stdout.strip()) / "src"
    return root if p.returncode == 0 and root.is_dir() else None


def _corpus() -> list[bytes]:
    files = sorted(GOLDEN.glob("*/*.input.go"))
    out = [p.read_bytes() for p in files]
    src = _goroot_src()
    if src is not None:
        out += [(src / f).read_bytes() for f in GOROOT_FILES if (src / f).is_file()]
    return out or [b"package p\n"]


CORPUS = _corpus()
TOKENS = [
    b"{", b"}", b"(", b")", b"\n", b"\t", b";", b":=", b"=", b",", b"_", b"\"", b"`", b"//", b"/*", b"*/",
    b"go func() {", b"defer ", b"for {", b"for range ", b"select {", b"case <-time.After(d):",
    b"default:", b"return", b"break", b"continue", b"goto L", b"L:", b"ctx, _ := context.WithCancel(ctx)",
    b"resp, err := http.Get(u)", b"if err != nil {", b"rows, err := db.Query(q)", b"tx, err := db.Begin()",
    b"t := time.NewTicker(d)", b"time.Tick(d)", b"ch := make(chan int)", b"ch <- 1", b"<-ch",
    b"wg.Add(1)", b"wg.Done()", b"f, err := os.Open(p)", b"close(ch)", b"//gofix:ignore", b"//nolint",
    b"\xc3\xa9", b"\xff", b"\r\n", b"\x00", b"\r", b"\x0c", b"\x0b", b"\xc2\x85", b"\xe2\x80\xa8",
]


@st.composite
def mutated(draw) -> bytes:
    src = draw(st.sampled_from(CORPUS))
    for _ in range(draw(st.integers(0, 3))):
        n = len(src)
        kind = draw(st.sampled_from(["truncate", "cut", "splice", "token", "dup"]))
        i = draw(st.integers(0, n))
        if kind == "truncate":
            src = src[:i]
        elif kind == "cut":
            src = src[:i] + src[min(n, i + draw(st.integers(1, 200))):]
        elif kind == "splice":
            j = draw(st.integers(0, n))
            k = min(n, j + draw(st.integers(1, 300)))
            src = src[:i] + src[j:k] + src[i:]
        elif kind == "token":
            src = src[:i] + draw(st.sampled_from(TOKENS)) + src[i:]
        else:
            line_start = src.rfind(b"\n", 0, i) + 1
            line_end = src.find(b"\n", i)
            line_end = n if line_end < 0 else line_end + 1
            src = src[:line_end] + src[line_start:line_end] + src[line_end:]
    if draw(st.booleans()) and draw(st.booleans()):
        src = src.replace(b"\n", b"\r\n")
    if draw(st.integers(0, 7)) == 0:
        src = BOM + src
    return src


OPTIONS = engine.Options(unsafe_fixes=True, jobs=1)
FAST = settings(max_examples=60, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _check_result(src: bytes, with_rules_errors: list[str]):
    result, errors = engine.compute("x.go", src, module("1.22"), OPTIONS, fix=True)
    internal = [e for e in errors if "internal error" in e]
    assert not internal, internal  # a rule that raises is a bug, even though the engine survives it
    with_rules_errors.extend(errors)
    # the JSON output contract parses, and every edit lies inside the file
    items = json.loads(output.to_json([result]))
    for item in items:
        assert item["line"] >= 1 and item["column"] >= 1
        if item["fix"]:
            for e in item["fix"]["edits"]:
                assert 0 <= e["start"] <= e["end"] <= len(src)
    if result.changed:
        fixed = result.fixed
        layout = Layout.of(src)
        assert Layout.of(fixed).bom == layout.bom
        text = Layout.of(fixed).normalize(fixed)
        assert S.first_syntax_error(S.parse(text)) is None, "a fix produced code that does not parse"
        fixed.decode("utf-8")
    return result


@FAST
@given(mutated())
def test_engine_never_crashes_and_output_parses(src):
    _check_result(src, [])


@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture])
@given(src=mutated())
def test_diff_always_applies(git_bin, src):
    result = _check_result(src, [])
    if not result.changed:
        return
    patch = output.unified_diff("dir/x.go", result.source, result.fixed)
    with tempfile.TemporaryDirectory() as d:
        (Path(d) / "dir").mkdir()
        (Path(d) / "dir" / "x.go").write_bytes(src)
        (Path(d) / "p.diff").write_text(patch, encoding="utf-8", newline="")
        p = subprocess.run([git_bin, "apply", "--check", "p.diff"], cwd=d, capture_output=True, text=True)
        assert p.returncode == 0, p.stderr
        p = subprocess.run([git_bin, "apply", "p.diff"], cwd=d, capture_output=True, text=True)
        assert p.returncode == 0, p.stderr
        assert (Path(d) / "dir" / "x.go").read_bytes() == result.fixed


def test_diff_splits_lines_as_git_does(git_bin, tmp_path):
    """A form feed, vertical tab, NEL or U+2028 inside a line is not a line break for git."""
    src = b'package p\n\n// a\x0cb\x0bc\xc2\x85d\nvar s = "x\xe2\x80\xa8y"\n\nfunc f() {}\n'
    fixed = src.replace(b"func f() {}", b"func f() { return }")
    (tmp_path / "x.go").write_bytes(src)
    (tmp_path / "p.diff").write_text(output.unified_diff("x.go", src, fixed), encoding="utf-8", newline="")
    p = subprocess.run([git_bin, "apply", "p.diff"], cwd=tmp_path, capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    assert (tmp_path / "x.go").read_bytes() == fixed


def test_every_golden_input_fixes_to_a_diff_that_applies(git_bin, tmp_path):
    """The unmutated corpus (golden inputs with fixes), each through diff + git apply."""
    applied = 0
    for n, src in enumerate(CORPUS):
        result = _check_result(src, [])
        if not result.changed:
            continue
        d = tmp_path / str(n)
        d.mkdir()
        (d / "x.go").write_bytes(src)
        (d / "p.diff").write_text(output.unified_diff("x.go", src, result.fixed), encoding="utf-8", newline="")
        p = subprocess.run([git_bin, "apply", "p.diff"], cwd=d, capture_output=True, text=True)
        assert p.returncode == 0, p.stderr
        assert (d / "x.go").read_bytes() == result.fixed
        applied += 1
    assert applied > 0, "no golden input produced a fix: this test would prove nothing"


@settings(max_examples=12, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(src=mutated())
def test_cli_never_crashes(src):
    from typer.testing import CliRunner

    from gofix.cli import app

    with tempfile.TemporaryDirectory() as d:
        (Path(d) / "go.mod").write_text("module example.com/p\n\ngo 1.22\n")
        f = Path(d) / "x.go"
        f.write_bytes(src)
        r = CliRunner().invoke(app, ["check", "--no-cache", "--format", "json", d])
        assert r.exception is None or isinstance(r.exception, SystemExit), r.exception
        assert r.exit_code in (0, 1, 2)
        json.loads(r.stdout)
        r = CliRunner().invoke(app, ["diff", "--no-cache", "--unsafe-fixes", d])
        assert r.exit_code in (0, 1, 2)
        if r.exit_code == 1 and shutil.which("git"):
            # the files are outside the cwd: named from the root, applied from there
            (Path(d) / "p.diff").write_bytes(r.stdout_bytes)
            p = subprocess.run(["git", "apply", "--check", str(Path(d) / "p.diff")], cwd="/",
                               capture_output=True, text=True)
            assert p.returncode == 0, p.stderr
        r = CliRunner().invoke(app, ["fix", "--no-cache", "--no-verify", "--unsafe-fixes", d])
        assert r.exception is None or isinstance(r.exception, SystemExit), r.exception
        assert r.exit_code in (0, 1, 2)
        after = f.read_bytes()
        if after != src:
            assert S.first_syntax_error(S.parse(Layout.of(after).normalize(after))) is None


def test_cli_diff_applies_inside_and_outside_the_cwd(git_bin, tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from gofix.cli import app

    (tmp_path / "go.mod").write_text("module example.com/p\n\ngo 1.22\n")
    src = next(c for c in CORPUS if b"context.WithTimeout" in c and b"ctx, _ :=" in c)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "x.go").write_bytes(src)
    # run from elsewhere (the diff names the file from the root: apply it from /), then
    # from the module (the diff names it relative to the cwd)
    for cwd, apply_from in ((Path(__file__).parent, "/"), (tmp_path, str(tmp_path))):
        monkeypatch.chdir(cwd)
        r = CliRunner().invoke(app, ["diff", "--no-cache", str(tmp_path / "sub")])
        assert r.exit_code == 1, r.output
        (tmp_path / "p.diff").write_bytes(r.stdout_bytes)
        p = subprocess.run([git_bin, "apply", "--check", str(tmp_path / "p.diff")], cwd=apply_from,
                           capture_output=True, text=True)
        assert p.returncode == 0, (r.stdout[:200], p.stderr)
