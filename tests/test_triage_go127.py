"""gofix triage on what Go 1.27 really prints: a program with pprof labels that leaks
(tests/triage_programs/labels_leak), built with go1.27.3 (go.mod `go 1.27`, so tracebacks
carry the labels), its goroutine dump and its goroutineleak profile in debug=0, 1 and 2,
fetched from its pprof endpoint on 127.0.0.1.

Every form must give one group holding all 30 leaked goroutines, at the send line, proven
leaked, with forgotten-sender and its safe fix attached; the parked worker (its channel is
still reachable from a global) must stay "suspected".

Needs the go1.27.3 toolchain in the module cache (`GOTOOLCHAIN=go1.27.3 go version` once
downloads it through the module proxy); skipped with that reason otherwise. The tests never
reach the network: GOPROXY stays off.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gofix.cli import app

PROGRAM = Path(__file__).parent / "triage_programs" / "labels_leak" / "main.go"
TOOLCHAIN = "go1.27.3"
LEAKED = 30
FORMS = ["goroutine-debug2", "goroutineleak-debug0", "goroutineleak-debug1", "goroutineleak-debug2",
         "goroutine-debug0", "goroutine-debug1"]


def _go127() -> tuple[str, dict[str, str]]:
    go = shutil.which("go")
    if go is None:
        pytest.skip("the Go toolchain (go) is not on PATH")
    env = dict(os.environ, GOTOOLCHAIN=TOOLCHAIN, GOPROXY="off", GOFLAGS="-mod=mod")
    try:
        r = subprocess.run([go, "version"], env=env, capture_output=True, text=True, timeout=120)
    except subprocess.TimeoutExpired:
        pytest.skip(f"{TOOLCHAIN}: `go version` timed out")
    if r.returncode != 0 or TOOLCHAIN not in r.stdout:
        pytest.skip(f"{TOOLCHAIN} is not in the module cache (run `GOTOOLCHAIN={TOOLCHAIN} go version` "
                    f"once, with the module proxy reachable): {r.stderr.strip()[:200]}")
    return go, env


def marker(repo: Path, tag: str) -> int:
    for i, line in enumerate((repo / "main.go").read_text().splitlines(), 1):
        if f"// triage:{tag}" in line:
            return i
    raise AssertionError(tag)


def _wait_for_senders(port: int, line: int, want: int, timeout: float = 30.0) -> None:
    """Until `want` goroutines sit at main.go:line (goroutine?debug=1, which runs no leak
    detection), so the dumps never race the program's start."""
    deadline = time.monotonic() + timeout
    seen = 0
    while time.monotonic() < deadline:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/debug/pprof/goroutine?debug=1", timeout=30) as r:
            text = r.read().decode()
        seen = 0
        for record in text.split("\n\n"):
            m = re.search(r"^(\d+) @", record, re.M)  # the first record follows the profile's header
            if m and re.search(rf"\tmain\.fetch\.func1\+0x[0-9a-f]+\t+\S*main\.go:{line}$", record, re.M):
                seen += int(m.group(1))
        if seen >= want:
            return
        time.sleep(0.05)
    raise AssertionError(f"only {seen} of {want} goroutines reached main.go:{line}")


