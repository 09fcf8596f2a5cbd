"""The edit model: building byte-range edits that keep gofmt layout, and applying them."""

from __future__ import annotations

import bisect
import sys
from collections.abc import Iterable

from tree_sitter import Node

from gofix.analysis import syntax as S
from gofix.analysis.context import FileContext, default_package_name
from gofix.analysis.model import Edit, Fix


# --- applying -------------------------------------------------------------------------


def _overlaps(a: Edit, b: Edit) -> bool:
    if a.start == a.end and b.start == b.end:
        return a.start == b.start  # two inserts at one point: order would be ambiguous
    if a.start == a.end:
        return b.start < a.start < b.end
    if b.start == b.end:
        return a.start < b.start < a.end
    return a.start < b.end and b.start < a.end


def select_compatible(fixes: Iterable[Fix]) -> tuple[list[Fix], list[Fix]]:
    """Split fixes (in the given order) into those applied together now and those deferred:
    a fix is deferred when any of its edits overlaps an accepted edit, or when it introduces
    names into a function where an accepted fix already does."""
    accepted: list[Fix] = []
    deferred: list[Fix] = []
    # The accepted edits sorted by (start, end): they do not overlap one another, so their
    # ends are sorted too, and only the run just before an edit's end can overlap it (a
    # scan of every accepted edit per fix made large files quadratic).
    taken: list[tuple[int, int]] = []
    edits_at: list[Edit] = []
    sorted_ends = True  # false only if one fix's own edits nest: then every edit is checked
    scopes: list[tuple[int, int]] = []  # the accepted fixes' scopes, sorted; they do not overlap
    for fix in fixes:
        if sorted_ends:
            clash = any(_overlaps_taken(e, taken, edits_at) for e in fix.edits)
        else:
            clash = any(_overlaps(e, t) for e in fix.edits for t in edits_at)
        if clash or _scope_taken(fix, scopes):
            deferred.append(fix)
            continue
        accepted.append(fix)
        if fix.scope is not None:
            bisect.insort(scopes, fix.scope)
        for e in fix.edits:
            i = bisect.bisect_right(taken, (e.start, e.end))
            taken.insert(i, (e.start, e.end))
            edits_at.insert(i, e)
            if (i > 0 and taken[i - 1][1] > e.end) or (i + 1 < len(taken) and taken[i + 1][1] < e.end):
                sorted_ends = False
    return accepted, deferred


def _scope_taken(fix: Fix, scopes: list[tuple[int, int]]) -> bool:
    """Whether fix's scope overlaps one of scopes (sorted, pairwise non-overlapping, so their
    ends are sorted too: only the last one starting before fix's scope ends can overlap)."""
    if fix.scope is None:
        return False
    start, end = fix.scope
    i = bisect.bisect_left(scopes, (end, -sys.maxsize)) - 1  # the last one starting before end
    return i >= 0 and scopes[i][1] > start


def _overlaps_taken(e: Edit, taken: list[tuple[int, int]], edits_at: list[Edit]) -> bool:
    i = bisect.bisect_right(taken, (e.end, sys.maxsize))  # those starting at or before e.end
    while i > 0:
        i -= 1
        if taken[i][1] < e.start:
            return False  # this one and every earlier one end before e starts
        if _overlaps(e, edits_at[i]):
            return True
    return False


def apply_edits(src: bytes, edits: Iterable[Edit]) -> bytes:
    """Apply non-overlapping edits (any order) to src."""
    out = []
    pos = 0
    for e in sorted(edits):
        if e.start < pos:
            raise ValueError(f"overlapping edits at byte {e.start}")
        out.append(src[pos : e.start])
        out.append(e.text)
        pos = e.end
    out.append(src[pos:])
    return b"".join(out)


# --- building -----------------------------------------------------------------------------


def insert_after_statement(ctx: FileContext, stmt: Node, lines: list[str]) -> Edit | None:
    """Insert `lines` as statements after stmt, with stmt's indentation.

    The text goes at the end of stmt's line (after a trailing comment), so the comment
    stays with its statement. None when something other than a comment follows stmt on
    its line (a one-line block such as `if x { f() }` cannot take a new line cleanly).
    """
    src = ctx.src
    if not S.rest_of_line_is_trivia(src, stmt.end_byte) or not S.starts_line(src, stmt):
        return None
    indent = S.indent_of(src, stmt)
    at = S.line_end(src, stmt.end_byte)
    text = b"".join(b"\n" + indent + line.encode() for line in lines)
    return Edit(at, at, text)


