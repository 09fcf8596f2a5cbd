"""Suppression comments, as a fact of the file: `ctx.suppressed(rule_id, node)`.

A finding is suppressed by a directive in a comment at the end of its first line, or in a
comment on its own on the line just above:

    x := time.After(d) //gofix:ignore
    //gofix:ignore time-after-in-loop,lost-cancel
    x := time.After(d)

Directives: `//gofix:ignore` (every rule) or `//gofix:ignore rule-a,rule-b`; `//nolint`
(every rule), `//nolint:gofix`, `//nolint:<rule-id>` and the linter names a rule declares
in `Rule.nolint` (`//nolint:bodyclose` for unclosed-body, ...); `//lint:ignore <name>` for
those names.

Rows are tree-sitter's (only `\\n` ends a line, as for the Go tools), and only real comment
nodes count: a `//nolint` inside a string literal suppresses nothing, and a U+2028 in a
string does not shift the lines (str.splitlines would).

Extending the syntax (trailing reasons, `nolint:all`, declaration-wide or file-level
directives) means changing `parse_directives` (what one comment says) and
`Suppressions.covers` (which findings a directive reaches); both see every comment node.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from tree_sitter import Node

from gofix.analysis import syntax as S

_COMMENTS = S.query("(comment) @c")

_DIRECTIVE = re.compile(
    r"//\s*(?:gofix:ignore(?P<gofix>(?:[ \t]+[\w,\- \t]*)?)$"
    r"|nolint(?::(?P<nolint>[\w,\-]+))?\b"
    r"|lint:ignore\s+(?P<lint>\S+))"
)


@dataclass(frozen=True)
class Directive:
    kind: str  # "gofix" | "nolint" | "lint"
    names: frozenset[str] | None  # None: every rule
    row: int  # tree-sitter row (0-based) where the comment starts
    own_line: bool  # the comment is alone on its line, a line comment (it may cover the next line)
    comment: Node

    def names_rule(self, rule_id: str, aliases: tuple[str, ...]) -> bool:
        """Whether this directive, wherever it sits, speaks of rule_id."""
        if self.names is None:
            return True
        if self.kind == "gofix":
            return rule_id in self.names
        if self.kind == "nolint":
            return bool(({"gofix", rule_id} | set(aliases)) & self.names)
        return bool(set(aliases) & self.names)  # lint:ignore <check>


def parse_directives(text: str) -> list[tuple[str, frozenset[str] | None]]:
    """(kind, names) for each directive in one comment's text; names None: every rule."""
    out: list[tuple[str, frozenset[str] | None]] = []
    idx = text.find("//")
    while idx >= 0:
        m = _DIRECTIVE.match(text, idx)
        if m:
            if m.group("gofix") is not None:
                names = frozenset(n.strip() for n in re.split(r"[,\s]+", m.group("gofix")) if n.strip())
                out.append(("gofix", names or None))
            elif m.group("lint") is not None:
                out.append(("lint", frozenset({m.group("lint")})))
            else:
                nl = m.group("nolint")
                out.append(("nolint", frozenset(n.strip() for n in nl.split(",")) if nl else None))
        idx = text.find("//", idx + 2)
    return out


class Suppressions:
    """Every directive of one file, by row; computed once per file (ctx.memo)."""

    def __init__(self, directives: list[Directive]) -> None:
        self.directives = directives
        self.by_row: dict[int, list[Directive]] = {}
        for d in directives:
            self.by_row.setdefault(d.row, []).append(d)

    @classmethod
    def of(cls, src: bytes, root: Node) -> Suppressions:
        found: list[Directive] = []
        comments = S.captures(_COMMENTS, root).get("c", []) if b"//" in src else []
        for c in sorted(comments, key=lambda n: n.start_byte):
            text = src[c.start_byte : c.end_byte].decode("utf-8", "replace")
            if "lint" not in text and "gofix" not in text:
                continue
            own = text.startswith("//") and S.starts_line(src, c)
            for kind, names in parse_directives(text):
                found.append(Directive(kind, names, c.start_point.row, own, c))
        return cls(found)

    def covers(self, rule_id: str, aliases: tuple[str, ...], row: int, node: Node | None = None) -> bool:
        """Whether a finding of rule_id starting on `row` (0-based; `node` when known) is
        suppressed: a directive naming the rule on that row, or alone on the row above."""
        for d in self.by_row.get(row, ()):
            if d.names_rule(rule_id, aliases):
                return True
        for d in self.by_row.get(row - 1, ()):
            if d.own_line and d.names_rule(rule_id, aliases):
                return True
        return False


def _may_apply(src: bytes, pos: int) -> bool:
    """A cheap necessary condition: the line holding byte pos, or the line above, mentions
    `lint` or `gofix` after a `//`. (A directive kind that reaches further, such as a
    file-level one, must widen this test.)"""
    start = src.rfind(b"\n", 0, pos) + 1
    above = src.rfind(b"\n", 0, max(start - 1, 0)) + 1 if start > 0 else start
    end = src.find(b"\n", pos)
    text = src[above : len(src) if end < 0 else end]
    return b"//" in text and (b"lint" in text or b"gofix" in text)


def suppressed(ctx, rule_id: str, at, aliases: Mapping[str, tuple[str, ...]] | None = None) -> bool:
    """Whether a finding of rule_id at `at` (a Node, or a Finding) is suppressed in ctx's file.

    The rule's linter aliases come from `aliases` or the context's table (the engine fills
    it with the active rules' `Rule.nolint`)."""
    start = at.start_byte
    if not _may_apply(ctx.src, start):
        return False  # no directive-like text on the finding's line or the line above
    sup = ctx.memo(("gofix.analysis.suppression",), lambda: Suppressions.of(ctx.src, ctx.root))
    table = aliases if aliases is not None else ctx.nolint
    names = tuple(table.get(rule_id, ()))
    if isinstance(at, Node):
        return sup.covers(rule_id, names, at.start_point.row, at)
    node = ctx.root.descendant_for_byte_range(at.start_byte, at.end_byte)
    return sup.covers(rule_id, names, at.start.line - 1, node)
