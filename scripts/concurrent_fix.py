#!/usr/bin/env python3
"""Two `gofix fix` runs at once on one tree, with different --select: is every fix that a
run reports as applied on disk afterwards?

    python scripts/concurrent_fix.py [--files 800] [--rounds 1] [--keep]

Each file holds one lost-cancel and one unclosed-body finding; one run fixes lost-cancel,
the other unclosed-body, both started together (`--no-verify --no-cache -j 1`, so that
their write phases overlap as much as the machine allows). Counts, per round: files, fixes
each run reported applied, files refused as "changed on disk", files holding both fixes,
and LOST: fixes reported applied but not on disk (must be 0). Exit 1 if any was lost.
tests/test_hostile.py runs the same check on a 40-file tree in the default test run.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

SOURCE = b"""package p

import (
	"context"
	"net/http"
	"time"
)

func f(parent context.Context) error {
	ctx, _ := context.WithTimeout(parent, time.Second)
	return ctx.Err()
}

func g(url string) (int, error) {
	resp, err := http.Get(url)
	if err != nil {
		return 0, err
	}
	return resp.StatusCode, nil
}
"""
FIXES = {"lost-cancel": b"defer cancel()", "unclosed-body": b"defer resp.Body.Close()"}


def applied_by(stdout: str) -> set[str]:
    """The files a `gofix fix` run reported fixed."""
    return {line.split(":", 1)[0] for line in stdout.splitlines() if ": fixed: " in line}


def run_two(root: Path, files: int, packages: int = 20) -> dict:
    """Two `gofix fix` runs with different --select over the same tree at once: what each
    reported applied (by rule), the files refused as changed on disk, and what is on disk."""
    for i in range(files):
        d = root / f"pkg{i % packages}"
        d.mkdir(exist_ok=True)
        (d / f"f{i}.go").write_bytes(SOURCE)
    env = dict(os.environ, NO_COLOR="1")
    cmd = [sys.executable, "-m", "gofix", "fix", "--no-cache", "--no-verify", "--no-progress", "-j", "1", "."]
    procs = {rule: subprocess.Popen([*cmd, "--select", rule], cwd=root, env=env, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, text=True) for rule in FIXES}
    outs = {rule: p.communicate(timeout=3600) for rule, p in procs.items()}
    stderr = "".join(err for _, err in outs.values())
    return {
        "applied": {rule: applied_by(out) for rule, (out, _) in outs.items()},
        "refused": set(re.findall(r"^(\S+\.go): error: file changed on disk", stderr, re.M)),
        "disk": {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*.go")},
    }


def problems(res: dict) -> list[str]:
    """What went wrong in a run_two result: a fix reported applied but not on disk, a file
    that got neither both fixes nor a "changed on disk" refusal, a temporary file left."""
    disk, applied = res["disk"], res["applied"]
    out = [f"{path}: {rule} reported applied, not on disk"
           for rule, paths in applied.items() for path in sorted(paths) if FIXES[rule] not in disk[path]]
    out += [f"{path}: neither fixed by both runs nor refused" for path in sorted(disk)
            if not all(path in paths for paths in applied.values()) and path not in res["refused"]]
    out += [f"{path}: temporary file left" for path in sorted(disk) if ".gofix-tmp" in path]
    return out


def one_round(root: Path, files: int) -> dict:
    res = run_two(root, files)
    disk = res["disk"]
    row = {"files": len(disk)}
    for rule, paths in res["applied"].items():
        row[f"{rule} applied"] = len(paths)
    row["refused (changed on disk)"] = len(res["refused"])
    row["both fixes on disk"] = sum(1 for b in disk.values() if all(f in b for f in FIXES.values()))
    row["LOST"] = sum(1 for rule, paths in res["applied"].items() for p in paths if FIXES[rule] not in disk[p])
    row["temp files left"] = sum(1 for _ in root.rglob("*.gofix-tmp"))
    return row


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--files", type=int, default=800)
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--keep", action="store_true", help="keep the trees")
    args = ap.parse_args()
    total_lost = 0
    for r in range(args.rounds):
        root = Path(tempfile.mkdtemp(prefix="gofix-concurrent-"))
        (root / "go.mod").write_text("module example.com/p\n\ngo 1.22\n")
        try:
            row = one_round(root, args.files)
        finally:
            if not args.keep:
                shutil.rmtree(root, ignore_errors=True)
        total_lost += row["LOST"]
        print(f"round {r + 1}: " + ", ".join(f"{k} {v}" for k, v in row.items()))
    return 1 if total_lost else 0


if __name__ == "__main__":
    os.environ.setdefault("NO_COLOR", "1")
    sys.exit(main())
