"""What a developer at a terminal expects: a summary line, --statistics, colour, a clean
--help, shell completion, --stdin-filename, .gitignore respected. Through the real CLI."""

from __future__ import annotations

import json
import os
import pty
import re
import select
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

LEAK = """package {pkg}

import (
	"context"
	"time"
)

func F(parent context.Context) error {{
	ctx, _ := context.WithTimeout(parent, time.Second)
	return ctx.Err()
}}
"""
CLEAN = "package p\n\nfunc G() int { return 1 }\n"
ESC = "\x1b["


def env_without(*names: str, **extra: str) -> dict:
    e = {k: v for k, v in os.environ.items() if k not in names}
    e.update(extra)
    return e


def gofix(cwd: Path, *args: str, stdin: bytes | None = None, env: dict | None = None,
          cache: bool = False) -> subprocess.CompletedProcess:
    argv = [sys.executable, "-m", "gofix", *args] + ([] if cache else ["--no-cache"])
    return subprocess.run(argv, cwd=cwd, capture_output=True, input=stdin, timeout=120,
                          env=env if env is not None else env_without("NO_COLOR", "FORCE_COLOR"))


def out(r: subprocess.CompletedProcess) -> str:
    return r.stdout.decode()


def err(r: subprocess.CompletedProcess) -> str:
    return r.stderr.decode()


@pytest.fixture
def mod(tmp_path: Path) -> Path:
    (tmp_path / "go.mod").write_text("module example.com/m\n\ngo 1.22\n")
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "a.go").write_text(LEAK.format(pkg="a"))
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "b.go").write_text(LEAK.format(pkg="b") + LEAK.format(pkg="b").split("\n", 7)[7].replace("F(", "H("))
    (tmp_path / "c.go").write_text(CLEAN)
    return tmp_path


def test_summary_line_on_stderr(mod):
    r = gofix(mod, "check", ".")
    assert r.returncode == 1
    assert err(r).strip().splitlines()[-1] == "Found 3 findings (3 fixable) in 2 files"
    r = gofix(mod, "check", "c.go")
    assert r.returncode == 0 and err(r).strip() == "No findings in 1 file"
    # machine formats keep stdout clean: the summary is on stderr only
    r = gofix(mod, "check", "--format", "json", ".")
    assert len(json.loads(out(r))) == 3 and "Found 3 findings" in err(r)


def test_statistics(mod):
    r = gofix(mod, "check", "--statistics", ".")
    assert r.returncode == 1
    assert out(r) == "3  lost-cancel  3 fixable\n"
    r = gofix(mod, "check", "--statistics", "--format", "json", ".")
    assert json.loads(out(r)) == [{"rule": "lost-cancel", "count": 3, "fixable": 3}]
    assert gofix(mod, "check", "--statistics", "--format", "sarif", ".").returncode == 2


