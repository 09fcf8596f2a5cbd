#!/usr/bin/env python3
"""Verification cost: `gofix fix` (verifying) against a plain `go vet` of the packages it touches.

On a git checkout of a large Go repository (etcd at c34dc7ee0048 is the reference: 20+
fixes in 10+ packages with every rule and unsafe fixes on), in the same run:

1. `gofix fix --no-verify` once, to learn which files and packages the fixes touch; the
   checkout is restored (`git checkout -- .`) after this and after every timed run.
2. Warm-up (not timed): `gofix check`, which with the fix run of step 1 fills gofix's own
   cache (a fix run takes the files in which nothing was found from it), and `go vet` of
   the touched packages, unpatched and patched (the go build cache: every dependency
   compiled).
3. Timed, plain vet: the fixes written with `--no-verify` (not timed), a comment unique to
   the run appended to each changed file so that vet cannot replay a cached result, then
   `go vet <touched packages>` from the repository root: what a user runs after editing
   those files.
4. Timed, gofix: `gofix fix` with verification on (the default), the same flags.

Prints wall time, CPU time and peak memory (the largest sum of RSS over the process tree,
sampled) of both, their ratio (target: gofix / go vet <= 1.5), the fixes
(verified / dropped / unverified) and the load average before and after.

    python bench/verify_bench.py --repo path/to/etcd
    python bench/verify_bench.py --repo path/to/etcd --gofix "python -m gofix" --runs 3
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from measure import Sample, measure, median  # noqa: E402  (bench/measure.py, beside this script)


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True).stdout


def restore(repo: Path) -> None:
    git(repo, "checkout", "--", ".")


def load() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


@dataclass
class VerifyResult:
    """One run of the comparison: medians of the timed runs, and what the fixes were."""

    repo: str
    head: str
    changed: int  # files the fixes change
    packages: int  # the packages those files are in (what go vet is given)
    runs: int
    vet: Sample
    fix: Sample
    verified: int
    dropped: int
    unverified: int
    summary: str  # gofix's "gofix: verified ..." line, "" when it printed none
    commands: list[str]  # the go commands verification ran, with their times

    @property
    def ratio(self) -> float:
        return self.fix.wall / self.vet.wall


def fix_counts(items: list[dict]) -> tuple[int, int, int]:
    """(verified, dropped, unverified) among the findings of `gofix fix --format json` that
    carry a fix and a verification verdict."""
    with_fix = [i for i in items if i.get("fix") and i.get("verified", "absent") != "absent"]
    return (sum(1 for i in with_fix if i.get("verified") is True),
            sum(1 for i in with_fix if i.get("verified") is False),
            sum(1 for i in with_fix if i.get("verified") is None))


def select_all(gofix: list[str], env: dict | None = None) -> str:
    """Every rule's id, from `gofix rules`."""
    rules = subprocess.run([*gofix, "rules"], capture_output=True, text=True, check=True, env=env).stdout
    return ",".join(line.split()[0] for line in rules.splitlines() if line.strip())


