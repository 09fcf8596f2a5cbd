"""Paths in outputs, relative to the repository root.

CI systems name files from the top of the repository: a job that runs gofix with
`working-directory: services/api` must still annotate `services/api/fetch.go`, not
`fetch.go`. The root is the git top level of the first path (a `.git` directory or file
found upward, so worktrees and submodules count), else the directory of the nearest
go.work or go.mod, else the working directory. `--path-prefix` is put in front of every
path (as golangci-lint's), for a checkout that is itself a subdirectory of what the
consumer sees.
"""

from __future__ import annotations

import os
import posixpath
from dataclasses import dataclass
from pathlib import Path


def _upward(start: str, names: tuple[str, ...]) -> str | None:
    d = os.path.abspath(start)
    while True:
        if any(os.path.exists(os.path.join(d, n)) for n in names):
            return d
        parent = os.path.dirname(d)
        if parent == d:
            return None
        d = parent


def repository_root(start: str | Path) -> Path:
    """The git top level containing start, else its module root, else the cwd."""
    s = os.fspath(start)
    if not os.path.isdir(s):
        s = os.path.dirname(os.path.abspath(s)) or "."
    found = _upward(s, (".git",)) or _upward(s, ("go.work",)) or _upward(s, ("go.mod",))
    return Path(found or os.getcwd()).resolve()


@dataclass(frozen=True)
class PathStyle:
    root: Path
    prefix: str = ""

    @classmethod
    def for_run(cls, paths: list[Path], prefix: str | None = None) -> "PathStyle":
        return cls(repository_root(paths[0] if paths else Path(".")), (prefix or "").strip("/"))

    def show(self, path: str) -> str:
        """path (as the engine shows it: relative to the cwd, or absolute) from the root,
        with forward slashes; a file outside the root stays absolute."""
        full = Path(os.path.abspath(path))
        try:
            rel = full.relative_to(self.root).as_posix()
        except ValueError:
            try:
                rel = full.resolve().relative_to(self.root).as_posix()
            except (ValueError, OSError):
                return full.as_posix()
        return posixpath.join(self.prefix, rel) if self.prefix else rel
