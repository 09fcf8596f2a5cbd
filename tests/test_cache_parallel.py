"""The result cache and parallel scanning must never change what gofix reports."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from gofix import cache as cache_mod
from gofix import engine
from gofix.output import to_json
from helpers import counting

LEAK = """package p

import (
	"context"
	"time"
)

func f{n}(parent context.Context) error {{
	ctx, _ := context.WithTimeout(parent, {n}*time.Second)
	return ctx.Err()
}}
"""


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "src"
    root.mkdir()
    (root / "go.mod").write_text("module example.com/p\n\ngo 1.22\n")
    for n in range(40):
        d = root / f"pkg{n % 5}"
        d.mkdir(exist_ok=True)
        (d / f"f{n}.go").write_text(LEAK.format(n=n) if n % 3 else "package p\n\nfunc g() {}\n")
    return root


def opts(tmp_path: Path, **kw) -> engine.Options:
    return engine.Options(cache_dir=str(tmp_path / "cache"), jobs=1, **kw)


def report(root: Path, options: engine.Options, fix: bool = False) -> str:
    results, errors = engine.run([root], options, fix=fix)
    assert not errors
    out = to_json(results)
    if fix:
        out += "".join(r.fixed.decode() for r in results if r.fixed)
    return out


def test_parallel_and_serial_give_identical_output(tree, tmp_path):
    serial = report(tree, engine.Options(jobs=1))
    parallel = report(tree, engine.Options(jobs=2))
    assert serial == parallel
    assert json.loads(serial), "the tree must produce findings for this test to mean anything"
    assert report(tree, engine.Options(jobs=1), fix=True) == report(tree, engine.Options(jobs=2), fix=True)


def test_warm_cache_gives_the_same_output(tree, tmp_path):
    o = opts(tmp_path)
    cold = report(tree, o)
    assert list((tmp_path / "cache").rglob("*.json")), "the cold run wrote no cache entries"
    assert report(tree, o) == cold
    assert report(tree, o, fix=True) == report(tree, replace(o, cache_dir=None), fix=True)
    assert report(tree, o, fix=True) == report(tree, replace(o, cache_dir=None), fix=True)


def test_content_change_invalidates(tree, tmp_path):
    o = opts(tmp_path)
    report(tree, o)
    target = tree / "pkg1" / "f1.go"
    target.write_text(target.read_text().replace("ctx, _ :=", "ctx, cancel :=").replace("return ctx.Err()", "defer cancel()\n\treturn ctx.Err()"))
    assert report(tree, o) == report(tree, replace(o, cache_dir=None))


def test_same_size_same_mtime_edit_is_not_trusted(tree, tmp_path):
    """A stat-identical rewrite inside the racy window must still be re-read."""
    import os

    o = opts(tmp_path)
    report(tree, o)
    target = tree / "pkg1" / "f1.go"
    st = target.stat()
    old = "WithTimeout(parent, 1*time.Second)"
    new = "WithCancel(parent".ljust(len(old) - 1) + ")"  # same size, different finding
    text = target.read_text()
    target.write_text(text.replace(old, new))
    assert target.stat().st_size == st.st_size
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert report(tree, o) == report(tree, replace(o, cache_dir=None))


def test_option_and_version_changes_invalidate(tree, tmp_path):
    o = opts(tmp_path)
    report(tree, o)
    ignored = replace(o, ignore=frozenset({"lost-cancel"}))
    assert json.loads(report(tree, ignored)) == []
    v = replace(o, go_version=(1, 23))
    assert report(tree, v) == report(tree, replace(v, cache_dir=None))
    (tree / "go.mod").write_text("module example.com/p\n\ngo 1.21\n")
    engine.clear_module_caches()
    assert report(tree, o) == report(tree, replace(o, cache_dir=None))


def test_rule_code_change_invalidates(tree, tmp_path, monkeypatch):
    o = opts(tmp_path)
    report(tree, o)
    k1 = cache_mod.Cache(tmp_path / "cache", o).prefix
    monkeypatch.setattr(cache_mod, "code_fingerprint", lambda: "different-code")
    engine._CACHES.clear()
    k2 = cache_mod.Cache(tmp_path / "cache", o).prefix
    assert k1 != k2
    # with a different code fingerprint, nothing of the old entries is used
    monkeypatch.setattr(engine, "analyze", counting(engine.analyze))
    report(tree, o)
    assert engine.analyze.calls > 0


def test_corrupt_entries_are_ignored(tree, tmp_path):
    o = opts(tmp_path)
    expected = report(tree, o)
    for p in (tmp_path / "cache").rglob("*.json"):
        p.write_text("{not json")
    engine._CACHES.clear()
    assert report(tree, o) == expected
    for p in (tmp_path / "cache").rglob("*.json"):
        if not p.name.startswith("index-"):
            p.write_text(json.dumps({"key": "wrong", "findings": []}))
    assert report(tree, o) == expected


TIMER = """package main

import "time"

func poll(c chan int) {
	for {
		select {
		case <-time.After(time.Second):
			return
		case <-c:
		}
	}
}

