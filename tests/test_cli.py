"""The CLI face: output contract, exit codes, per-file errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gofix.cli import app
from helpers import counting

runner = CliRunner()

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

CLEAN = b"""package p

func g() int { return 1 }
"""


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / "go.mod").write_text("module example.com/p\n\ngo 1.22\n")
    (tmp_path / "leak.go").write_bytes(LEAK)
    (tmp_path / "clean.go").write_bytes(CLEAN)
    return tmp_path


def invoke(*args: str):
    return runner.invoke(app, list(args))


def test_check_json_contract(tree):
    r = invoke("check", "--format", "json", str(tree))
    assert r.exit_code == 1, r.output
    items = json.loads(r.stdout)
    assert len(items) == 1
    f = items[0]
    for key in ("path", "line", "column", "end_line", "end_column", "rule", "severity", "message", "fix"):
        assert key in f
    assert f["rule"] == "lost-cancel" and f["severity"] == "error"
    # points at the context.WithTimeout call
    assert (f["line"], f["column"]) == (9, 12)
    assert f["fix"]["applicability"] == "safe"
    src = LEAK
    fixed = src
    for e in sorted(f["fix"]["edits"], key=lambda e: e["start"], reverse=True):
        fixed = fixed[: e["start"]] + e["text"].encode() + fixed[e["end"] :]
    assert b"ctx, cancel := context.WithTimeout" in fixed and b"\tdefer cancel()\n" in fixed


def test_check_clean_exits_zero(tree):
    r = invoke("check", str(tree / "clean.go"))
    assert r.exit_code == 0 and r.stdout == ""


def test_usage_errors_exit_two(tree):
    assert invoke("check", "--select", "no-such-rule", str(tree)).exit_code == 2
    assert invoke("check", "--format", "xml", str(tree)).exit_code == 2
    assert invoke("check", "--go-version", "one", str(tree)).exit_code == 2
    assert invoke("rules", "no-such-rule").exit_code == 2


def test_missing_path_is_reported_and_others_processed(tree):
    r = invoke("check", str(tree / "nope.go"), str(tree / "leak.go"))
    assert r.exit_code == 1
    assert "nope.go" in r.stderr and "no such file" in r.stderr


def test_only_missing_paths_exit_two(tree):
    r = invoke("check", str(tree / "nope.go"))
    assert r.exit_code == 2


def test_syntax_error_and_non_utf8_files(tree):
    broken = tree / "broken.go"
    broken.write_bytes(LEAK.replace(b"return ctx.Err()", b"return ctx.Err(("))
    latin = tree / "latin.go"
    latin.write_bytes(LEAK.replace(b"package p", b"package p // caf\xe9"))
    before = {p: p.read_bytes() for p in tree.iterdir()}
    # broken.go keeps the package from type-checking, so verification could not check the
    # fix to leak.go: --apply-unverified applies it anyway
    r = invoke("fix", "--apply-unverified", str(tree))
    assert "broken.go: error: syntax error" in r.stderr
    assert "latin.go: error: not valid UTF-8" in r.stderr
    assert r.exit_code == 1  # leak.go was still fixed
    assert broken.read_bytes() == before[broken] and latin.read_bytes() == before[latin]
    assert b"defer cancel()" in (tree / "leak.go").read_bytes()


def test_diff_applies_with_git(tree, tmp_path, monkeypatch):
    import shutil

    from unidiff import PatchSet

    if shutil.which("git") is None:
        pytest.skip("git is not on PATH: cannot check that the diff applies")
    monkeypatch.chdir(tree)
    r = invoke("diff", "leak.go")
    assert r.exit_code == 1
    patch = PatchSet(r.stdout)
    assert [f.path for f in patch] == ["leak.go"]
    assert patch[0].added == 1 + 1 and patch[0].removed == 1  # renamed `_`, one defer line
    subprocess.run(["git", "init", "-q"], cwd=tree, check=True)
    (tree / "p.diff").write_text(r.stdout)
    check = subprocess.run(["git", "apply", "--check", "p.diff"], cwd=tree, capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    subprocess.run(["git", "apply", "p.diff"], cwd=tree, check=True)
    applied = (tree / "leak.go").read_bytes()
    (tree / "leak.go").write_bytes(LEAK)
    assert invoke("fix", "--no-verify", "--allow-dirty", "leak.go").exit_code == 1  # untracked in git
    assert (tree / "leak.go").read_bytes() == applied, "diff and fix disagree"
    r2 = invoke("diff", "leak.go")
    assert r2.exit_code == 0 and r2.stdout == ""


def test_go_version_gating_from_go_mod(tmp_path):
    (tmp_path / "go.mod").write_text("module example.com/p\n\ngo 1.23\n")
    (tmp_path / "t.go").write_text(
        'package p\n\nimport "time"\n\nfunc f(c chan int) {\n\tfor {\n\t\tselect {\n'
        "\t\tcase <-time.After(time.Second):\n\t\t\treturn\n\t\tcase <-c:\n\t\t}\n\t}\n}\n"
    )
    r = invoke("check", "--format", "json", str(tmp_path))
    items = json.loads(r.stdout)
    timer = [i for i in items if i["rule"] == "time-after-in-loop"]
    assert timer, "time-after-in-loop must report the select in the loop"
    assert all(i["severity"] == "hint" for i in timer)
    assert r.exit_code == 0  # hints alone do not fail check
    r = invoke("check", "--format", "json", "--go-version", "1.22", str(tmp_path))
    assert {i["severity"] for i in json.loads(r.stdout) if i["rule"] == "time-after-in-loop"} == {"error"}
    assert r.exit_code == 1


def test_rules_lists_and_documents_every_rule():
    from codemods import RULES

    r = invoke("rules")
    assert r.exit_code == 0
    for rule in RULES:
        assert rule.id in r.stdout
        doc = invoke("rules", rule.id)
        assert doc.exit_code == 0 and doc.stdout.startswith(f"{rule.id}: ")


def test_module_entry_point():
    r = subprocess.run([sys.executable, "-m", "gofix", "rules"], capture_output=True, text=True)
    assert r.returncode == 0 and "lost-cancel" in r.stdout


def test_suppression_comments(tree):
    src = LEAK.replace(b"time.Second)\n", b"time.Second) //nolint:lostcancel\n")
    (tree / "leak.go").write_bytes(src)
    assert invoke("check", str(tree / "leak.go")).exit_code == 0
    (tree / "leak.go").write_bytes(LEAK.replace(b"\tctx, _", b"\t//gofix:ignore unclosed-body\n\tctx, _"))
    assert invoke("check", str(tree / "leak.go")).exit_code == 1


def test_generated_vendor_and_testdata_are_skipped(tree):
    for sub in ("vendor", "testdata", ".hidden", "_old"):
        (tree / sub).mkdir()
        (tree / sub / "x.go").write_bytes(LEAK)
    (tree / "gen.go").write_bytes(b"// Code generated by hand. DO NOT EDIT.\n\n" + LEAK)
    r = invoke("check", "--format", "json", str(tree))
    paths = {Path(i["path"]).name for i in json.loads(r.stdout)}
    assert paths == {"leak.go"}


def test_named_file_with_syntax_error_is_reported_even_without_candidates(tmp_path):
    bad = tmp_path / "bad.go"
    bad.write_text("package p\n\nfunc f( {\n")
    r = invoke("check", str(bad))
    assert r.exit_code == 2 and "syntax error at 3:" in r.stderr


def test_progress_bar_on_a_terminal_counts_every_file(tmp_path):
    """On a terminal, the bar's total comes from the run's own discovery and every file
    ticks it once: the final frame shows N/N."""
    import os
    import pty

    (tmp_path / "go.mod").write_text("module example.com/p\n\ngo 1.22\n")
    for n in range(25):
        (tmp_path / f"f{n}.go").write_bytes(LEAK if n % 2 else CLEAN)
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "gofix", "check", "--no-cache", "--jobs", "1", str(tmp_path)],
                            stdout=subprocess.DEVNULL, stderr=slave, env=dict(os.environ, COLUMNS="100"))
    os.close(slave)
    out = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        out += chunk
    os.close(master)
    assert proc.wait(timeout=60) == 1
    assert b"scanning" in out and b"25/25" in out, out[-500:]


def test_progress_bar_walks_the_tree_once(tree, monkeypatch):
    from gofix import cli, engine

    walks = counting(engine.discover)
    monkeypatch.setattr(engine, "discover", walks)
    events: list = []

    class Recorder:
        def start(self, total: int) -> None:
            events.append(("start", total))

        def tick(self) -> None:
            events.append("tick")

        def stop(self) -> None:
            events.append("stop")

    monkeypatch.setattr(cli, "_ProgressBar", Recorder)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    options = cli.build_options([tree], None, None, False, None, None, None, None)
    cli._run([tree], options, fix=False, no_progress=False)
    assert walks.calls == 1
    assert events == [("start", 2), "tick", "tick", "stop"]


def test_version():
    from gofix import __version__

    r = invoke("--version")
    assert r.exit_code == 0 and r.stdout == f"gofix {__version__}\n"
