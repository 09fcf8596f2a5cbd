"""What git ignores, so that a directory walk skips it (generated trees, build output,
checked-out dependencies).

The matching is pathspec's GitIgnoreSpec (git's wildmatch rules, negation, directory-only
patterns); this module only decides which files apply where, as git does: every
`.gitignore` from the repository root (the nearest directory upward with a `.git`, else
the walk's top) down to the path's directory, deeper files overriding shallower ones, then
`.git/info/exclude` below them all. A path that is ignored stays ignored below (git does
not look inside an ignored directory). Files named on the command line are never
filtered: only what a walk finds.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import pathspec


def _git_root(start: str) -> str | None:
    d = os.path.abspath(start)
    while True:
        if os.path.exists(os.path.join(d, ".git")):
            return d
        parent = os.path.dirname(d)
        if parent == d:
            return None
        d = parent


@lru_cache(maxsize=4096)
def _spec(path: str) -> pathspec.GitIgnoreSpec | None:
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            lines = f.read().splitlines()
    except OSError:
        return None
    lines = [ln for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]
    return pathspec.GitIgnoreSpec.from_lines(lines) if lines else None


class GitIgnore:
    """ignored(path, is_dir) for the paths under one walk top."""

    def __init__(self, top: str | Path) -> None:
        top = os.path.abspath(top)
        self.root = _git_root(top) or top
        self.exclude = _spec(os.path.join(self.root, ".git", "info", "exclude")) \
            if os.path.isdir(os.path.join(self.root, ".git")) else None
        self._by_dir: dict[str, list[tuple[str, pathspec.GitIgnoreSpec]]] = {}

    def _specs_for(self, directory: str) -> list[tuple[str, pathspec.GitIgnoreSpec]]:
        """(base directory, spec) from the root down to directory."""
        found = self._by_dir.get(directory)
        if found is None:
            found = self._by_dir[directory] = self._load(directory)
        return found

    def _load(self, directory: str) -> list[tuple[str, pathspec.GitIgnoreSpec]]:
        rel = os.path.relpath(directory, self.root)
        if rel.startswith(".."):
            return []
        parts = [] if rel == "." else rel.split(os.sep)
        out = []
        d = self.root
        for i in range(len(parts) + 1):
            if i:
                d = os.path.join(d, parts[i - 1])
            s = _spec(os.path.join(d, ".gitignore"))
            if s is not None:
                out.append((d, s))
        return out

    def ignored(self, path: str | Path, is_dir: bool) -> bool:
        path = os.path.abspath(path)
        specs = self._specs_for(os.path.dirname(path))
        if self.exclude is not None:
            specs = [(self.root, self.exclude)] + specs
        verdict = None
        for base, spec in specs:  # deeper files come later and win
            rel = os.path.relpath(path, base).replace(os.sep, "/")
            if rel.startswith(".."):
                continue
            result = spec.check_file(rel + "/" if is_dir else rel)
            if result.include is not None:
                verdict = result.include
        return bool(verdict)


def clear_caches() -> None:
    _spec.cache_clear()