def _run_in_pty(cwd: Path, args: list[str], env: dict) -> str:
    """stdout and stderr of gofix on a pseudo-terminal (so that auto sees a terminal)."""
    master, slave = pty.openpty()
    p = subprocess.Popen([sys.executable, "-m", "gofix", *args, "--no-cache"], cwd=cwd, env=env,
                         stdin=subprocess.DEVNULL, stdout=slave, stderr=slave)
    os.close(slave)
    chunks = []
    while True:
        ready, _, _ = select.select([master], [], [], 60)
        if not ready:
            break
        try:
            data = os.read(master, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    p.wait(timeout=60)
    os.close(master)
    return b"".join(chunks).decode(errors="replace")


def test_colour(mod):
    r = gofix(mod, "check", "--color", "always", ".")
    text = out(r)
    assert ESC + "1;31merror:" in text and ESC in err(r)
    plain = re.sub(r"\x1b\[[0-9;]*m", "", text)
    assert plain == out(gofix(mod, "check", "--color", "never", "."))
    # auto: not on a pipe ...
    assert ESC not in out(gofix(mod, "check", "."))
    # ... on a terminal, unless NO_COLOR is set
    env = env_without("NO_COLOR", "TERM", TERM="xterm", COLUMNS="200")
    assert ESC + "1;31merror:" in _run_in_pty(mod, ["check", "."], env)
    env["NO_COLOR"] = "1"
    assert ESC not in _run_in_pty(mod, ["check", "."], env)
    assert gofix(mod, "check", "--color", "sometimes", ".").returncode == 2


@pytest.mark.parametrize("command", ["check", "diff", "fix", "rules", "lsp", "bot", "triage", ""])
def test_help_shows_no_bool_metavar(tmp_path, command):
    env = env_without("NO_COLOR", COLUMNS="200", TERM="dumb")
    r = gofix(tmp_path, *([command] if command else []), "--help", env=env, cache=True)
    assert r.returncode == 0, err(r)
    assert "<bool>" not in out(r)
    if command == "check":
        assert re.search(r"--statistics\s+Print", out(r))  # a flag: nothing between it and its help
        assert re.search(r"--since\s+REF\s", out(r))  # an option with a value keeps its metavar


def test_install_completion(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    # typer detects the shell from the process tree (shellingham), which a CI runner or an
    # agent's sandbox may not have; typer's own switch makes the shell an explicit argument
    env = env_without("NO_COLOR", HOME=str(home), SHELL="/bin/bash", _TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION="1")
    r = gofix(tmp_path, "--install-completion", "bash", env=env, cache=True)
    assert r.returncode == 0, err(r)
    script = (home / ".bash_completions" / "gofix.sh").read_text()
    assert "_GOFIX_COMPLETE=complete_bash" in script
    assert "gofix.sh" in (home / ".bashrc").read_text()
    # the completion it installs answers
    env.update(_GOFIX_COMPLETE="complete_bash", COMP_WORDS="gofix check --stat", COMP_CWORD="2")
    r = subprocess.run([sys.executable, "-m", "gofix"], env=env, capture_output=True, text=True, timeout=60)
    assert "--statistics" in r.stdout.split()


def test_stdin_filename(mod):
    src = (mod / "a" / "a.go").read_bytes()
    r = gofix(mod, "check", "--stdin-filename", "a/new.go", stdin=src)
    assert r.returncode == 1, err(r)
    assert out(r).startswith("a/new.go:9:12: error:")
    assert not (mod / "a" / "new.go").exists()
    r = gofix(mod, "fix", "--stdin-filename", "a/new.go", stdin=src)
    assert r.returncode == 1 and "\tdefer cancel()\n" in out(r)
    assert (mod / "a" / "a.go").read_bytes() == src  # nothing written
    r = gofix(mod, "diff", "--stdin-filename", "a/new.go", stdin=src)
    assert r.returncode == 1 and "+++ b/a/new.go" in out(r)
    r = gofix(mod, "fix", "--stdin-filename", "c.go", stdin=CLEAN.encode())
    assert r.returncode == 0 and out(r) == CLEAN


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not on PATH")
def test_gitignore_is_respected(mod):
    subprocess.run(["git", "init", "-q"], cwd=mod, check=True)
    (mod / ".gitignore").write_text("# build output\n/b/\n*.gen.go\n!keep.gen.go\n")
    (mod / "a" / "x.gen.go").write_text(LEAK.format(pkg="a"))
    (mod / "a" / "keep.gen.go").write_text(LEAK.format(pkg="a"))
    (mod / "a" / ".gitignore").write_text("local.go\n")
    (mod / "a" / "local.go").write_text(LEAK.format(pkg="a"))
    (mod / "d").mkdir()
    (mod / "d" / "d.go").write_text(LEAK.format(pkg="d"))
    (mod / ".git" / "info").mkdir(exist_ok=True)
    (mod / ".git" / "info" / "exclude").write_text("d/\n")

    def found(*args: str) -> list[str]:
        r = gofix(mod, "check", "--format", "json", *args)
        return sorted(f["path"] for f in json.loads(out(r)))

    assert found(".") == ["a/a.go", "a/keep.gen.go"]
    assert found("./...") == ["a/a.go", "a/keep.gen.go"]
    # named on the command line: analysed although ignored
    assert found("b") == ["b/b.go", "b/b.go"]
    assert found("a/local.go") == ["a/local.go"]


UNSAFE_ONLY = """package p

import (
	"context"
	"database/sql"
)

func F(ctx context.Context, db *sql.DB) {
	db.Exec("x")
}
"""


def test_fixable_counts_each_file_under_its_own_config(tmp_path):
    # b's config turns unsafe fixes on: its no-ctx-request fix is one `gofix fix .` applies
    # there, so a check from the root counts it fixable; a's, under no config, is not
    (tmp_path / "go.mod").write_text("module example.com/m\n\ngo 1.22\n")
    for d in ("a", "b"):
        (tmp_path / d).mkdir()
        (tmp_path / d / "x.go").write_text(UNSAFE_ONLY)
    (tmp_path / "b" / "gofix.toml").write_text("unsafe-fixes = true\n")
    r = gofix(tmp_path, "check", "--select", "no-ctx-request", ".")
    assert err(r).strip().splitlines()[-1] == "Found 2 findings (1 fixable) in 2 files"
    r = gofix(tmp_path, "check", "--select", "no-ctx-request", "--statistics", ".")
    assert out(r) == "2  no-ctx-request  1 fixable\n"
