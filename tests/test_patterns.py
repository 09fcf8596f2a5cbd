"""Go package patterns on the command line (gofix.patterns), through the real CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from gofix.patterns import expand, main_modules, pattern_regex

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


def gofix(cwd: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    e = {k: v for k, v in os.environ.items() if k != "GOWORK"}
    e.update(env or {})
    return subprocess.run([sys.executable, "-m", "gofix", *args], cwd=cwd, capture_output=True,
                          text=True, env=e, timeout=120)


def paths_of(r: subprocess.CompletedProcess) -> list[str]:
    assert r.returncode in (0, 1), r.stderr
    return sorted(f["path"] for f in json.loads(r.stdout))


def write(p: Path, text: str) -> None:
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text)


@pytest.fixture
def module(tmp_path: Path) -> Path:
    m = tmp_path / "m"
    write(m / "go.mod", "module example.com/m\n\ngo 1.22\n")
    write(m / "root.go", LEAK.format(pkg="m"))
    write(m / "internal" / "a" / "a.go", LEAK.format(pkg="a"))
    write(m / "internal" / "a" / "deep" / "d.go", LEAK.format(pkg="deep"))
    write(m / "cmd" / "x" / "x.go", LEAK.format(pkg="main"))
    write(m / "testdata" / "t.go", LEAK.format(pkg="t"))  # never matched by a wildcard
    write(m / "nested" / "go.mod", "module example.com/nested\n\ngo 1.22\n")
    write(m / "nested" / "n.go", LEAK.format(pkg="n"))
    return m


def test_dot_dot_dot_from_the_module_root(module):
    r = gofix(module, "check", "--format", "json", "--no-cache", "./...")
    assert r.returncode == 1, r.stderr
    got = paths_of(r)
    assert "internal/a/a.go" in got and "cmd/x/x.go" in got and "root.go" in got
    assert not any("testdata" in p for p in got)


def test_dot_dot_dot_from_a_subdirectory(module):
    r = gofix(module / "internal", "check", "--format", "json", "--no-cache", "./...")
    assert r.returncode == 1, r.stderr
    assert [p.rsplit("/", 1)[-1] for p in paths_of(r)] == ["a.go", "d.go"]


def test_dir_pattern_and_dot(module):
    got = paths_of(gofix(module, "check", "--format", "json", "--no-cache", "internal/a/..."))
    assert [p.rsplit("/", 1)[-1] for p in got] == ["a.go", "d.go"]
    got = paths_of(gofix(module / "cmd" / "x", "check", "--format", "json", "--no-cache", "."))
    assert [p.rsplit("/", 1)[-1] for p in got] == ["x.go"]


def test_middle_wildcard_matches_directories(module):
    got = paths_of(gofix(module, "check", "--format", "json", "--no-cache", "./.../deep"))
    assert [p.rsplit("/", 1)[-1] for p in got] == ["d.go"]


def test_import_paths_of_the_main_module(module):
    # from a subdirectory, an import path pattern reaches the whole module
    r = gofix(module / "cmd", "check", "--format", "json", "--no-cache", "example.com/m/internal/...")
    assert [p.rsplit("/", 1)[-1] for p in paths_of(r)] == ["a.go", "d.go"]
    # an import path without ... is one package: its directory only, not the one below
    r = gofix(module, "check", "--format", "json", "--no-cache", "example.com/m/internal/a")
    assert [p.rsplit("/", 1)[-1] for p in paths_of(r)] == ["a.go"]
    # the module's own path and a wildcard over it; the nested module is another module
    r = gofix(module, "check", "--format", "json", "--no-cache", "example.com/m/...")
    got = [p.rsplit("/", 1)[-1] for p in paths_of(r)]
    assert "root.go" in got and "x.go" in got and "n.go" not in got and "t.go" not in got


def test_pattern_matching_nothing_is_a_usage_error(module):
    r = gofix(module, "check", "example.com/other/...")
    assert r.returncode == 2
    assert "matched no packages of the main module(s) (example.com/m)" in r.stderr
    r = gofix(module, "check", "./nope/...")
    assert r.returncode == 2 and "does not exist" in r.stderr


def test_go_work_workspace(tmp_path):
    w = tmp_path / "w"
    write(w / "go.work", "go 1.22\n\nuse (\n\t./svc\n\t./lib // shared code\n)\n")
    write(w / "svc" / "go.mod", "module example.com/svc\n\ngo 1.22\n")
    write(w / "svc" / "api" / "api.go", LEAK.format(pkg="api"))
    write(w / "lib" / "go.mod", "module example.com/lib\n\ngo 1.22\n")
    write(w / "lib" / "x" / "x.go", LEAK.format(pkg="x"))
    # from inside one module, an import path of the other workspace module resolves
    r = gofix(w / "svc", "check", "--format", "json", "--no-cache", "example.com/lib/...")
    assert [p.rsplit("/", 1)[-1] for p in paths_of(r)] == ["x.go"]
    r = gofix(w, "check", "--format", "json", "--no-cache", "./...")
    assert paths_of(r) == ["lib/x/x.go", "svc/api/api.go"]
    # GOWORK=off: only the nearest go.mod counts
    r = gofix(w / "svc", "check", "example.com/lib/...", env={"GOWORK": "off"})
    assert r.returncode == 2 and "(example.com/svc)" in r.stderr


def test_patterns_on_fix_and_diff(module):
    r = gofix(module, "diff", "--no-cache", "example.com/m/cmd/...")
    assert r.returncode == 1, r.stderr
    assert "+++ b/cmd/x/x.go" in r.stdout and "internal" not in r.stdout
    r = gofix(module, "fix", "--no-cache", "--no-verify", "--allow-dirty", "./internal/...")
    assert r.returncode == 1, r.stderr
    assert "defer cancel()" in (module / "internal" / "a" / "a.go").read_text()
    assert "defer cancel()" not in (module / "cmd" / "x" / "x.go").read_text()


def test_pattern_regex_follows_go():
    assert pattern_regex("net/...").match("net")
    assert pattern_regex("net/...").match("net/http")
    assert not pattern_regex("net/...").match("netchan")
    assert pattern_regex("a/.../b").match("a/x/y/b")
    assert not pattern_regex("a/.../b").match("a/x/bc")


def test_expand_keeps_existing_paths_and_drops_duplicates(module):
    found, errors = expand(["root.go", "./root.go", "internal"], cwd=str(module))
    assert errors == [] and found == [Path("root.go"), Path("internal")]
    assert [m.path for m in main_modules(str(module / "internal"))] == ["example.com/m"]
