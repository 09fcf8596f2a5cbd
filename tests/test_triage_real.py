"""gofix triage on real dumps: small Go programs under tests/triage_programs/ leak the
ways the catalog covers (and one way it does not); we run them, fetch
/debug/pprof/goroutine?debug=2 and ?debug=1 from their pprof endpoint on 127.0.0.1,
capture a SIGQUIT traceback, and check that triage ranks the leaking group first, maps
it to the right file and line and attaches the right rule.

For the programs whose leak the catalog covers, the matching rule must be attached; for the
one outside the catalog, only the group and the line are checked.
"""

from __future__ import annotations

import importlib
import json
import os
import shutil
import signal
import subprocess
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gofix.cli import app

PROGRAMS = Path(__file__).parent / "triage_programs"
GO_ENV = {"GOTOOLCHAIN": "local", "GOPROXY": "off", "GOFLAGS": "-mod=mod"}

# program -> (rule expected on the leaking group, its module, state of the leaking goroutines)
CASES = {
    "forgotten_sender": ("forgotten-sender", "codemods.forgotten_sender", "chan send"),
    "unclosed_range": ("unclosed-range-channel", "codemods.unclosed_range_channel", "chan receive"),
    "poller": ("goroutine-without-exit", "codemods.goroutine_without_exit", "sleep"),
    "mutex": (None, None, "sync.Mutex.Lock"),
}


def rule_implemented(module: str | None) -> bool:
    """Every catalog rule is implemented: a program with a catalog leak must get its rule
    attached (None: the leak is outside the catalog)."""
    if module is None:
        return False
    importlib.import_module(module)
    return True


@dataclass
class Run:
    name: str
    repo: Path
    dumps: dict[str, Path] = field(default_factory=dict)

    def marker(self, tag: str) -> int:
        for i, line in enumerate((self.repo / "main.go").read_text().splitlines(), 1):
            if f"// triage:{tag}" in line:
                return i
        raise AssertionError(f"no triage:{tag} marker in {self.name}")


def _build(go: str, name: str, dest: Path, trimpath: bool = False) -> Path:
    dest.mkdir(parents=True)
    shutil.copy(PROGRAMS / name / "main.go", dest / "main.go")
    (dest / "go.mod").write_text(f"module example.com/{name}\n\ngo 1.22\n")
    env = dict(os.environ, **GO_ENV)
    args = [go, "build", "-o", "prog"] + (["-trimpath"] if trimpath else []) + ["."]
    subprocess.run(args, cwd=dest, env=env, check=True, capture_output=True, timeout=300)
    return dest


def _fetch(port: int, debug: int) -> bytes:
    url = f"http://127.0.0.1:{port}/debug/pprof/goroutine?debug={debug}"
    with urllib.request.urlopen(url, timeout=20) as resp:
        return resp.read()


def _capture(run: Run, proc: subprocess.Popen, port: int, out: Path) -> None:
    run.dumps["debug2"] = out / f"{run.name}.debug2.txt"
    run.dumps["debug2"].write_bytes(_fetch(port, 2))
    run.dumps["debug1"] = out / f"{run.name}.debug1.txt"
    run.dumps["debug1"].write_bytes(_fetch(port, 1))
    time.sleep(0.4)  # the program keeps leaking: the second dump must show growth
    run.dumps["later"] = out / f"{run.name}.later.txt"
    run.dumps["later"].write_bytes(_fetch(port, 2))
    proc.send_signal(signal.SIGQUIT)
    _, err = proc.communicate(timeout=60)
    run.dumps["sigquit"] = out / f"{run.name}.sigquit.txt"
    run.dumps["sigquit"].write_bytes(err)