def insert_before_statement(ctx: FileContext, stmt: Node, lines: list[str]) -> Edit | None:
    """Insert `lines` as statements on their own lines before stmt (which must start its line)."""
    src = ctx.src
    if not S.starts_line(src, stmt):
        return None
    indent = S.indent_of(src, stmt)
    if stmt.type == "labeled_statement":
        # gofmt outdents a label one tab from the statements of its block
        inner = S.labeled_inner(stmt)
        if inner is not None and S.starts_line(src, inner) \
                and S.line_start(src, inner.start_byte) != S.line_start(src, stmt.start_byte):
            indent = S.indent_of(src, inner)
        else:
            indent += b"\t"
    at = S.line_start(src, stmt.start_byte)
    text = b"".join(indent + line.encode() + b"\n" for line in lines)
    return Edit(at, at, text)


def insert_at_block_start(ctx: FileContext, container: Node, lines: list[str]) -> Edit | None:
    """Insert `lines` as the first statements of a block or case clause.

    For a block, after its `{`; for a case clause, after its `:`. The indentation is one tab
    deeper than the line that opens the block (or the case keyword's line for a clause).
    """
    src = ctx.src
    if container.type == "block":
        brace = container.children[0]
        if brace.type != "{":
            return None
        at = brace.end_byte
        indent = S.indent_of(src, container) + b"\t"
        # `{` must end its line, or be followed by `}` on the same line (empty block)
        rest = src[at : S.line_end(src, at)].strip()
        if rest == b"}":
            closing = S.indent_of(src, container)
            body = b"".join(b"\n" + indent + line.encode() for line in lines)
            return Edit(at, container.end_byte - 1, body + b"\n" + closing)
        if rest and not rest.startswith(b"//"):
            return None
        at = S.line_end(src, at)
    elif container.type in S.CASE_TYPES:
        colon = next((c for c in container.children if c.type == ":"), None)
        if colon is None:
            return None
        at = colon.end_byte
        rest = src[at : S.line_end(src, at)].strip()
        if rest and not rest.startswith(b"//"):
            return None
        at = S.line_end(src, at)
        indent = S.indent_of(src, container) + b"\t"
    else:
        return None
    text = b"".join(b"\n" + indent + line.encode() for line in lines)
    return Edit(at, at, text)


def insert_at_block_end(ctx: FileContext, block: Node, lines: list[str]) -> Edit | None:
    """Insert `lines` as the last statements of a `{ ... }` block (before its closing brace)."""
    src = ctx.src
    if block.type != "block":
        return None
    stmts = [c for c in S.statements(block)]
    last_child = block.children[-1]
    if last_child.type != "}" or not S.starts_line(src, last_child):
        return None
    indent = S.indent_of(src, block) + b"\t"
    at = S.line_start(src, last_child.start_byte)
    if not stmts:
        return None
    return Edit(at, at, b"".join(indent + line.encode() + b"\n" for line in lines))


def replace_node(node: Node, text: str | bytes) -> Edit:
    return Edit(node.start_byte, node.end_byte, text.encode() if isinstance(text, str) else text)


# --- imports ----------------------------------------------------------------------------------