func main() {}
"""


def test_go_debug_directive_added_later_reaches_warm_timer_findings(tmp_path):
    """Files no timer rule looks at skip the //go:debug scan in warm runs; files a timer rule
    looks at must still see a directive added later (the hint becomes an error again)."""
    root = tmp_path / "m"
    root.mkdir()
    (root / "go.mod").write_text("module example.com/m\n\ngo 1.23\n")
    (root / "main.go").write_text(TIMER)
    (root / "other.go").write_text(LEAK.format(n=1).replace("package p", "package main"))
    o = opts(tmp_path)

    def severities():
        engine.clear_module_caches()
        engine._CACHES.clear()
        results, _ = engine.run([root], o)
        return {(f.rule, f.severity.value) for r in results for f in r.findings}

    assert severities() == {("time-after-in-loop", "hint"), ("lost-cancel", "error")}
    import time as _time

    _time.sleep(2.2)  # out of the racy window, as between two real runs
    assert severities() == {("time-after-in-loop", "hint"), ("lost-cancel", "error")}
    (root / "debug.go").write_text("//go:debug asynctimerchan=1\n\npackage main\n")
    assert severities() == {("time-after-in-loop", "error"), ("lost-cancel", "error")}


GENERATED = "// Code generated by hand for this test. DO NOT EDIT.\n\n" + LEAK.format(n=7)


@pytest.fixture
def warm_tree(tmp_path: Path, monkeypatch) -> Path:
    """A module on Go 1.23 (where //go:debug decides timer findings) with a timer file, a
    lost-cancel file and a generated file; the racy window is off so that no test sleeps
    (each edit below moves the file's mtime explicitly instead)."""
    monkeypatch.setattr(cache_mod.StatIndex, "RACY_NS", 0)
    root = tmp_path / "m"
    root.mkdir()
    (root / "go.mod").write_text("module example.com/m\n\ngo 1.23\n")
    (root / "timer.go").write_text(TIMER)
    (root / "other.go").write_text(LEAK.format(n=1).replace("package p", "package main"))
    (root / "gen.go").write_text(GENERATED.replace("package p", "package main"))
    return root


def _warm_run(root: Path, o: engine.Options) -> set[tuple[str, str, str]]:
    engine.clear_module_caches()
    engine._CACHES.clear()
    results, errors = engine.run([root], o)
    assert not errors
    return {(Path(r.path).name, f.rule, f.severity.value) for r in results for f in r.findings}


def _rewrite(path: Path, text: str) -> None:
    """Write text with an mtime older than the index (as `cp -p`, `mv` or an archive leave
    it), so that only the file's changed stat, not its age, can tell the index about it."""
    import os

    st = path.stat()
    path.write_text(text)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns - 10_000_000_000))


def test_warm_run_reads_no_file_and_scans_no_directory(warm_tree, tmp_path, monkeypatch):
    o = opts(tmp_path)
    expected = {("timer.go", "time-after-in-loop", "hint"), ("other.go", "lost-cancel", "error")}
    assert _warm_run(warm_tree, o) == expected
    reads = counting(engine.read_target)
    scans = counting(engine._dir_has_debug_directive)
    scans.cache_clear = engine._dir_has_debug_directive.cache_clear
    monkeypatch.setattr(engine, "read_target", reads)
    monkeypatch.setattr(engine, "_dir_has_debug_directive", scans)
    assert _warm_run(warm_tree, o) == expected
    assert (reads.calls, scans.calls) == (0, 0), "a warm run with nothing changed read files again"


def test_directive_added_to_an_unchanged_directory_file_reaches_warm_runs(warm_tree, tmp_path):
    """other.go gains the //go:debug line; timer.go itself is unchanged and its stat still
    matches, so only the directory's listing can tell that its finding is an error now."""
    o = opts(tmp_path)
    assert ("timer.go", "time-after-in-loop", "hint") in _warm_run(warm_tree, o)
    other = warm_tree / "other.go"
    _rewrite(other, "//go:debug asynctimerchan=1\n\n" + other.read_text())
    assert ("timer.go", "time-after-in-loop", "error") in _warm_run(warm_tree, o)
    _rewrite(other, other.read_text().replace("//go:debug asynctimerchan=1\n\n", ""))
    assert ("timer.go", "time-after-in-loop", "hint") in _warm_run(warm_tree, o)


def test_generated_file_is_remembered_until_it_changes(warm_tree, tmp_path):
    o = opts(tmp_path)
    assert not any(name == "gen.go" for name, _, _ in _warm_run(warm_tree, o))
    assert not any(name == "gen.go" for name, _, _ in _warm_run(warm_tree, o))
    gen = warm_tree / "gen.go"
    _rewrite(gen, gen.read_text().replace("// Code generated by hand for this test. DO NOT EDIT.\n\n", ""))
    assert ("gen.go", "lost-cancel", "error") in _warm_run(warm_tree, o)
    # named on the command line, a generated file is analysed even when the index knows it
    _rewrite(gen, GENERATED.replace("package p", "package main"))
    _warm_run(warm_tree, o)
    results, _ = engine.run([gen], o)
    assert [f.rule for r in results for f in r.findings] == ["lost-cancel"]