@pytest.fixture(scope="module")
def captured(tmp_path_factory) -> tuple[Path, dict[str, Path]]:
    go, env = _go127()
    repo = tmp_path_factory.mktemp("go127") / "svc"
    repo.mkdir()
    shutil.copy(PROGRAM, repo / "main.go")
    (repo / "go.mod").write_text("module example.com/labels_leak\n\ngo 1.27\n")
    subprocess.run([go, "build", "-o", "prog", "."], cwd=repo, env=env, check=True, capture_output=True, timeout=300)
    proc = subprocess.Popen([str(repo / "prog")], cwd=repo, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert proc.stdout is not None
        port = int(proc.stdout.readline())
        _wait_for_senders(port, marker(repo, "blocking"), LEAKED)
        dumps = {}
        # goroutine?debug=2 first: before any leak detection ran, nothing is marked (leaked)
        for name in FORMS:
            profile, debug = name.split("-debug")
            url = f"http://127.0.0.1:{port}/debug/pprof/{profile}?debug={debug}"
            with urllib.request.urlopen(url, timeout=30) as resp:
                dumps[name] = repo / f"{name}.out"
                dumps[name].write_bytes(resp.read())
        dumps["url"] = f"http://127.0.0.1:{port}"  # type: ignore[assignment]
        yield repo, dumps
    finally:
        proc.kill()
        proc.wait()


def triage_json(*args: str) -> list[dict]:
    res = CliRunner().invoke(app, ["triage", "--no-progress", "--format", "json", *args])
    if res.exception and not isinstance(res.exception, SystemExit):
        raise res.exception
    assert res.exit_code == 1, res.stderr  # a finding is attached
    return json.loads(res.stdout)


def test_the_dumps_are_go_1_27s(captured):
    _, dumps = captured
    text = dumps["goroutineleak-debug2"].read_text()
    assert "[chan send (leaked)] {handler: fetch, req: " in text
    assert "goroutineleak profile: total 30" in dumps["goroutineleak-debug1"].read_text()
    assert dumps["goroutineleak-debug0"].read_bytes()[:2] == b"\x1f\x8b"
    assert "(leaked)" not in dumps["goroutine-debug2"].read_text()  # taken before any leak detection


@pytest.mark.parametrize("form", FORMS)
def test_every_leaked_goroutine_in_one_group_at_the_send(captured, form):
    if form.endswith("debug0"):
        pytest.importorskip("google.protobuf", reason="the protobuf package is not installed (pip install -e .)")
    repo, dumps = captured
    groups = triage_json(str(dumps[form]), "--repo", str(repo))
    top = groups[0]
    assert top["count"] == LEAKED, top
    assert top["blocking"]["path"] == "main.go" and top["blocking"]["line"] == marker(repo, "blocking")
    assert top["findings"] and top["findings"][0]["rule"] == "forgotten-sender"
    assert top["findings"][0]["fix"]["applicability"] == "safe"
    assert top["labels"]["handler"] == {"fetch": LEAKED}
    assert top["labels"]["req"] == {"0": 10, "1": 10, "2": 10}
    assert sum(g["count"] for g in groups if g["blocking"] and g["blocking"]["line"] == marker(repo, "blocking")) == LEAKED
    if form.startswith("goroutineleak"):
        assert top["evidence"] == "proven" and top["leaked"] == LEAKED
        assert all(g["evidence"] == "suspected" for g in groups[1:])
    else:
        assert top["evidence"] == "suspected"
    if form.endswith("debug2"):
        assert top["state"] == "chan send"
        assert top["created_by"]["line"] == marker(repo, "created")
    if form.endswith("debug0"):
        assert top["state"] == "chan send"  # read from runtime.chansend1, which debug=0 keeps


def test_the_reachable_wait_is_only_suspected(captured):
    repo, dumps = captured
    groups = triage_json(str(dumps["goroutineleak-debug2"]), "--repo", str(repo))
    worker = [g for g in groups if g["labels"].get("handler") == {"worker": 1}]
    assert len(worker) == 1 and worker[0]["evidence"] == "suspected" and worker[0]["state"] == "chan receive"
    assert groups[0]["evidence"] == "proven"  # proven leaked ranks before everything else


def test_group_by_label_splits_by_value(captured):
    repo, dumps = captured
    groups = triage_json(str(dumps["goroutineleak-debug2"]), "--repo", str(repo), "--group-by", "label:req")
    leaked = [g for g in groups if g["evidence"] == "proven"]
    assert sorted(g["group_labels"]["req"] for g in leaked) == ["0", "1", "2"]
    assert all(g["count"] == 10 for g in leaked)


def test_url_fetches_the_leak_profile(captured):
    repo, dumps = captured
    groups = triage_json(dumps["url"], "--repo", str(repo))  # type: ignore[arg-type]
    assert groups[0]["evidence"] == "proven" and groups[0]["count"] == LEAKED
    assert groups[0]["findings"][0]["rule"] == "forgotten-sender"
