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

Compatible with golangci-lint and staticcheck as their users write them:

- a reason after the names: `//gofix:ignore lost-cancel // reason`,
  `//gofix:ignore lost-cancel: reason`, `//nolint:lostcancel // reason` (nolintlint's
  style), `//lint:ignore SA1015 reason` (staticcheck's);
- `//nolint:all` (every rule, as `//nolint`);
- a directive on the first line of a top-level declaration (trailing, or alone on the
  line above it) covers the whole declaration, as golangci-lint's `//nolint` on a `func`;
- file-level: `//gofix:file-ignore` (every rule) or `//gofix:file-ignore rule-a,rule-b`,
  and staticcheck's `//lint:file-ignore <check> reason`, anywhere in the file.

`directive_findings` turns what is wrong with the directives into findings of two
pseudo-rules the engine adds: `invalid-ignore` (a gofix directive naming a rule that does
not exist: a typo would otherwise suppress nothing, silently) and, with
`--report-unused-ignores`, `unused-ignore` (a gofix directive that suppressed nothing in
this run, with a fix that deletes it; like ruff's RUF100 and nolintlint).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from tree_sitter import Node

from gofix.analysis import syntax as S

_COMMENTS = S.query("(comment) @c")

_IDS = r"[\w\-]+(?:[ \t]*,[ \t]*[\w\-]+)*"
_DIRECTIVE = re.compile(
    r"//[ \t]*(?:gofix:(?P<gkind>file-ignore|ignore)(?P<gofix>(?:[ \t]+" + _IDS + r")*)"
    r"(?P<greason>[ \t]*(?::|//).*|[ \t]*)$"
    r"|nolint(?::(?P<nolint>[\w,\-]+))?\b"
    r"|lint:(?P<lkind>file-ignore|ignore)\s+(?P<lint>\S+))"
)
PSEUDO_RULES = ("invalid-ignore", "unused-ignore")


@dataclass(frozen=True)
class Directive:
    kind: str  # "gofix" | "nolint" | "lint"
    names: frozenset[str] | None  # None: every rule
    row: int  # tree-sitter row (0-based) where the comment starts
    own_line: bool  # the comment is alone on its line, a line comment (it may cover the next line)
    comment: Node
    file_level: bool = False  # gofix:file-ignore / lint:file-ignore
    # rows a directive on a declaration's first line covers (the whole declaration)
    span: tuple[int, int] | None = None

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
    """(kind, names) for each directive in one comment's text; names None: every rule.
    kind is "gofix", "nolint" or "lint", with "-file" added for file-level directives."""
    out: list[tuple[str, frozenset[str] | None]] = []
    idx = text.find("//")
    while idx >= 0:
        m = _DIRECTIVE.match(text, idx)
        if m:
            if m.group("gkind") is not None:
                names = frozenset(n.strip() for n in re.split(r"[,\s]+", m.group("gofix") or "") if n.strip())
                out.append(("gofix-file" if m.group("gkind") == "file-ignore" else "gofix", names or None))
                break  # the rest is the reason
            elif m.group("lint") is not None:
                names = frozenset(m.group("lint").split(","))
                out.append(("lint-file" if m.group("lkind") == "file-ignore" else "lint", names))
                break  # staticcheck: the rest is the reason
            else:
                nl = m.group("nolint")
                names = frozenset(n.strip() for n in nl.split(",")) if nl else None
                if names is not None and "all" in names:
                    names = None
                out.append(("nolint", names))
        idx = text.find("//", idx + 2)
    return out


_DECLARATIONS = frozenset({"function_declaration", "method_declaration", "type_declaration",
                           "var_declaration", "const_declaration"})


def _declaration_spans(root: Node) -> dict[int, tuple[int, int]]:
    """start row -> (start row, end row) of each top-level declaration."""
    out: dict[int, tuple[int, int]] = {}
    for child in root.named_children:
        if child.type in _DECLARATIONS:
            out.setdefault(child.start_point.row, (child.start_point.row, child.end_point.row))
    return out


class Suppressions:
    """Every directive of one file, by row; computed once per file (ctx.memo). Remembers
    which directives suppressed something (for unused-ignore)."""

    def __init__(self, directives: list[Directive]) -> None:
        self.directives = directives
        self.by_row: dict[int, list[Directive]] = {}
        self.file_level = [d for d in directives if d.file_level]
        self.spans = [d for d in directives if d.span is not None]
        for d in directives:
            if not d.file_level:
                self.by_row.setdefault(d.row, []).append(d)
        self.used: set[int] = set()  # id() of the directives that suppressed a finding

    @classmethod
    def of(cls, src: bytes, root: Node) -> Suppressions:
        found: list[Directive] = []
        comments = S.captures(_COMMENTS, root).get("c", []) if b"//" in src else []
        decls: dict[int, tuple[int, int]] | None = None
        for c in sorted(comments, key=lambda n: n.start_byte):
            text = src[c.start_byte : c.end_byte].decode("utf-8", "replace")
            if "lint" not in text and "gofix" not in text:
                continue
            own = text.startswith("//") and S.starts_line(src, c)
            for kind, names in parse_directives(text):
                row = c.start_point.row
                if kind.endswith("-file"):
                    found.append(Directive(kind[:-5], names, row, own, c, file_level=True))
                    continue
                if decls is None:
                    decls = _declaration_spans(root)
                span = decls.get(row + 1 if own else row)
                found.append(Directive(kind, names, row, own, c, span=span))
        return cls(found)

    def covers(self, rule_id: str, aliases: tuple[str, ...], row: int, node: Node | None = None) -> bool:
        """Whether a finding of rule_id starting on `row` (0-based; `node` when known) is
        suppressed: a directive naming the rule on that row, or alone on the row above, or
        on the first line of the declaration that holds it, or file-level."""
        hit = None
        for d in self.by_row.get(row, ()):
            if d.names_rule(rule_id, aliases):
                hit = d
                break
        if hit is None:
            for d in self.by_row.get(row - 1, ()):
                if d.own_line and d.names_rule(rule_id, aliases):
                    hit = d
                    break
        if hit is None:
            for d in self.spans:
                if d.span[0] <= row <= d.span[1] and d.names_rule(rule_id, aliases):
                    hit = d
                    break
        if hit is None:
            for d in self.file_level:
                if d.names_rule(rule_id, aliases):
                    hit = d
                    break
        if hit is None:
            return False
        self.used.add(id(hit))
        return True


def _may_apply(src: bytes, pos: int) -> bool:
    """A cheap necessary condition: the line holding byte pos, or the line above, mentions
    `lint` or `gofix` after a `//`. (Directives that reach further, file-level ones and
    those on a declaration's first line, are found by `_reaches_far`.)"""
    start = src.rfind(b"\n", 0, pos) + 1
    above = src.rfind(b"\n", 0, max(start - 1, 0)) + 1 if start > 0 else start
    end = src.find(b"\n", pos)
    text = src[above : len(src) if end < 0 else end]
    return b"//" in text and (b"lint" in text or b"gofix" in text)


def _reaches_far(ctx) -> bool:
    """Whether the file has a directive that covers more than its line and the next: a
    file-level one, or one on a declaration's first line (once per file; the directives
    are read only when the file mentions one at all)."""
    def compute() -> bool:
        src = ctx.src
        if b"//" not in src or not (b"lint" in src or b"gofix:" in src):
            return False
        sup = _of(ctx)
        return bool(sup.file_level or sup.spans)

    return ctx.memo(("gofix.analysis.suppression", "far"), compute)


def suppressed(ctx, rule_id: str, at, aliases: Mapping[str, tuple[str, ...]] | None = None) -> bool:
    """Whether a finding of rule_id at `at` (a Node, or a Finding) is suppressed in ctx's file.

    The rule's linter aliases come from `aliases` or the context's table (the engine fills
    it with the active rules' `Rule.nolint`)."""
    start = at.start_byte
    if not _may_apply(ctx.src, start) and not _reaches_far(ctx):
        return False  # no directive-like text near the finding, and none that reaches further
    sup = _of(ctx)
    table = aliases if aliases is not None else ctx.nolint
    names = tuple(table.get(rule_id, ()))
    if isinstance(at, Node):
        return sup.covers(rule_id, names, at.start_point.row, at)
    node = ctx.root.descendant_for_byte_range(at.start_byte, at.end_byte)
    return sup.covers(rule_id, names, at.start.line - 1, node)


def _of(ctx) -> Suppressions:
    return ctx.memo(("gofix.analysis.suppression",), lambda: Suppressions.of(ctx.src, ctx.root))


def _finding(rule: str, message: str, src: bytes, comment: Node, fix=None):
    from gofix.analysis.model import Finding, Position, Severity

    return Finding(rule=rule, severity=Severity.WARNING, message=message,
                   start_byte=comment.start_byte, end_byte=comment.end_byte,
                   start=Position(comment.start_point.row + 1, comment.start_point.column + 1),
                   end=Position(comment.end_point.row + 1, comment.end_point.column + 1), fix=fix)


def _delete_fix(src: bytes, d: Directive):
    """Delete a directive's comment: its whole line when it is alone there, else the
    comment and the blanks before it."""
    from gofix.analysis.model import Applicability, Edit, Fix

    c = d.comment
    if d.own_line:
        start = S.line_start(src, c.start_byte)
        end = S.line_end(src, c.end_byte)
        end = end + 1 if src[end:end + 1] == b"\n" else end
    else:
        start = c.start_byte
        while start > 0 and src[start - 1:start] in (b" ", b"\t"):
            start -= 1
        end = c.end_byte
    return Fix("Remove the unused directive", (Edit(start, end, b""),), Applicability.SAFE)


def directive_findings(ctx, known: frozenset[str], active: frozenset[str], report_unused: bool) -> list:
    """Findings about the file's gofix directives (not the other linters'): invalid-ignore
    for a name that is no rule (known: every rule id); with report_unused, unused-ignore
    for one that suppressed nothing although every rule it names ran (active)."""
    if b"gofix:" not in ctx.src:
        return []
    sup = _of(ctx)
    out = []
    for d in sup.directives:
        if d.kind != "gofix":
            continue
        unknown = sorted(n for n in (d.names or ()) if n not in known)
        word = "gofix:file-ignore" if d.file_level else "gofix:ignore"
        if unknown:
            out.append(_finding("invalid-ignore",
                                f"//{word} names {', '.join(repr(u) for u in unknown)}, which "
                                f"{'is no rule' if len(unknown) == 1 else 'are no rules'} (`gofix rules` lists them); "
                                "it suppresses nothing for them", ctx.src, d.comment))
            continue
        if not report_unused or id(d) in sup.used:
            continue
        names = d.names if d.names is not None else active
        if not names or not names <= active:
            continue  # a rule it names did not run: unknown whether it is needed
        what = "every rule" if d.names is None else ", ".join(sorted(d.names))
        out.append(_finding("unused-ignore", f"//{word} ({what}) suppresses no finding; remove it",
                            ctx.src, d.comment, _delete_fix(ctx.src, d)))
    return out
