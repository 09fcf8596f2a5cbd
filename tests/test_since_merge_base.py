"""`--since REF` compares with the merge base of REF and HEAD (check, diff, fix);
`--since-exact` with REF itself. Through the real CLI, in a real git repository."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not on PATH")

LEAK_FN = """
func {name}(parent context.Context) error {{
	ctx, _ := context.WithTimeout(parent, time.Second)
	return ctx.Err()
}}
"""
FIXED_FN = """
func {name}(parent context.Context) error {{
	ctx, cancel := context.WithTimeout(parent, time.Second)
	defer cancel()
	return ctx.Err()
}}
"""
HEAD = 'package p\n\nimport (\n\t"context"\n\t"time"\n)\n'


def git(repo: Path, *args: str) -> str:
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.com",
               GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.com")
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True,
                          env=env).stdout


def gofix(repo: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "gofix", *args, "--no-cache"], cwd=repo,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    r = tmp_path / "repo"
    r.mkdir()
    git(r, "init", "-q", "-b", "main")
    (r / "go.mod").write_text("module example.com/p\n\ngo 1.22\n")
    (r / "leak.go").write_text(HEAD + LEAK_FN.format(name="Old"))
    git(r, "add", "-A")
    git(r, "commit", "-qm", "base")
    return r


def test_branch_is_not_blamed_for_what_main_fixed_since(repo):
    git(repo, "checkout", "-qb", "feature")
    (repo / "go.mod").write_text("module example.com/p\n\ngo 1.22\n\nrequire example.com/x v1.0.0\n")
    git(repo, "commit", "-qam", "only go.mod")
    git(repo, "checkout", "-q", "main")
    (repo / "leak.go").write_text(HEAD + FIXED_FN.format(name="Old"))
    git(repo, "commit", "-qam", "main fixes the leak")
    git(repo, "checkout", "-q", "feature")

    r = gofix(repo, "check", "--since", "main", "--format", "json", "./...")
    assert r.returncode == 0, r.stdout + r.stderr
    assert json.loads(r.stdout) == []
    # the old meaning: against main itself, the unfixed function looks changed
    r = gofix(repo, "check", "--since", "main", "--since-exact", "--format", "json", "./...")
    assert r.returncode == 1, r.stderr
    assert [f["rule"] for f in json.loads(r.stdout)] == ["lost-cancel"]


def test_fix_and_diff_touch_only_changed_lines(repo):
    git(repo, "checkout", "-qb", "feature")
    (repo / "leak.go").write_text(HEAD + LEAK_FN.format(name="Old") + LEAK_FN.format(name="New"))
    git(repo, "commit", "-qam", "a new leak")

    r = gofix(repo, "diff", "--since", "main", ".")
    assert r.returncode == 1, r.stderr
    assert r.stdout.count("+\tdefer cancel()") == 1
    r = gofix(repo, "fix", "--since", "main", "--no-verify", ".")
    assert r.returncode == 1, r.stderr
    text = (repo / "leak.go").read_text()
    assert FIXED_FN.format(name="New") in text and LEAK_FN.format(name="Old") in text
    # without --since both are fixed
    r = gofix(repo, "diff", ".")
    assert r.stdout.count("+\tdefer cancel()") == 1  # only Old is left


def test_fix_since_with_nothing_changed_fixes_nothing(repo):
    r = gofix(repo, "fix", "--since", "HEAD", "--no-verify", ".")
    assert r.returncode == 0, r.stderr
    assert LEAK_FN.format(name="Old") in (repo / "leak.go").read_text()


def test_since_errors_exit_two(repo):
    r = gofix(repo, "diff", "--since", "no-such-ref", ".")
    assert r.returncode == 2 and "unknown revision" in r.stderr
    r = gofix(repo, "check", "--since-exact", ".")
    assert r.returncode == 2 and "--since-exact needs --since" in r.stderr
    git(repo, "checkout", "-q", "--orphan", "other")
    git(repo, "commit", "-qm", "unrelated history")
    r = gofix(repo, "check", "--since", "main", ".")
    assert r.returncode == 2 and "no merge base" in r.stderr
