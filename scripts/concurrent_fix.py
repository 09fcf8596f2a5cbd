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


def one_round(root: Path, files: int) -> dict:
    for i in range(files):
        d = root / f"pkg{i % 20}"
        d.mkdir(exist_ok=True)
        (d / f"f{i}.go").write_bytes(SOURCE)
    cmd = [sys.executable, "-m", "gofix", "fix", "--no-cache", "--no-verify", "--no-progress", "-j", "1", "."]
    procs = {rule: subprocess.Popen([*cmd, "--select", rule], cwd=root, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, text=True) for rule in FIXES}
    outs = {rule: p.communicate() for rule, p in procs.items()}
    disk = {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*.go")}
    row = {"files": len(disk)}
    lost = 0
    refused: set[str] = set()
    for rule, (stdout, stderr) in outs.items():
        applied = {ln.split(":", 1)[0] for ln in stdout.splitlines() if ": fixed: " in ln}
        row[f"{rule} applied"] = len(applied)
        lost += sum(1 for p in applied if FIXES[rule] not in disk[p])
        refused |= set(re.findall(r"^(\S+\.go): error: file changed on disk", stderr, re.M))
    row["refused (changed on disk)"] = len(refused)
    row["both fixes on disk"] = sum(1 for b in disk.values() if all(f in b for f in FIXES.values()))
    row["LOST"] = lost
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