def run_verify(repo: Path, gofix: list[str], runs: int = 1, select: str = "all", safe_only: bool = False,
               env: dict | None = None, log=print) -> VerifyResult:
    """Steps 1-4 of the module docstring on a clean git checkout, restored after each step."""
    repo = repo.resolve()
    if git(repo, "status", "--porcelain", "--untracked-files=no").strip():
        raise SystemExit(f"{repo}: has uncommitted changes; the bench restores it with git checkout -- .")
    if select == "all":
        select = select_all(gofix, env)
    flags = ["--allow-dirty", "--select", select, "--format", "json"]  # progress lines: stderr is a file
    if not safe_only:
        flags.append("--unsafe-fixes")

    # 1. what the fixes touch
    try:
        measure([*gofix, "fix", "--no-verify", *flags, "."], cwd=repo, env=env)
        changed = [p for p in git(repo, "diff", "--name-only").split() if p.endswith(".go")]
        fixed_bytes = {p: (repo / p).read_bytes() for p in changed}
    finally:
        restore(repo)
    pkgs = sorted({"./" + os.path.dirname(p) if os.path.dirname(p) else "." for p in changed})
    if not changed:
        raise SystemExit(f"{repo}: no fixes: nothing to compare")

    def patched(nonce: bytes = b"") -> None:
        for p, b in fixed_bytes.items():
            (repo / p).write_bytes(b + nonce)

    # 2. warm-up: gofix's cache, and the go build cache for the unpatched and patched packages
    measure([*gofix, "check", "--select", select, "--no-progress", "."], cwd=repo, env=env)
    measure(["go", "vet", *pkgs], cwd=repo, ok=(0, 1), env=env)
    try:
        patched()
        measure(["go", "vet", *pkgs], cwd=repo, ok=(0, 1), env=env)
    finally:
        restore(repo)

    vets, fixes = [], []
    for run in range(runs):
        # 3. plain go vet of the touched packages, freshly edited
        try:
            patched(f"\n// verify_bench {os.getpid()} {run} {time.time_ns()}\n".encode())
            vets.append(measure(["go", "vet", *pkgs], cwd=repo, ok=(0, 1), env=env))
        finally:
            restore(repo)
        # 4. gofix fix, verifying
        try:
            fixes.append(measure([*gofix, "fix", *flags, "."], cwd=repo, ok=(0, 1), keep_output=True, env=env))
        finally:
            restore(repo)
        log(f"verification, run {run + 1}: go vet {vets[-1].wall:.1f} s, gofix fix {fixes[-1].wall:.1f} s")

    last = fixes[-1]
    verified, dropped, unverified = fix_counts(json.loads(last.stdout or "[]"))
    summary = [ln for ln in last.stderr.splitlines() if ln.startswith("gofix: verified")]
    commands = [ln for ln in last.stderr.splitlines()
                if ln.startswith("gofix: verifying:") and not ln.endswith("...")]
    return VerifyResult(repo.name, git(repo, "rev-parse", "--short=12", "HEAD").strip(), len(changed), len(pkgs),
                        runs, median(vets), median(fixes), verified, dropped, unverified,
                        summary[-1] if summary else "", commands)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repo", type=Path, required=True, help="a clean git checkout of a Go repository")
    ap.add_argument("--gofix", default=f"{shlex.quote(sys.executable)} -m gofix", help="the gofix command")
    ap.add_argument("--runs", type=int, default=1, help="timed runs of each (median)")
    ap.add_argument("--select", default="all", help="rules (default: every rule)")
    ap.add_argument("--safe-only", action="store_true", help="without --unsafe-fixes")
    a = ap.parse_args()
    print(f"load before: {load()}", flush=True)
    r = run_verify(a.repo, shlex.split(a.gofix), a.runs, a.select, a.safe_only,
                   log=lambda m: print(m, flush=True))
    print(f"\n{r.repo} at {r.head}: {r.changed} files changed in {r.packages} packages; fixes verified "
          f"{r.verified}, dropped {r.dropped}, unverified {r.unverified}; median of {r.runs} run(s)")
    if r.summary:
        print(r.summary)
    for ln in r.commands:  # the go commands verification ran (last run)
        print("  " + ln)
    print("\n| run | wall s | CPU s | peak MB |\n| --- | ---: | ---: | ---: |")
    print(f"| go vet of the {r.packages} touched packages (edited, build cache warm) | {r.vet.wall:.1f} | {r.vet.cpu:.1f} | {r.vet.peak_mb:.0f} |")
    print(f"| gofix fix (scan, fix, verify, write; gofix cache warm) | {r.fix.wall:.1f} | {r.fix.cpu:.1f} | {r.fix.peak_mb:.0f} |")
    print(f"\nratio gofix fix / go vet (wall): {r.ratio:.2f} (target <= 1.5)")
    print(f"load after: {load()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
