"""Go semantics that rules' fixes rely on, settled by running small Go programs.

unclosed-pipe: a pipe keeps the first error it is closed with (a later Close returns nil and
changes nothing), and a Write after the reader closed returns io.ErrClosedPipe, also for a
writer already blocked in Write, so `defer pr.Close()` releases the writer goroutine.
(grpc-stream-leak's fact, that an abandoned client stream keeps its goroutines until its
context is cancelled and a deferred cancel releases them, is proven with a real grpc-go
server in tests/test_leak_programs.py.)

unclosed-rows: a statement prepared on a transaction is closed by database/sql when the
transaction commits or rolls back (so the rule leaves `tx.Prepare` alone); one prepared on
the DB stays open until its own Close.
"""

from __future__ import annotations

import os
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


def test_a_transaction_closes_its_prepared_statements_and_the_db_does_not():
    r = _go_run(HERE / "txstmt")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == [
        "tx prepare, commit: closed 1",
        "tx prepare, rollback: closed 1",
        "db prepare, no Close: closed 0",
    ]
