"""The new rules on small leaking programs of our own (tests/leak_programs/): gofix finds
the leak, its fix removes it (goroutine counts before and after, printed by the program),
and the fixed program builds, vets and is gofmt-clean. blocking-broadcast has no automatic
fix: the test shows the pile-up it reports, as an error because the hub's lock is held."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent / "leak_programs"
GO = shutil.which("go")
GOFMT = shutil.which("gofmt")
pytestmark = pytest.mark.skipif(GO is None or GOFMT is None, reason="the Go toolchain is not installed")
ENV = {**os.environ, "GOTOOLCHAIN": "local", "GOFLAGS": "-mod=mod"}


def _copy(name: str, tmp_path: Path) -> Path:
    d = tmp_path / name
    shutil.copytree(HERE / name, d)
    if (d / "go.sum").exists():
        dl = subprocess.run([GO, "mod", "download"], cwd=d, capture_output=True, text=True, timeout=300, env=ENV)
        if dl.returncode != 0:
            pytest.skip(f"the program's modules are not available: {dl.stderr.strip()[:200]}")
    return d


def _run(d: Path) -> str:
    r = subprocess.run([GO, "run", "."], cwd=d, capture_output=True, text=True, timeout=300, env=ENV)
    assert r.returncode == 0, r.stderr
    return r.stdout


def _gofix(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "gofix", *args], capture_output=True, text=True, timeout=600)


def _fix_and_check(d: Path, rule: str) -> list[dict]:
    found = json.loads(_gofix("check", "--no-cache", "--format", "json", "--select", rule, str(d)).stdout)
    r = _gofix("fix", "--no-cache", "--allow-dirty", "--no-progress", "--select", rule, str(d))
    assert r.returncode in (0, 1), r.stderr
    vet = subprocess.run([GO, "vet", "."], cwd=d, capture_output=True, text=True, env=ENV)
    assert vet.returncode == 0, vet.stderr
    fmt = subprocess.run([GOFMT, "-l", "."], cwd=d, capture_output=True, text=True)
    assert fmt.stdout.strip() == "", f"not gofmt-clean: {fmt.stdout}"
    return found


def test_unclosed_pipe_fix_releases_both_goroutines(tmp_path):
    d = _copy("pipes", tmp_path)
    before = re.search(r"writer-end leaked=(\d+) reader-end leaked=(\d+)", _run(d))
    assert before and int(before.group(1)) >= 20 and int(before.group(2)) >= 20, before
    found = _fix_and_check(d, "unclosed-pipe")
    assert sorted(f["line"] for f in found) == [17, 31], found
    assert all(f["fix"] and f["fix"]["applicability"] == "safe" for f in found)
    after = re.search(r"writer-end leaked=(\d+) reader-end leaked=(\d+)", _run(d))
    assert after and after.group(1) == "0" and after.group(2) == "0", after.group(0)


def test_grpc_stream_leak_fix_releases_the_streams(tmp_path):
    d = _copy("grpcstream", tmp_path)
    before = int(re.search(r"leaked=(\d+)", _run(d)).group(1))
    assert before >= 20, f"20 abandoned streams should leave goroutines behind: {before}"
    found = _fix_and_check(d, "grpc-stream-leak")
    assert [f["line"] for f in found] == [60], found  # firstEvent's call, not the stub's own NewStream
    after = int(re.search(r"leaked=(\d+)", _run(d)).group(1))
    assert after == 0, f"the fixed program still leaks {after} goroutines"


def test_blocking_broadcast_reports_the_pile_up_under_the_lock(tmp_path):
    d = _copy("broadcast", tmp_path)
    stuck = int(re.search(r"stuck=(\d+)", _run(d)).group(1))
    assert stuck >= 21, stuck  # the broadcast and every Register behind the lock
    found = json.loads(_gofix("check", "--no-cache", "--format", "json", str(d)).stdout)
    assert [(f["rule"], f["line"], f["severity"], f["fix"]) for f in found] == \
        [("blocking-broadcast", 29, "error", None)], found
