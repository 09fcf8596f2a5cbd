"""Timing a command for the benchmarks: wall time, CPU time (user + system of the process
tree) and peak memory (the largest sum of RSS over the process tree, sampled)."""

from __future__ import annotations

import os
import shlex
import statistics
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Sample:
    wall: float
    cpu: float
    peak_mb: float
    stdout: str = ""  # kept only when measure(keep_output=True)
    stderr: str = ""
    code: int = 0  # the exit status


def median(samples: list[Sample]) -> Sample:
    """Each figure's median over the samples (outputs and status: the last sample's)."""
    last = samples[-1]
    return Sample(
        statistics.median(s.wall for s in samples),
        statistics.median(s.cpu for s in samples),
        statistics.median(s.peak_mb for s in samples),
        last.stdout, last.stderr, last.code,
    )


def _tree_rss_kb(pid: int) -> int:
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
                        break
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    stack.extend(int(c) for c in f.read().split())
        except (OSError, ValueError):
            continue
    return total


def measure(cmd: list[str], env: dict | None = None, cwd: Path | None = None, ok=(0, 1),
            keep_output: bool = False) -> Sample:
    """Run cmd to its end; exit with its stderr's tail when its status is not in ok."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out if keep_output else subprocess.DEVNULL, stderr=err, env=env,
                                cwd=cwd, stdin=subprocess.DEVNULL)
        peak = 0
        done = threading.Event()

        def sample() -> None:
            nonlocal peak
            while not done.is_set():
                peak = max(peak, _tree_rss_kb(proc.pid))
                time.sleep(0.02)

        t = threading.Thread(target=sample, daemon=True)
        t.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        done.set()
        t.join()
        out.seek(0)
        err.seek(0)
        so, se = out.read().decode(errors="replace"), err.read().decode(errors="replace")
    code = os.waitstatus_to_exitcode(status)
    if code not in ok:
        raise SystemExit(f"{shlex.join(cmd[:4])} ... failed ({code}):\n{se[-3000:]}")
    return Sample(wall, usage.ru_utime + usage.ru_stime, max(peak, usage.ru_maxrss) / 1024,
                  so if keep_output else "", se if keep_output else "", code)
