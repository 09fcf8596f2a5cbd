"""Guards around `gofix fix`: files with uncommitted changes in git are not touched.

A fix should reach the user as a clean diff they can review (`git diff`) and undo
(`git checkout`). If a file already has uncommitted changes (modified, staged, or not
tracked at all), gofix's edits would mix with the user's; `fix` refuses such files unless
`--allow-dirty`. Files outside any git work tree, and files git ignores, are not checked.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path

from gofix.model import FileResult

DIRTY = "has uncommitted changes; not modified (commit or stash them first, or pass --allow-dirty)"


def _git(args: list[str], cwd: Path) -> subprocess.CompletedProcess | None:
    git = shutil.which("git")
    if git is None:
        return None
    env = dict(os.environ)
    env.pop("GIT_DIR", None)  # the files' own repository, not one a hook points at
    env.pop("GIT_WORK_TREE", None)
    try:
        return subprocess.run([git, *args], cwd=cwd, env=env, capture_output=True, timeout=120,
                              stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired):
        return None


def _toplevel(directory: Path, cache: dict[Path, Path | None]) -> Path | None:
    if directory not in cache:
        p = _git(["rev-parse", "--show-toplevel"], directory)
        top = None
        if p is not None and p.returncode == 0:
            top = Path(os.fsdecode(p.stdout.strip())).resolve()
        cache[directory] = top
    return cache[directory]


def dirty_files(paths: Iterable[Path]) -> set[Path]:
    """The paths (resolved) that git reports as modified, staged, untracked, or in conflict.

    Paths outside a git work tree, and paths git ignores, are never dirty. Without git
    nothing is dirty.
    """
    by_repo: dict[Path, list[Path]] = {}
    tops: dict[Path, Path | None] = {}
    for p in paths:
        real = Path(p).resolve()
        top = _toplevel(real.parent, tops)
        if top is not None:
            by_repo.setdefault(top, []).append(real)
    dirty: set[Path] = set()
    for top, files in by_repo.items():
        for i in range(0, len(files), 500):
            chunk = files[i:i + 500]
            rel = [os.path.relpath(f, top) for f in chunk]
            p = _git(["status", "--porcelain=v1", "-z", "--untracked-files=all", "--", *rel], top)
            if p is None or p.returncode != 0:
                continue
            entries = p.stdout.split(b"\0")
            k = 0
            while k < len(entries):
                e = entries[k]
                k += 1
                if len(e) < 4:
                    continue
                status, name = e[:2], os.fsdecode(e[3:])
                if status[:1] in (b"R", b"C"):
                    k += 1  # the rename's source path follows
                dirty.add((top / name).resolve())
    return dirty


def refuse_dirty(results: list[FileResult], report: Callable[[str], None]) -> list[FileResult]:
    """results with every changed file that has uncommitted changes turned into a per-file
    error (its fixes are not applied; its findings are still counted)."""
    changed = [r for r in results if r.changed]
    if not changed:
        return results
    dirty = dirty_files(Path(r.path) for r in changed)
    if not dirty:
        return results
    out = []
    for r in results:
        if r.changed and Path(r.path).resolve() in dirty:
            report(f"{r.path}: error: {DIRTY}")
            r = replace(r, fixed=None, applied=[], error=DIRTY)
        out.append(r)
    return out
