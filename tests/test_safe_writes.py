"""`gofix fix` never loses or corrupts a file, and bad input gets a clear one-line error.

Atomic writes keep the mode, the line endings and a byte order mark; links out of the
scanned tree, read-only files and directories, files edited meanwhile and files with
uncommitted git changes are refused; every refusal names the file, and the exit status is
2 only when nothing at all could be processed.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gofix import writer
from gofix.cli import app
from gofix.writer import BOM, Layout, WriteError, write_atomic

LEAK = b"""package p

import (
	"context"
	"time"
)

func f(parent context.Context) error {
	ctx, _ := context.WithTimeout(parent, time.Second)
	return ctx.Err()
}
"""
FIXED = LEAK.replace(b"ctx, _ :=", b"ctx, cancel :=").replace(b"time.Second)\n", b"time.Second)\n\tdefer cancel()\n")


def fix(*args: str):
    return CliRunner().invoke(app, ["fix", "--no-cache", "--no-verify", *args])


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "src"
    root.mkdir()
    (root / "go.mod").write_text("module example.com/p\n\ngo 1.22\n")
    return root


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file() and not p.is_symlink()}


# --- layout: CRLF and BOM --------------------------------------------------------------------


@pytest.mark.parametrize("bom,crlf", [(False, True), (True, False), (True, True)])
def test_fix_keeps_crlf_and_bom(tree, bom, crlf):
    src = LEAK.replace(b"\n", b"\r\n") if crlf else LEAK
    src = BOM + src if bom else src
    want = FIXED.replace(b"\n", b"\r\n") if crlf else FIXED
    want = BOM + want if bom else want
    (tree / "leak.go").write_bytes(src)
    r = fix(str(tree))
    assert r.exit_code == 1, r.output
    assert (tree / "leak.go").read_bytes() == want


@pytest.mark.parametrize("bom,crlf", [(False, False), (False, True), (True, False), (True, True)])
def test_json_edit_offsets_are_offsets_into_the_file_on_disk(tree, bom, crlf):
    src = LEAK.replace(b"\n", b"\r\n") if crlf else LEAK
    src = BOM + src if bom else src
    (tree / "leak.go").write_bytes(src)
    r = CliRunner().invoke(app, ["check", "--no-cache", "--format", "json", str(tree)])
    (item,) = json.loads(r.stdout)
    out = src
    for e in sorted(item["fix"]["edits"], key=lambda e: e["start"], reverse=True):
        out = out[: e["start"]] + e["text"].encode() + out[e["end"]:]
    want = FIXED.replace(b"\n", b"\r\n") if crlf else FIXED
    assert out == (BOM + want if bom else want)
    assert item["line"] == 9


def test_mixed_line_endings_are_left_alone():
    src = b"package p\r\n\nfunc f() {}\n"
    layout = Layout.of(src)
    assert layout.plain and layout.normalize(src) == src


def test_layout_round_trip():
    for src in (b"", b"\r\n", b"a\r\r\nb\r\n", BOM + b"x\r\n", BOM, b"\r", b"a\nb"):
        layout = Layout.of(src)
        assert layout.restore(layout.normalize(src)) == src


def test_diff_of_crlf_file_applies_with_git(tree):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    (tree / "leak.go").write_bytes(LEAK.replace(b"\n", b"\r\n"))
    cwd = os.getcwd()
    os.chdir(tree)
    try:
        r = CliRunner().invoke(app, ["diff", "--no-cache", "leak.go"])
    finally:
        os.chdir(cwd)
    assert r.exit_code == 1
    patch = tree / "p.diff"
    patch.write_bytes(r.stdout_bytes)
    subprocess.run(["git", "init", "-q"], cwd=tree, check=True)
    p = subprocess.run(["git", "apply", "p.diff"], cwd=tree, capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    assert (tree / "leak.go").read_bytes() == FIXED.replace(b"\n", b"\r\n")


# --- write_atomic ------------------------------------------------------------------------------


def test_mode_is_kept(tmp_path):
    p = tmp_path / "a.go"
    p.write_bytes(b"old")
    os.chmod(p, 0o751)
    write_atomic(p, b"new")
    assert p.read_bytes() == b"new" and stat.S_IMODE(p.stat().st_mode) == 0o751
    assert [x.name for x in tmp_path.iterdir()] == ["a.go"]  # no temp file left


def test_read_only_file_and_directory_are_refused(tmp_path):
    p = tmp_path / "a.go"
    p.write_bytes(b"old")
    os.chmod(p, 0o444)
    with pytest.raises(WriteError, match="read-only"):
        write_atomic(p, b"new")
    os.chmod(p, 0o644)
    os.chmod(tmp_path, 0o555)
    try:
        with pytest.raises(WriteError, match="directory .* read-only"):
            write_atomic(p, b"new")
    finally:
        os.chmod(tmp_path, 0o755)
    assert p.read_bytes() == b"old"


def test_file_changed_meanwhile_is_refused(tmp_path):
    p = tmp_path / "a.go"
    p.write_bytes(b"edited by the user")
    with pytest.raises(WriteError, match="changed on disk"):
        write_atomic(p, b"new", expected=b"old")
    assert p.read_bytes() == b"edited by the user"


def test_failed_rename_leaves_original_and_no_temp(tmp_path, monkeypatch):
    p = tmp_path / "a.go"
    p.write_bytes(b"old")

    def fail(*a, **k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(writer.os, "replace", fail)
    with pytest.raises(WriteError, match="No space left"):
        write_atomic(p, b"new")
    assert p.read_bytes() == b"old" and [x.name for x in tmp_path.iterdir()] == ["a.go"]


def test_symlink_inside_tree_is_written_through(tree):
    (tree / "real.go").write_bytes(LEAK)
    (tree / "sub").mkdir()
    (tree / "sub" / "link.go").symlink_to("../real.go")
    write_atomic(tree / "sub" / "link.go", FIXED, roots=[tree.resolve()])
    assert (tree / "sub" / "link.go").is_symlink()
    assert (tree / "real.go").read_bytes() == FIXED


def test_symlink_out_of_tree_is_never_followed(tree, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "victim.go").write_bytes(LEAK)
    (tree / "link.go").symlink_to(outside / "victim.go")
    with pytest.raises(WriteError, match="outside the scanned tree"):
        write_atomic(tree / "link.go", FIXED, roots=[tree.resolve()])
    # through the CLI: a walked tree skips the link, a named link is refused
    r = fix(str(tree))
    assert r.exit_code == 0
    r = fix(str(tree / "link.go"))
    assert "link.go: error:" in r.stderr and "outside the scanned tree" in r.stderr
    assert (outside / "victim.go").read_bytes() == LEAK


def test_fix_writes_through_a_link_inside_the_tree_once(tree):
    (tree / "real.go").write_bytes(LEAK)
    (tree / "alias.go").symlink_to("real.go")
    r = fix(str(tree))
    assert r.exit_code == 1, r.output
    assert (tree / "real.go").read_bytes() == FIXED and (tree / "alias.go").is_symlink()


# --- git: uncommitted changes -------------------------------------------------------------------


def git(root: Path, *args: str) -> None:
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.com",
               GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.com")
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, env=env)


@pytest.fixture
def repo(tree):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    (tree / "clean.go").write_bytes(LEAK)
    (tree / "dirty.go").write_bytes(LEAK.replace(b"func f", b"func g"))
    git(tree, "init", "-q")
    git(tree, "add", ".")
    git(tree, "commit", "-q", "-m", "init")
    (tree / "dirty.go").write_bytes(LEAK.replace(b"func f", b"func h"))
    (tree / "new.go").write_bytes(LEAK.replace(b"func f", b"func k"))  # untracked
    return tree


def test_dirty_files_are_refused(repo):
    before = snapshot(repo)
    r = fix(str(repo))
    assert r.exit_code == 1, r.output
    assert "dirty.go: error: has uncommitted changes" in r.stderr and "--allow-dirty" in r.stderr
    assert "new.go: error: has uncommitted changes" in r.stderr
    after = snapshot(repo)
    assert after["dirty.go"] == before["dirty.go"] and after["new.go"] == before["new.go"]
    assert after["clean.go"] == FIXED


def test_staged_changes_are_dirty_too(repo):
    git(repo, "add", "dirty.go")
    r = fix(str(repo / "dirty.go"))
    assert r.exit_code == 2 and "uncommitted changes" in r.stderr  # nothing could be processed


def test_allow_dirty(repo):
    r = fix("--allow-dirty", str(repo))
    assert r.exit_code == 1
    assert b"defer cancel()" in (repo / "dirty.go").read_bytes()
    assert b"defer cancel()" in (repo / "new.go").read_bytes()


# --- bad input: one line naming the file, exit 2 only if nothing was processed -----------------


@pytest.mark.parametrize("case", ["missing", "syntax", "latin1", "too-big", "read-only-file", "read-only-dir", "bad-go-mod"])
def test_bad_input(tree, case):
    bad_dir = tree
    target = tree / "bad.go"
    expect = ""
    if case == "missing":
        target = tree / "nope.go"
        expect = "no such file"
    elif case == "syntax":
        target.write_bytes(LEAK.replace(b"ctx.Err()", b"ctx.Err(("))
        expect = "syntax error"
    elif case == "latin1":
        target.write_bytes(LEAK.replace(b"package p", b"package p // caf\xe9"))
        expect = "not valid UTF-8"
    elif case == "too-big":
        target.write_bytes(LEAK + b"// " + b"x" * 5000 + b"\n")
        expect = "over the 4096-byte limit"
    elif case == "read-only-file":
        target.write_bytes(LEAK)
        os.chmod(target, 0o444)
        expect = "read-only"
    elif case == "read-only-dir":
        bad_dir = tree / "ro"
        bad_dir.mkdir()
        target = bad_dir / "bad.go"
        target.write_bytes(LEAK)
        expect = "read-only"
    elif case == "bad-go-mod":
        bad_dir = tree / "sub"
        bad_dir.mkdir()
        (bad_dir / "go.mod").write_text("module example.com/sub\n\ngo one.two\n")
        target = bad_dir / "bad.go"
        target.write_bytes(LEAK)
        expect = "go.mod"
    (tree / "good.go").write_bytes(LEAK.replace(b"func f", b"func good"))
    before = snapshot(tree)
    if case == "read-only-dir":
        os.chmod(bad_dir, 0o555)
    try:
        alone = fix("--max-file-size", "4096", str(target))
        both = fix("--max-file-size", "4096", str(target), str(tree / "good.go"))
    finally:
        os.chmod(bad_dir, 0o755)
    lines = [ln for ln in alone.stderr.splitlines() if "error" in ln]
    assert len(lines) == 1 and target.name in lines[0] and expect in lines[0], alone.stderr
    assert alone.exit_code == 2, alone.output
    assert both.exit_code == 1, both.output  # good.go was fixed
    after = snapshot(tree)
    if target.exists():
        assert after[str(target.relative_to(tree))] == before[str(target.relative_to(tree))]
    assert after["good.go"] != before["good.go"]


def test_config_errors_are_one_line_and_exit_two(tree):
    (tree / "leak.go").write_bytes(LEAK)
    (tree / ".gofix.toml").write_text("select = [\n")
    r = fix(str(tree))
    assert r.exit_code == 2 and ".gofix.toml" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    (tree / ".gofix.toml").write_text("max-file-size = -1\n")
    r = fix(str(tree))
    assert r.exit_code == 2 and "max-file-size" in r.stderr
    (tree / ".gofix.toml").write_text("max-file-size = 100\n")
    r = fix(str(tree))
    assert "over the 100-byte limit" in r.stderr and r.exit_code == 2
    assert (tree / "leak.go").read_bytes() == LEAK


def test_first_line_columns_count_the_bom_as_go_does():
    from gofix.model import Finding, Position, Severity

    src = BOM + b"package p\n"
    layout = Layout.of(src)
    text = layout.normalize(src)
    f = Finding("r", Severity.ERROR, "m", 8, 9, Position(1, 9), Position(1, 10))
    g = Finding("r", Severity.ERROR, "m", 9, 10, Position(2, 1), Position(2, 1))
    from gofix.model import FileResult

    out = layout.restore_result(FileResult("x.go", [f, g], source=text), src, text)
    assert (out.findings[0].start.column, out.findings[0].start_byte) == (12, 11)  # "p" as go/token says
    assert out.findings[1].start.column == 1
