"""Presenting results: text, JSON (the output contract) and unified diffs."""

from __future__ import annotations

import bisect
import difflib
import json
from collections.abc import Callable, Iterable

from gofix.model import FileResult, Finding


def finding_json(path: str, f: Finding) -> dict:
    fix = None
    if f.fix is not None:
        fix = {
            "title": f.fix.title,
            "applicability": f.fix.applicability.value,
            "edits": [e.to_json() for e in f.fix.edits],
        }
    out = {
        "path": path,
        "line": f.start.line,
        "column": f.start.column,
        "end_line": f.end.line,
        "end_column": f.end.column,
        "rule": f.rule,
        "severity": f.severity.value,
        "message": f.message,
        "fix": fix,
    }
    if f.fix is not None:
        out["verified"] = f.verified
        if f.verify_reason:
            out["verify_reason"] = f.verify_reason
    return out


def to_json(results: Iterable[FileResult], show: Callable[[str], str] | None = None) -> str:
    """show: how a path is named (default: as the result has it)."""
    items = [finding_json(show(r.path) if show else r.path, f) for r in results for f in r.findings]
    return json.dumps(items, indent=2, ensure_ascii=False)


def finding_text(path: str, f: Finding) -> str:
    fix = ""
    if f.fix is not None:
        label = "fix" if f.fix.applicability.value == "safe" else f"{f.fix.applicability.value} fix"
        fix = f" ({label}: {f.fix.title})"
    if f.verified is False and f.verify_reason:
        fix += f" [fix dropped: {f.verify_reason}]"
    return f"{path}:{f.start.line}:{f.start.column}: {f.severity.value}: {f.message} [{f.rule}]{fix}"


def unified_diff(path: str, before: bytes, after: bytes) -> str:
    """A git-apply-able unified diff of one file (a/ and b/ prefixes), 3 lines of context."""
    a, b = _git_lines(before), _git_lines(after)
    out = []
    for group in _AnchoredMatcher(None, a, b).get_grouped_opcodes(3):
        if not out:
            out += [f"--- a/{path}\n", f"+++ b/{path}\n"]
        out.append(f"@@ -{_hunk_range(group[0][1], group[-1][2])} +{_hunk_range(group[0][3], group[-1][4])} @@\n")
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                out += (" " + line for line in a[i1:i2])
                continue
            out += ("-" + line for line in a[i1:i2])
            out += ("+" + line for line in b[j1:j2])
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in out)


def _git_lines(data: bytes) -> list[str]:
    """Lines as git sees them: split at "\n" only (str.splitlines would also split at a form
    feed or U+2028 inside a comment or string, and the diff would not apply)."""
    lines = data.decode("utf-8").split("\n")
    return [x + "\n" for x in lines[:-1]] + ([lines[-1]] if lines[-1] else [])


def _hunk_range(start: int, stop: int) -> str:
    """A hunk header's side: 1-based first line and count; an empty side names the line before."""
    n = stop - start
    return f"{start + 1}" if n == 1 else f"{start if n == 0 else start + 1},{n}"


class _AnchoredMatcher(difflib.SequenceMatcher):
    """difflib's opcodes and hunks over matching lines found as in patience diff: lines that
    occur once on each side anchor the match (their longest common order), and difflib's
    own matcher runs only between two anchors. difflib alone is quadratic on a file of many
    repeated lines (`}`, `return err`): a fixed file of 3,000 similar functions took 7 s to
    diff, one of 750 took 0.4 s."""

    def get_matching_blocks(self) -> list[difflib.Match]:
        if getattr(self, "_anchored", None) is None:
            self._anchored = _anchored_blocks(self.a, self.b)
        return self._anchored


def _anchored_blocks(a: list[str], b: list[str]) -> list[difflib.Match]:
    found: list[tuple[int, int, int]] = []
    todo = [(0, len(a), 0, len(b))]
    while todo:
        alo, ahi, blo, bhi = todo.pop()
        while alo < ahi and blo < bhi and a[alo] == b[blo]:  # common head
            found.append((alo, blo, 1))
            alo, blo = alo + 1, blo + 1
        while alo < ahi and blo < bhi and a[ahi - 1] == b[bhi - 1]:  # common tail
            ahi, bhi = ahi - 1, bhi - 1
            found.append((ahi, bhi, 1))
        if alo == ahi or blo == bhi:
            continue
        anchors = _unique_common(a, alo, ahi, b, blo, bhi)
        if not anchors:
            m = difflib.SequenceMatcher(None, a[alo:ahi], b[blo:bhi])
            found += [(alo + i, blo + j, n) for i, j, n in m.get_matching_blocks() if n]
            continue
        i0, j0 = alo, blo
        for i, j in anchors:
            found.append((i, j, 1))
            todo.append((i0, i, j0, j))
            i0, j0 = i + 1, j + 1
        todo.append((i0, ahi, j0, bhi))
    blocks: list[list[int]] = []
    for i, j, n in sorted(found):  # disjoint ranges, in order on both sides: merge the adjacent
        if blocks and blocks[-1][0] + blocks[-1][2] == i and blocks[-1][1] + blocks[-1][2] == j:
            blocks[-1][2] += n
        else:
            blocks.append([i, j, n])
    return [difflib.Match(i, j, n) for i, j, n in blocks] + [difflib.Match(len(a), len(b), 0)]


def _unique_common(a: list[str], alo: int, ahi: int, b: list[str], blo: int, bhi: int) -> list[tuple[int, int]]:
    """(i, j) of the lines that occur once in a[alo:ahi] and once in b[blo:bhi], the longest
    chain of them in the same order on both sides."""
    once_a = _once(a, alo, ahi)
    once_b = _once(b, blo, bhi)
    pairs = [(i, once_b[line]) for line, i in once_a.items() if line in once_b]
    pairs.sort()
    # the longest increasing run of j (patience sorting): tails[k] ends the best chain of k + 1
    tails: list[int] = []
    tail_js: list[int] = []
    back = [-1] * len(pairs)
    for n, (_, j) in enumerate(pairs):
        k = bisect.bisect_left(tail_js, j)
        if k:
            back[n] = tails[k - 1]
        if k == len(tails):
            tails.append(n)
            tail_js.append(j)
        else:
            tails[k], tail_js[k] = n, j
    chain = []
    n = tails[-1] if tails else -1
    while n >= 0:
        chain.append(pairs[n])
        n = back[n]
    return chain[::-1]


def _once(lines: list[str], lo: int, hi: int) -> dict[str, int]:
    """The lines of lines[lo:hi] that occur there once, with their index."""
    seen: dict[str, int] = {}
    for i in range(lo, hi):
        seen[lines[i]] = -1 if lines[i] in seen else i
    return {line: i for line, i in seen.items() if i >= 0}
