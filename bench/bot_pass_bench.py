#!/usr/bin/env python3
"""The bot's engine work on a real tree: one serial, uncached fix run per rule (how `gofix
bot` worked before issue 13: a callable fix selection made engine.run serial and uncached)
against what it does now: one parallel, cached pass over the tree, then each rule's fixes
(selected as data) only in the files that have them, then the closing pass.

No git, no writes: only the engine runs the bot makes. Give it a checkout of a large Go
repository (fetched outside this repository):

    python bench/bot_pass_bench.py /path/to/checkout
    python bench/bot_pass_bench.py /path/to/checkout --runs 2

"new (cold)" starts from an empty cache directory; "new (warm)" runs again on it, as a
second bot run on an unchanged base does (the bot's worktree keeps its path between runs).
Target: new (cold) faster than old; new (warm) a small fraction of it.
"""

from __future__ import annotations

import argparse
import dataclasses
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from codemods import RULES  # noqa: E402
from gofix import engine  # noqa: E402
from gofix.project import Project, Settings  # noqa: E402


def old(root: Path) -> None:
    base = engine.Options(jobs=1)
    for rule in RULES:
        engine.run([root], dataclasses.replace(base, select=frozenset({rule.id})), fix=True)
    engine.run([root], base, fix=False)


def new(root: Path, cache: str) -> None:
    project = Project(Settings(cache_dir=cache))
    results, _ = engine.run([root], project, fix=False)
    files: dict[str, set[str]] = {}
    for r in results:
        options = project.options_for(Path(r.path))
        for f in r.findings:
            if engine.fix_applies(f, options):
                files.setdefault(f.rule, set()).add(r.path)
    for rule in RULES:
        if rule.id in files:
            engine.run(sorted(files[rule.id]), project.selecting({rule.id}), fix=True)
    engine.run([root], project, fix=False)


def timed(fn, *args) -> float:
    t = time.perf_counter()
    fn(*args)
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("root", type=Path)
    ap.add_argument("--runs", type=int, default=1)
    args = ap.parse_args()
    root = args.root.resolve()
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory(prefix="gofix-bot-bench-") as cache:
            t_old = timed(old, root)
            t_cold = timed(new, root, cache)
            t_warm = timed(new, root, cache)
            shutil.rmtree(cache, ignore_errors=True)
        print(f"old (one serial uncached run per rule, {len(RULES)} rules): {t_old:6.1f} s")
        print(f"new (cold: one parallel pass, then each rule's files):      {t_cold:6.1f} s  ({t_old / t_cold:.1f}x)")
        print(f"new (warm cache):                                            {t_warm:6.1f} s  ({t_old / t_warm:.0f}x)")


if __name__ == "__main__":
    main()
