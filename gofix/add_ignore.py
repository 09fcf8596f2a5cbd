"""`gofix check --add-ignore`: a `//gofix:ignore <rule> // TODO: ...` directive for every
current finding (ruff's --add-noqa), so that a team can adopt gofix on a legacy tree and
gate only new code; the TODO keeps each one visible until someone looks at it.

The directive goes at the end of the finding's first line, where golangci-lint users put
theirs. When that line already ends with a comment (a directive after it would be read as
part of its reason), or ends inside a multi-line string or comment (appending there would
change the string), it goes alone on the line above instead, with the line's indentation.
Several findings on one line share one directive naming all their rules.
"""

from __future__ import annotations

from collections import defaultdict

from gofix.analysis import syntax as S
from gofix.model import Finding

_COMMENTS = S.query("(comment) @c")
TODO = "TODO: fix this leak, then remove this directive"


def _line_bounds(src: bytes, line: int) -> tuple[int, int]:
    """(start, end) byte offsets of a 1-based line, end before its newline."""
    start = 0
    for _ in range(line - 1):
        nl = src.find(b"\n", start)
        if nl < 0:
            return len(src), len(src)
        start = nl + 1
    end = src.find(b"\n", start)
    end = len(src) if end < 0 else end
    if end > start and src[end - 1:end] == b"\r":
        end -= 1
    return start, end


def _inside_multiline_token(tree, pos: int) -> bool:
    """Whether pos falls inside a string or a block comment that goes on past its line."""
    node = tree.root_node.descendant_for_byte_range(max(0, pos - 1), max(0, pos - 1))
    while node is not None:
        if node.type in ("raw_string_literal", "interpreted_string_literal", "comment") \
                and node.start_point.row != node.end_point.row and node.end_byte > pos:
            return True
        node = node.parent
    return False


def add_ignores(src: bytes, findings: list[Finding]) -> tuple[bytes, int]:
    """(new source, number of directives added)."""
    rules_by_line: dict[int, list[str]] = defaultdict(list)
    for f in findings:
        if f.rule in ("invalid-ignore", "unused-ignore"):
            continue  # about directives themselves: ignoring them would hide the problem
        if f.rule not in rules_by_line[f.start.line]:
            rules_by_line[f.start.line].append(f.rule)
    if not rules_by_line:
        return src, 0
    tree = S.parse(src)
    comment_rows = {c.start_point.row for c in S.captures(_COMMENTS, tree.root_node).get("c", [])}
    edits: list[tuple[int, bytes]] = []
    for line, rules in rules_by_line.items():
        directive = f"//gofix:ignore {','.join(sorted(rules))} // {TODO}".encode()
        start, end = _line_bounds(src, line)
        if line - 1 not in comment_rows and not _inside_multiline_token(tree, end):
            edits.append((end, b" " + directive))
            continue
        indent = src[start:start + len(src[start:end]) - len(src[start:end].lstrip(b" \t"))]
        edits.append((start, indent + directive + b"\n"))
    out = src
    for pos, text in sorted(edits, reverse=True):
        out = out[:pos] + text + out[pos:]
    return out, len(edits)