def ensure_import(ctx: FileContext, path: str) -> tuple[str, Edit | None]:
    """The name to use for import `path` in ctx's file, and the edit that adds the import
    if it is missing (None if already imported). The new spec goes in sorted position into
    the first import group that holds standard-library paths (or the first group)."""
    name = ctx.local_name(path)
    if name is not None:
        return name, None
    name = default_package_name(path)
    line = f'"{path}"'
    decls = [d for d in ctx.root.named_children if d.type == "import_declaration"]
    src = ctx.src
    if not decls:
        pkg = next((d for d in ctx.root.named_children if d.type == "package_clause"), None)
        if pkg is None:
            return name, None
        at = S.line_end(src, pkg.end_byte)
        return name, Edit(at, at, f"\n\nimport {line}".encode())
    for decl in decls:
        if not S.is_grouped(decl):
            continue
        specs = [c for c in S.specs(decl) if c.type == "import_spec"]
        if not specs:
            continue
        groups = _import_groups(src, specs)
        group = next((g for g in groups if any(_is_std(_spec_path(ctx, s)) for s in g)), groups[0])
        for spec in group:
            if _spec_path(ctx, spec) > path:
                return name, insert_before_statement(ctx, spec, [line])
        return name, insert_after_statement(ctx, group[-1], [line])
    # only single-line imports: turn the first into a group
    decl = decls[0]
    spec = next((c for c in decl.named_children if c.type == "import_spec"), None)
    if spec is None:
        return name, None
    specs = sorted([ctx.text(spec), line], key=lambda s: s.rsplit(" ", 1)[-1])
    body = "".join(f"\t{s}\n" for s in specs)
    return name, Edit(decl.start_byte, decl.end_byte, f"import (\n{body})".encode())


def remove_import(ctx: FileContext, path: str) -> Edit | None:
    """The edit that removes the import of `path` (its whole line), or None."""
    for decl in (d for d in ctx.root.named_children if d.type == "import_declaration"):
        for spec in (s for s in S.walk(decl) if s.type == "import_spec"):
            if _spec_path(ctx, spec) != path:
                continue
            if S.is_grouped(decl):
                start = S.line_start(ctx.src, spec.start_byte)
                end = S.line_end(ctx.src, spec.end_byte) + 1
                return Edit(start, end, b"")
            # `import "time"` on its own
            start = decl.start_byte
            end = S.line_end(ctx.src, decl.end_byte) + 1
            return Edit(start, end, b"")
    return None


def _spec_path(ctx: FileContext, spec: Node) -> str:
    p = spec.child_by_field_name("path")
    return ctx.text(p).strip('"`') if p is not None else ""


def _is_std(path: str) -> bool:
    return "." not in path.split("/")[0]


def _import_groups(src: bytes, specs: list[Node]) -> list[list[Node]]:
    """Runs of import specs on consecutive lines (gofmt sorts within each run)."""
    groups: list[list[Node]] = [[specs[0]]]
    for prev, spec in zip(specs, specs[1:]):
        between = src[prev.end_byte : spec.start_byte]
        if between.count(b"\n") > 1 and b"\n\n" in between.replace(b"\t", b"").replace(b" ", b""):
            groups.append([spec])
        else:
            groups[-1].append(spec)
    return groups


# --- gofmt: aligned trailing comments --------------------------------------------------------


def realign_trailing_comments(src: bytes, root: Node, edits: tuple[Edit, ...],
                              rows: "CommentRows | None" = None) -> tuple[Edit, ...]:
    """The edits that keep a block of aligned trailing comments aligned after `edits`.

    gofmt aligns the comments that end consecutive statement lines of one indentation (a
    blank line, a comment-only line, another indentation, or a statement that spans lines
    ends the block) one space after the block's widest code, counted in runes. When an edit
    changes the width of such a line, every line of its block gets its padding rewritten, one
    edit per line, so that two fixes in one block never share a pass (their padding edits
    overlap). Returns () when nothing moves, or when an edit is not confined to the code of
    one such line. Only the lines around the edits are looked at. rows: the file's
    CommentRows(src, root), when the caller keeps one for several calls (its line table and
    rows are then computed once per file, not once per fix).
    """
    rows = rows if rows is not None else CommentRows(src, root)
    widths: dict[int, int] = {}  # row -> the width of its code after the edits
    for e in edits:
        row = rows.row_of(e.start)
        line = rows.get(row)
        if line is None:
            continue
        start, code_end, _, _ = line
        if not (start <= e.start <= e.end <= code_end) or b"\n" in e.text:
            return ()  # an edit reaching the padding or the comment: left alone
        widths[row] = -1
    for row in widths:
        start, code_end, _, _ = rows.get(row)
        local = [Edit(e.start - start, e.end - start, e.text) for e in edits if start <= e.start and e.end <= code_end]
        widths[row] = _width(apply_edits(src[start:code_end], local))
    out: list[Edit] = []
    done: set[int] = set()
    for row in sorted(widths):
        if row in done:
            continue
        block = _block(src, rows, row)
        done.update(block)
        info = {r: rows.get(r) for r in block}
        width = {r: widths.get(r, _width(src[info[r][0] : info[r][1]])) for r in block}
        column = max(width.values()) + 1
        pads = {r: b" " * (column - width[r]) for r in block}
        if all(src[info[r][1] : info[r][2]] == pads[r] for r in block):
            continue  # every comment stays where it is
        out.extend(Edit(info[r][1], info[r][2], pads[r]) for r in block)
    return tuple(out)