def _start(dest: Path) -> tuple[subprocess.Popen, int]:
    env = dict(os.environ, GOTRACEBACK="all")
    proc = subprocess.Popen([str(dest / "prog")], cwd=dest, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if not line.strip().isdigit():
        proc.kill()
        raise AssertionError(f"{dest}: no port printed: {line!r} {proc.stderr.read()!r}")
    return proc, int(line)


@pytest.fixture(scope="module")
def runs(go_bin, tmp_path_factory) -> dict[str, Run]:
    base = tmp_path_factory.mktemp("triage-real")
    out = base / "dumps"
    out.mkdir()
    jobs = {name: (name, base / name, False) for name in CASES}
    jobs["trimpath"] = ("forgotten_sender", base / "trimpath", True)
    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = {k: pool.submit(_build, go_bin, *job) for k, job in jobs.items()}
        built = {k: f.result() for k, f in futures.items()}
    procs = {}
    try:
        for name, dest in built.items():
            procs[name] = _start(dest)
        result = {}
        for name, (proc, port) in procs.items():
            run = Run(name, built[name])
            _capture(run, proc, port, out)
            result[name] = run
        return result
    finally:
        for proc, _ in procs.values():
            if proc.poll() is None:
                proc.kill()
                proc.wait()


def triage(*args: str) -> tuple[int, str, str]:
    res = CliRunner().invoke(app, ["triage", "--no-progress", *args])
    if res.exception and not isinstance(res.exception, SystemExit):
        raise res.exception
    return res.exit_code, res.stdout, res.stderr


def triage_json(*args: str) -> list[dict]:
    code, out, err = triage("--format", "json", *args)
    assert code in (0, 1), err
    return json.loads(out)


def _check_top(run: Run, groups: list[dict], expect_created: bool, name: str) -> None:
    rule, module, state = CASES[name]
    top = groups[0]
    assert top["count"] >= 25, top
    assert top["count"] == max(g["count"] for g in groups)
    assert top["blocking"]["path"] == "main.go"
    assert top["blocking"]["line"] == run.marker("blocking")
    assert top["blocking"]["mapped"] is True
    if expect_created:
        assert top["state"] == state
        assert top["created_by"]["path"] == "main.go"
        assert top["created_by"]["line"] == run.marker("created")
    if rule_implemented(module):
        assert top["findings"], f"{rule} should be attached to the leaking group"
        assert top["findings"][0]["rule"] == rule
        assert top["findings"][0]["path"] == "main.go"
    elif rule is None:
        assert all(f["rule"] not in {r for r, _, _ in CASES.values()} for f in top["findings"])


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("kind", ["debug2", "sigquit"])
def test_leaking_group_ranks_first(runs, name, kind):
    run = runs[name]
    groups = triage_json(str(run.dumps[kind]), "--repo", str(run.repo))
    _check_top(run, groups, expect_created=True, name=name)


@pytest.mark.parametrize("name", sorted(CASES))
def test_debug1_ranks_the_leak_first(runs, name):
    run = runs[name]
    groups = triage_json(str(run.dumps["debug1"]), "--repo", str(run.repo))
    _check_top(run, groups, expect_created=False, name=name)
    assert groups[0]["created_by"] is None  # debug=1 does not print creation sites


@pytest.mark.parametrize("name", sorted(CASES))
def test_before_after_shows_growth(runs, name):
    run = runs[name]
    groups = triage_json(str(run.dumps["debug2"]), str(run.dumps["later"]), "--repo", str(run.repo))
    top = groups[0]
    assert top["growth"] > 0 and top["counts"][1] > top["counts"][0]
    assert top["blocking"]["line"] == run.marker("blocking")
    assert all(g["growth"] > 0 for g in groups)  # the rest is folded away
    code, out, _ = triage(str(run.dumps["debug2"]), str(run.dumps["later"]), "--repo", str(run.repo))
    assert "did not grow" in out


def test_trimpath_binary_maps_through_the_module_path(runs):
    run = runs["trimpath"]
    text = run.dumps["debug2"].read_text()
    assert "example.com/forgotten_sender/main.go" in text  # really a -trimpath dump
    assert str(run.repo) not in text
    groups = triage_json(str(run.dumps["debug2"]), "--repo", str(run.repo))
    _check_top(run, groups, expect_created=True, name="forgotten_sender")


def test_dump_from_a_checkout_elsewhere_still_maps(runs, tmp_path):
    """The dump's absolute paths name the build machine's checkout; --repo is ours."""
    run = runs["unclosed_range"]
    copy = tmp_path / "checkout"
    shutil.copytree(run.repo, copy)
    groups = triage_json(str(run.dumps["sigquit"]), "--repo", str(copy))
    _check_top(run, groups, expect_created=True, name="unclosed_range")


def test_table_and_markdown_name_the_line_and_rule(runs):
    run = runs["forgotten_sender"]
    code, out, _ = triage(str(run.dumps["debug2"]), "--repo", str(run.repo))
    line = run.marker("blocking")
    assert f"main.go:{line}" in out
    assert "chan send" in out
    code, md, _ = triage(str(run.dumps["debug2"]), "--repo", str(run.repo), "--format", "markdown")
    assert md.startswith("## Goroutines:")
    assert f"`main.go:{line}`" in md
    if rule_implemented("codemods.forgotten_sender"):
        assert code == 1
        assert "forgotten-sender, safe fix available" in md


def test_fix_writes_the_matched_safe_fix(runs, tmp_path):
    if not rule_implemented("codemods.forgotten_sender"):
        pytest.skip("forgotten-sender is not implemented yet")
    run = runs["forgotten_sender"]
    copy = tmp_path / "checkout"
    shutil.copytree(run.repo, copy)
    before = (copy / "main.go").read_text()
    code, out, err = triage(str(run.dumps["debug2"]), "--repo", str(copy), "--fix")
    assert code == 1, err
    after = (copy / "main.go").read_text()
    assert after != before
    assert "errc := make(chan error, 1)" in after
    assert "fixed:" in out and "[forgotten-sender]" in out
    # the fixed checkout no longer matches the rule, and a second --fix changes nothing
    groups = triage_json(str(run.dumps["debug2"]), "--repo", str(copy))
    assert all(f["rule"] != "forgotten-sender" for g in groups for f in g["findings"])
    triage(str(run.dumps["debug2"]), "--repo", str(copy), "--fix")
    assert (copy / "main.go").read_text() == after


def test_leak_outside_the_catalog_still_points_at_the_code(runs):
    run = runs["mutex"]
    code, out, _ = triage(str(run.dumps["debug2"]), "--repo", str(run.repo))
    line = run.marker("blocking")
    assert f"in `sync.Mutex.Lock` at main.go:{line} (main.update), created by main.spawn at " \
           f"main.go:{run.marker('created')}: no gofix rule matches; look at main.go:{line}" in out
