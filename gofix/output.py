"""Presenting results: text, JSON (the output contract) and unified diffs."""

from __future__ import annotations

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
    """A git-apply-able unified diff of one file (a/ and b/ prefixes)."""
    # Lines as git sees them: split at "\n" only (str.splitlines would also split at a form
    # feed or U+2028 inside a comment or string, and the diff would not apply).
    a = before.decode("utf-8").split("\n")
    b = after.decode("utf-8").split("\n")
    a = [x + "\n" for x in a[:-1]] + ([a[-1]] if a[-1] else [])
    b = [x + "\n" for x in b[:-1]] + ([b[-1]] if b[-1] else [])
    lines = list(difflib.unified_diff(a, b, f"a/{path}", f"b/{path}", n=3))
    out = []
    for line in lines:
        if not line.endswith("\n"):
            line += "\n\\ No newline at end of file\n"
        out.append(line)
    return "".join(out)
