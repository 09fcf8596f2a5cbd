#!/usr/bin/env python3
"""Verification cost: `gofix fix` (verifying) against a plain `go vet` of the packages it touches.

On a git checkout of a large Go repository (etcd at c34dc7ee0048 is the reference: 20+
fixes in 10+ packages with every rule and unsafe fixes on), in the same run:

1. `gofix fix --no-verify` once, to learn which files and packages the fixes touch; the
   checkout is restored (`git checkout -- .`) after this and after every timed run.
2. Warm-up (not timed): `gofix check` (gofix's own cache) and `go vet` of the touched
   packages, unpatched and patched (the go build cache: every dependency compiled).
3. Timed, plain vet: the fixes written with `--no-verify` (not timed), a comment unique to
   the run appended to each changed file so that vet cannot replay a cached result, then
   `go vet <touched packages>` from the repository root: what a user runs after editing
   those files.
4. Timed, gofix: `gofix fix` with verification on (the default), the same flags.

Prints wall time, CPU time and peak memory (the largest sum of RSS over the process tree,
sampled every 50 ms) of both, their ratio (target: gofix / go vet <= 1.5), the fixes
(verified / dropped / unverified) and the load average before and after.

    python bench/verify_bench.py --repo path/to/etcd
    python bench/verify_bench.py --repo path/to/etcd --gofix "python -m gofix" --runs 3
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from measure import Sample, measure  # noqa: E402  (bench/measure.py, beside this script)


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True).stdout


def restore(repo: Path) -> None:
    git(repo, "checkout", "--", ".")


def load() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repo", type=Path, required=True, help="a clean git checkout of a Go repository")
    ap.add_argument("--gofix", default=f"{shlex.quote(sys.executable)} -m gofix", help="the gofix command")
    ap.add_argument("--runs", type=int, default=1, help="timed runs of each (median)")
    ap.add_argument("--select", default="all", help="rules (default: every rule)")
    ap.add_argument("--safe-only", action="store_true", help="without --unsafe-fixes")
    a = ap.parse_args()
    repo = a.repo.resolve()
    gofix = shlex.split(a.gofix)
    if git(repo, "status", "--porcelain", "--untracked-files=no").strip():
        raise SystemExit(f"{repo}: has uncommitted changes; the bench restores it with git checkout -- .")
    select = a.select
    if select == "all":
        rules = subprocess.run([*gofix, "rules"], capture_output=True, text=True, check=True).stdout
        select = ",".join(line.split()[0] for line in rules.splitlines() if line.strip())
    flags = ["--allow-dirty", "--select", select, "--format", "json"]  # progress lines: stderr is a file
    if not a.safe_only:
        flags.append("--unsafe-fixes")

    print(f"load before: {load()}", flush=True)
    # 1. what the fixes touch
    measure([*gofix, "fix", "--no-verify", *flags, "."], cwd=repo)
    changed = [p for p in git(repo, "diff", "--name-only").split() if p.endswith(".go")]
    pkgs = sorted({"./" + os.path.dirname(p) if os.path.dirname(p) else "." for p in changed})
    fixed_bytes = {p: (repo / p).read_bytes() for p in changed}
    restore(repo)
    if not changed:
        raise SystemExit("no fixes: nothing to compare")

    # 2. warm-up: gofix's cache, and the go build cache for the unpatched and patched packages
    measure([*gofix, "check", "--select", select, "--no-progress", "."], cwd=repo)
    measure(["go", "vet", *pkgs], cwd=repo, ok=(0, 1))
    for p, b in fixed_bytes.items():
        (repo / p).write_bytes(b)
    measure(["go", "vet", *pkgs], cwd=repo, ok=(0, 1))
    restore(repo)

    vets, fixes = [], []
    for run in range(a.runs):
        # 3. plain go vet of the touched packages, freshly edited
        nonce = f"\n// verify_bench {os.getpid()} {run} {time.time_ns()}\n".encode()
        for p, b in fixed_bytes.items():
            (repo / p).write_bytes(b + nonce)
        try:
            vets.append(measure(["go", "vet", *pkgs], cwd=repo, ok=(0, 1)))
        finally:
            restore(repo)
        # 4. gofix fix, verifying
        try:
            fixes.append(measure([*gofix, "fix", *flags, "."], cwd=repo, ok=(0, 1), keep_output=True))
        finally:
            restore(repo)
        print(f"run {run + 1}: go vet {vets[-1].wall:.1f} s, gofix fix {fixes[-1].wall:.1f} s", flush=True)

    items = json.loads(fixes[-1].stdout or "[]")
    with_fix = [i for i in items if i.get("fix") and i.get("verified", "absent") != "absent"]
    verified = sum(1 for i in with_fix if i.get("verified") is True)
    dropped = sum(1 for i in with_fix if i.get("verified") is False)
    unverified = sum(1 for i in with_fix if i.get("verified") is None)
    summary = [ln for ln in fixes[-1].stderr.splitlines() if ln.startswith("gofix: verified")]

    def med(xs: list[Sample]) -> Sample:
        return Sample(statistics.median(s.wall for s in xs), statistics.median(s.cpu for s in xs),
                      statistics.median(s.peak_mb for s in xs))

    v, f = med(vets), med(fixes)
    print(f"\n{repo.name} at {git(repo, 'rev-parse', '--short=12', 'HEAD').strip()}: "
          f"{len(changed)} files changed in {len(pkgs)} packages; fixes verified {verified}, "
          f"dropped {dropped}, unverified {unverified}; median of {a.runs} run(s)")
    if summary:
        print(summary[-1])
    for ln in fixes[-1].stderr.splitlines():  # the go commands verification ran (last run)
        if ln.startswith("gofix: verifying:") and not ln.endswith("..."):
            print("  " + ln)
    print("\n| run | wall s | CPU s | peak MB |\n| --- | ---: | ---: | ---: |")
    print(f"| go vet of the {len(pkgs)} touched packages (edited, build cache warm) | {v.wall:.1f} | {v.cpu:.1f} | {v.peak_mb:.0f} |")
    print(f"| gofix fix (scan, fix, verify, write; gofix cache warm) | {f.wall:.1f} | {f.cpu:.1f} | {f.peak_mb:.0f} |")
    print(f"\nratio gofix fix / go vet (wall): {f.wall / v.wall:.2f} (target <= 1.5)")
    print(f"load after: {load()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