def _width(code: bytes) -> int:
    return len(code.decode("utf-8", "replace").lstrip("\t"))


def _block(src: bytes, rows: CommentRows, row: int) -> list[int]:
    """The rows aligned with `row`: neighbours with a trailing comment and the same
    indentation, not across a statement that continues on the next line."""
    indent = _indent(src, rows.get(row)[0])
    lo = row
    while (above := rows.get(lo - 1)) is not None and not above[3] and _indent(src, above[0]) == indent:
        lo -= 1
    hi = row
    while (below := rows.get(hi + 1)) is not None and not rows.get(hi)[3] and _indent(src, below[0]) == indent:
        hi += 1
    return list(range(lo, hi + 1))


def _indent(src: bytes, line_start: int) -> bytes:
    end = line_start
    while src[end : end + 1] == b"\t":
        end += 1
    return src[line_start:end]


class CommentRows:
    """Row -> (line start, end of its code, start of its trailing comment, whether its
    statement continues on the next line), for the rows gofmt may align: a statement that
    starts on that row, then a comment that ends the line, in a statement list (not a
    struct, a composite literal or a var block, which have more columns). Rows are read on
    demand, from the line's text and the node at its end."""

    def __init__(self, src: bytes, root: Node) -> None:
        self.src, self.root = src, root
        self._starts: list[int] | None = None
        self._rows: dict[int, tuple[int, int, int, bool] | None] = {}

    def _table(self) -> list[int]:
        if self._starts is None:
            starts = [0]
            at = self.src.find(b"\n")
            while at >= 0:
                starts.append(at + 1)
                at = self.src.find(b"\n", at + 1)
            self._starts = starts
        return self._starts

    def _line_start(self, row: int) -> int | None:
        starts = self._table()
        return starts[row] if 0 <= row < len(starts) else None

    def row_of(self, offset: int) -> int:
        """The 0-based row of a byte offset (only \\n ends a line)."""
        import bisect

        return bisect.bisect_right(self._table(), offset) - 1

    def get(self, row: int) -> tuple[int, int, int, bool] | None:
        if row not in self._rows:
            self._rows[row] = self._compute(row)
        return self._rows[row]

    def _compute(self, row: int) -> tuple[int, int, int, bool] | None:
        src = self.src
        start = self._line_start(row)
        if start is None:
            return None
        end = S.line_end(src, start)
        line = src[start:end]
        if b"//" not in line and b"*/" not in line.rstrip()[-2:]:
            return None
        last = end
        while last > start and src[last - 1 : last] in (b" ", b"\t", b"\r"):
            last -= 1
        c = self.root.descendant_for_byte_range(max(last - 1, start), max(last - 1, start))
        while c is not None and c.type != "comment":
            c = c.parent if c.parent is not None and c.parent.start_byte >= start else None
        if c is None or not S.in_statement_list(c):
            return None
        if S.starts_line(src, c) or c.start_point.row != row:
            return None
        code_end = c.start_byte
        while code_end > start and src[code_end - 1 : code_end] in (b" ", b"\t"):
            code_end -= 1
        first = start + len(_indent(src, start))
        if first >= code_end:
            return None
        node = self.root.descendant_for_byte_range(first, first)
        while node is not None and not S.in_statement_list(node):
            node = node.parent
        if node is None or node.start_byte != first:
            return None  # `}` or a continuation line of a statement that began above
        return (start, code_end, c.start_byte, node.end_point.row != row)
