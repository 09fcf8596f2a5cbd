"""Go semantics that rules' fixes rely on, settled by running small Go programs.

unclosed-pipe: a pipe keeps the first error it is closed with (a later Close returns nil and
changes nothing), and a Write after the reader closed returns io.ErrClosedPipe, also for a
writer already blocked in Write, so `defer pr.Close()` releases the writer goroutine.
grpc-stream-leak: an abandoned client stream keeps two goroutines until its context is
cancelled (CloseSend does not release it); deriving a cancellable context and deferring its
cancel releases them.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

HERE = Path(__file__).parent / "go_semantics"
GO = shutil.which("go")
pytestmark = pytest.mark.skipif(GO is None, reason="the Go toolchain is not installed")


def _go_run(directory: Path, timeout: int = 300) -> subprocess.CompletedProcess:
    env = {**os.environ, "GOFLAGS": "-mod=mod", "GOTOOLCHAIN": "local"}
    return subprocess.run([GO, "run", "."], cwd=directory, capture_output=True, text=True,
                          timeout=timeout, env=env)


def test_pipe_keeps_first_close_error_and_closed_reader_fails_writes():
    r = _go_run(HERE / "pipe")
    assert r.returncode == 0, r.stderr
    out = r.stdout.splitlines()
    assert "second close: <nil>" in out
    assert "reader sees: first" in out
    assert "write after reader close: io: read/write on closed pipe true" in out
    assert "blocked write released with: io: read/write on closed pipe" in out


def test_grpc_client_stream_leaks_until_its_context_is_cancelled():
    d = HERE / "grpcstream"
    dl = subprocess.run([GO, "mod", "download"], cwd=d, capture_output=True, text=True, timeout=300,
                        env={**os.environ, "GOTOOLCHAIN": "local"})
    if dl.returncode != 0:
        pytest.skip(f"grpc-go is not available from the module cache or proxy: {dl.stderr.strip()[:200]}")
    r = _go_run(d)
    assert r.returncode == 0, r.stderr
    m = re.search(r"after_leaky=\d+ \(\+(\d+)\) after_fixed=\d+ \(\+(\d+)\)", r.stdout)
    assert m, r.stdout
    leaked, after_fix = int(m.group(1)), int(m.group(2))
    assert leaked >= 20, f"20 abandoned streams should hold at least one goroutine each: {r.stdout}"
    assert after_fix == 0, f"cancelled streams should release their goroutines: {r.stdout}"
