"""`gofix check --since REF`: keep only findings on lines changed since a git ref.

The changed lines are the added or modified lines of `git diff --unified=0 REF` (the
work tree against REF, so uncommitted edits count too), plus every line of files git
does not track yet. A finding is kept when any line of its range is changed. Lines that
were only deleted leave nothing to point at: a finding caused solely by a deletion
elsewhere (say, a removed `defer cancel()`) is not reported, as with other linters'
"new issues only" modes.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path

from gofix.model import FileResult

_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")
ALL_LINES = [(1, 1 << 62)]


class SinceError(Exception):
    pass


def _unquote(path: str) -> str:
    """git's C-style quoting of unusual file names ("a\\303\\251.go")."""
    if not (path.startswith('"') and path.endswith('"')):
        return path
    body = path[1:-1]
    out = bytearray()
    i = 0
    simple = {"n": b"\n", "t": b"\t", '"': b'"', "\\": b"\\", "a": b"\a", "b": b"\b", "f": b"\f",
              "r": b"\r", "v": b"\v"}
    while i < len(body):
        c = body[i]
        if c == "\\" and i + 1 < len(body):
            n = body[i + 1]
            if n in "01234567" and i + 3 < len(body) + 1 and re.fullmatch(r"[0-7]{3}", body[i + 1:i + 4]):
                out.append(int(body[i + 1:i + 4], 8))
                i += 4
                continue
            out += simple.get(n, n.encode())
            i += 2
            continue
        out += c.encode("utf-8")
        i += 1
    return out.decode("utf-8", errors="surrogateescape")


def parse_diff(text: str) -> dict[str, list[tuple[int, int]]]:
    """{new path: [(first, last) added/changed line ranges]} from `git diff --unified=0`."""
    changed: dict[str, list[tuple[int, int]]] = {}
    current: str | None = None
    for line in text.splitlines():
        if line.startswith("+++ "):
            target = _unquote(line[4:].rstrip("\t"))
            current = None if target == "/dev/null" else target[2:] if target.startswith("b/") else target
            if current is not None:
                changed.setdefault(current, [])
            continue
        m = _HUNK.match(line)
        if m and current is not None:
            start = int(m.group(1))
            count = int(m.group(2)) if m.group(2) is not None else 1
            if count > 0:
                changed[current].append((start, start + count - 1))
    return changed


def changed_lines(start: Path, ref: str) -> dict[str, list[tuple[int, int]]]:
    """{real absolute path: changed line ranges} of the repository containing start."""
    import git
    from git.exc import GitCommandError, InvalidGitRepositoryError, NoSuchPathError

    try:
        repo = git.Repo(start if start.is_dir() else start.parent, search_parent_directories=True)
    except (InvalidGitRepositoryError, NoSuchPathError):
        raise SinceError(f"--since: {start} is not inside a git repository") from None
    if repo.working_tree_dir is None:
        raise SinceError("--since: needs a work tree, not a bare repository")
    try:
        repo.git.rev_parse("--verify", "--quiet", f"{ref}^{{commit}}")
    except GitCommandError:
        raise SinceError(f"--since: unknown revision {ref!r}") from None
    try:
        text = repo.git.diff("--unified=0", "--no-color", "--no-ext-diff", "--find-renames",
                             "--diff-filter=AMRC", ref, "--")
    except GitCommandError as e:
        raise SinceError(f"--since: git diff failed: {(e.stderr or str(e)).strip()}") from None
    root = Path(repo.working_tree_dir)
    out: dict[str, list[tuple[int, int]]] = {}
    for rel, ranges in parse_diff(text).items():
        out[os.path.realpath(root / rel)] = ranges
    for rel in repo.untracked_files:
        out[os.path.realpath(root / rel)] = ALL_LINES
    return out


def filter_results(results: Iterable[FileResult], changed: dict[str, list[tuple[int, int]]]) -> list[FileResult]:
    """Results with only the findings that touch a changed line (errors kept as they are)."""
    out = []
    for r in results:
        ranges = changed.get(os.path.realpath(r.path))
        if not ranges:
            if r.error:
                out.append(FileResult(path=r.path, error=r.error, source=r.source))
            continue
        kept = [f for f in r.findings
                if any(a <= f.end.line and f.start.line <= b for a, b in ranges)]
        out.append(FileResult(path=r.path, findings=kept, error=r.error, source=r.source,
                              fixed=r.fixed, applied=[f for f in r.applied if f in kept]))
    return out
