"""What a person at a terminal sees: colour (`--color auto|always|never`, NO_COLOR), the
summary line on stderr ("Found 12 findings (9 fixable) in 5 files") and `--statistics`.

auto colours a stream only when it is a terminal, `NO_COLOR` is unset or empty
(no-color.org) and TERM is not "dumb"; always and never are what they say (an explicit
`--color always` wins over NO_COLOR).
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Callable
from typing import TextIO

from gofix.model import FileResult, Finding, Severity

COLOR_CHOICES = ("auto", "always", "never")
_RESET = "\x1b[0m"
_BOLD = "\x1b[1m"
_DIM = "\x1b[2m"
_SEVERITY = {Severity.ERROR: "\x1b[1;31m", Severity.WARNING: "\x1b[1;33m", Severity.HINT: "\x1b[1;36m"}
_GREEN = "\x1b[32m"


def use_color(choice: str, stream: TextIO) -> bool:
    if choice == "always":
        return True
    if choice == "never":
        return False
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("TERM") == "dumb":
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def paint(text: str, code: str, on: bool) -> str:
    return f"{code}{text}{_RESET}" if on and text else text


def finding_line(path: str, f: Finding, color: bool) -> str:
    """output.finding_text, coloured: the same characters once the escapes are removed."""
    from gofix.output import finding_text

    plain = finding_text(path, f)
    if not color:
        return plain
    where = f"{path}:{f.start.line}:{f.start.column}:"
    sev = f.severity.value
    head = f"{where} {sev}: {f.message} [{f.rule}]"
    if not plain.startswith(head):
        return plain  # the text format changed shape: better plain than wrong
    tail = plain[len(head):]
    return (f"{paint(where, _BOLD, True)} {paint(sev + ':', _SEVERITY[f.severity], True)} {f.message} "
            f"{paint('[' + f.rule + ']', _DIM, True)}{paint(tail, _GREEN, True) if tail else ''}")


def _n(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def summary(results: list[FileResult], fixable: Callable[[str, Finding], bool]) -> str:
    """One line for stderr: "Found 12 findings (9 fixable) in 5 files", or how many files
    came out clean."""
    findings = [(r.path, f) for r in results for f in r.findings]
    if not findings:
        return f"No findings in {_n(sum(1 for r in results if not r.error), 'file')}"
    files = sum(1 for r in results if r.findings)
    n_fix = sum(1 for path, f in findings if fixable(path, f))
    return f"Found {_n(len(findings), 'finding')} ({n_fix} fixable) in {_n(files, 'file')}"


def colour_summary(line: str, failing: bool, on: bool) -> str:
    if not on:
        return line
    return paint(line, "\x1b[1;31m" if failing else "\x1b[1;32m", True)


def statistics(results: list[FileResult], fixable: Callable[[str, Finding], bool], fmt: str) -> str:
    """Per-rule counts, most frequent first: a table (text) or a JSON array."""
    count: Counter[str] = Counter()
    fix: Counter[str] = Counter()
    for r in results:
        for f in r.findings:
            count[f.rule] += 1
            fix[f.rule] += fixable(r.path, f)
    rows = sorted(count, key=lambda rule: (-count[rule], rule))
    if fmt == "json":
        return json.dumps([{"rule": r, "count": count[r], "fixable": fix[r]} for r in rows], indent=2) + "\n"
    if not rows:
        return ""
    width = max(len(str(count[r])) for r in rows)
    rule_w = max(len(r) for r in rows)
    return "".join(f"{count[r]:>{width}}  {r:<{rule_w}}  {fix[r]} fixable\n" for r in rows)