def test_version_change_rereads_files_that_had_no_findings(warm_tree, tmp_path, monkeypatch):
    """No rule today finds nothing on one Go version and something on another, so "clean"
    could look version-proof; the index must still not carry it over a go.mod change."""
    (warm_tree / "clean.go").write_text("package main\n\nfunc clean() {}\n")
    o = opts(tmp_path)
    _warm_run(warm_tree, o)
    reads = counting(engine.read_target)
    monkeypatch.setattr(engine, "read_target", reads)
    _warm_run(warm_tree, o)
    assert reads.calls == 0
    (warm_tree / "go.mod").write_text("module example.com/m\n\ngo 1.22\n")
    assert ("timer.go", "time-after-in-loop", "error") in _warm_run(warm_tree, o)
    assert reads.calls == 3, "files read again after the go line changed (gen.go stays skipped)"


def test_index_entries_of_the_wrong_shape_are_not_trusted(tree, tmp_path):
    o = opts(tmp_path)
    expected = report(tree, o)
    (index,) = (tmp_path / "cache").glob("index-*.json")
    data = json.loads(index.read_text())
    tag = engine.module_tag(engine.module_info(tree / "pkg0" / "f0.go", o), False)
    bad = [[None, "", 0, tag, ""], [["x"], "", 0, tag, ""], ["d", 7, 0, tag, ""], ["d", "", "yes", tag, ""],
           ["d", "", 0, None, ""], ["d", "", 0, tag, None]]
    for n, entry in enumerate(data["entries"].values()):  # stats and tags match: other fields lie
        entry[3:] = bad[n % len(bad)]
    data["dirs"] = {d: "garbage" for d in data.get("dirs", {})} or {str(tree): [None, 1]}
    data["written_ns"] = 2**62  # every entry out of the racy window
    index.write_text(json.dumps(data))
    engine._CACHES.clear()
    assert report(tree, o) == expected


def _indexed(tmp_path: Path) -> set[str]:
    (index,) = (tmp_path / "cache").glob("index-*.json")
    return set(json.loads(index.read_text())["entries"])


@pytest.mark.parametrize("how", ["absolute", "relative", "cwd"])
def test_index_forgets_deleted_files_under_the_scanned_directory_only(tree, tmp_path, monkeypatch, how):
    o = opts(tmp_path)
    if how == "absolute":
        root, sub = tree, tree / "pkg0"
    else:
        monkeypatch.chdir(tree.parent if how == "relative" else tree)
        root = Path("src") if how == "relative" else Path(".")
        sub = root / "pkg0"
    outside = tmp_path / "other"  # scanned once, never under root: its entries must stay
    outside.mkdir()
    (outside / "o.go").write_text(LEAK.format(n=99))
    report(outside, o)
    report(root, o)
    before = _indexed(tmp_path)
    assert len(before) == 41
    (tree / "pkg1" / "f1.go").unlink()
    (tree / "pkg0" / "f5.go").unlink()
    report(sub, o)  # a run over pkg0 forgets pkg0's deleted file and keeps pkg1's entries
    after_sub = _indexed(tmp_path)
    assert len(after_sub) == 40 and not any(p.endswith("f5.go") for p in after_sub)
    report(root, o)
    assert len(_indexed(tmp_path)) == 39


def _fix_run(root: Path, o: engine.Options) -> dict[str, bytes | None]:
    engine.clear_module_caches()
    engine._CACHES.clear()
    results, errors = engine.run([root], o, fix=True)
    assert not errors
    return {Path(r.path).name: r.fixed for r in results}


def test_warm_fix_run_rereads_only_the_files_with_findings(warm_tree, tmp_path, monkeypatch):
    """A fix run trusts the index for files in which nothing was found (nothing to fix
    there either); a file with findings is fixed again, never given a check's result."""
    (warm_tree / "clean.go").write_text("package main\n\nfunc clean() {}\n")
    o = opts(tmp_path)
    cold = _fix_run(warm_tree, engine.Options(jobs=1))
    assert cold["other.go"] and b"defer cancel()" in cold["other.go"]
    _warm_run(warm_tree, o)  # a check fills the index: other.go has a finding, clean.go none
    read: list[str] = []
    real = engine.read_target

    def spy(target, *a, **kw):
        read.append(Path(target.path).name)
        return real(target, *a, **kw)

    monkeypatch.setattr(engine, "read_target", spy)
    for _ in range(2):  # after the check's index, and after the fix run's own
        read.clear()
        assert _fix_run(warm_tree, o) == cold
        assert "other.go" in read and "clean.go" not in read


def test_a_clean_file_that_gains_a_leak_is_fixed_by_a_warm_fix_run(warm_tree, tmp_path):
    clean = warm_tree / "clean.go"
    clean.write_text("package main\n\nfunc clean() {}\n")
    o = opts(tmp_path)
    _fix_run(warm_tree, o)
    _rewrite(clean, LEAK.format(n=7).replace("package p", "package main"))
    fixed = _fix_run(warm_tree, o)["clean.go"]
    assert fixed and b"defer cancel()" in fixed
