"""`--since REF` (check, diff, fix): keep only findings on lines changed since a git ref.

By default the lines are changed since the merge base of REF and HEAD (what a pull
request changes, as golangci-lint's `--new-from-merge-base`): a branch that only touched
go.mod is not blamed for a leak that REF has fixed meanwhile. `--since-exact` diffs
against REF itself. The changed lines are the added or modified lines of
`git diff --unified=0 BASE` (the work tree against BASE, so uncommitted edits count
too), plus every line of files git does not track yet. A finding is kept when any line of its range is changed. Lines that
were only deleted leave nothing to point at: a finding caused solely by a deletion
elsewhere (say, a removed `defer cancel()`) is not reported, as with other linters'
"new issues only" modes.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable, Iterable
from pathlib import Path

from gofix.model import FileResult, Finding

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


def changed_lines(start: Path, ref: str, exact: bool = False) -> dict[str, list[tuple[int, int]]]:
    """{real absolute path: changed line ranges} of the repository containing start, since
    the merge base of ref and HEAD (exact: since ref itself)."""
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
    base = ref
    if not exact:
        try:
            base = repo.git.merge_base(ref, "HEAD").strip()
        except GitCommandError:
            raise SinceError(f"--since: {ref!r} and HEAD have no merge base (use --since-exact "
                             "to compare with the ref itself)") from None
    try:
        text = repo.git.diff("--unified=0", "--no-color", "--no-ext-diff", "--find-renames",
                             "--diff-filter=AMRC", base, "--")
    except GitCommandError as e:
        raise SinceError(f"--since: git diff failed: {(e.stderr or str(e)).strip()}") from None
    root = Path(repo.working_tree_dir)
    out: dict[str, list[tuple[int, int]]] = {}
    for rel, ranges in parse_diff(text).items():
        out[os.path.realpath(root / rel)] = ranges
    for rel in repo.untracked_files:
        out[os.path.realpath(root / rel)] = ALL_LINES
    return out


def _touches(f: Finding, ranges: list[tuple[int, int]]) -> bool:
    return any(a <= f.end.line and f.start.line <= b for a, b in ranges)


def _key(f: Finding) -> tuple:
    return (f.rule, f.message, f.fix.title if f.fix else None)


def _at(f: Finding) -> tuple:
    # line/column, not byte offsets: the same in the file's bytes and in the LF-only text
    # the fix loop works on
    return _key(f) + (f.start.line, f.start.column, f.end.line, f.end.column)


def fix_acceptor(findings: list[Finding], ranges: list[tuple[int, int]],
                 base: Callable[[Finding], bool]) -> Callable[[Finding], bool]:
    """An `accept` for engine.run(fix=True) that takes only the fixes of findings on changed
    lines. findings: the file's findings before any fix. A finding of a later pass (its
    lines moved by an earlier fix) is taken when it is unambiguously one that was inside."""
    inside = {_at(f) for f in findings if _touches(f, ranges)}
    outside = {_at(f) for f in findings if not _touches(f, ranges)}
    inside_keys = {k[:3] for k in inside}
    ambiguous = {k[:3] for k in outside}

    def accept(f: Finding) -> bool:
        if not base(f):
            return False
        at = _at(f)
        if at in inside:
            return True
        if at in outside:
            return False
        return _key(f) in inside_keys and _key(f) not in ambiguous

    return accept


def restrict_fixes(results: list[FileResult], changed: dict[str, list[tuple[int, int]]],
                   refix: Callable[[str, Callable[[Finding], bool]], FileResult | None],
                   fixable: Callable[[str, Finding], bool]) -> list[FileResult]:
    """Fix results (engine.run fix=True) with only the findings and fixes on changed lines.
    A file whose applied fixes are all inside keeps its result; one with none inside keeps
    no fix; the others are fixed again through refix(path, accept). fixable(path, f): whether
    a fix run applies f's fix in that file (its options are the file's own)."""
    out = []
    by_path = {x.path: x for x in results}
    for r in filter_results(results, changed):
        if not r.changed:
            out.append(r)
            continue
        ranges = changed.get(os.path.realpath(r.path)) or []
        original = by_path[r.path]
        base = functools.partial(fixable, r.path)
        fixes = [f for f in original.findings if base(f)]
        if fixes and all(_touches(f, ranges) for f in fixes):
            r.applied = original.applied
            out.append(r)
            continue
        if not any(_touches(f, ranges) for f in fixes):
            r.fixed, r.applied = None, []
            out.append(r)
            continue
        again = refix(r.path, fix_acceptor(original.findings, ranges, base))
        if again is None:
            r.fixed, r.applied = None, []
        else:
            r.fixed, r.applied = again.fixed, again.applied
            r.source = again.source if again.source is not None else r.source
        out.append(r)
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
