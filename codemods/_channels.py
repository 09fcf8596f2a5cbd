"""Shared helpers of the channel and goroutine rules (forgotten-sender,
unclosed-range-channel, wg-add-in-goroutine). Private to codemods/.

- `binding`, `references`: gofix.analysis.scope, by declaring identifier.
- `channel_uses` classifies how each reference treats a channel.
- `goroutine_literal`, `loops_between`: the "started once" and "executed once" facts.
- `one_line_insert`: adding a statement to a gofmt one-line function literal body.
"""

from __future__ import annotations

from dataclasses import dataclass

from tree_sitter import Node

from gofix.analysis import scope
from gofix.analysis import syntax as S
from gofix.analysis.context import FileContext, literal_usage, use_kind
from gofix.analysis.scope import is_declaration

def binding(ctx: FileContext, ident: Node) -> Node | None:
    """The identifier that declares the variable `ident` refers to (scope.binding), or None
    when it is not declared in an enclosing function (package level, builtin, undefined). A
    `:=` that redeclares a name of the same block binds to the earlier declaration."""
    b = scope.binding(ctx, ident)
    return b.ident if b is not None else None


def references(ctx: FileContext, decl: Node) -> list[Node]:
    """Every identifier in decl's outermost function that refers to decl (decl included)."""
    return scope.references(ctx, decl)


def declared_within(ctx: FileContext, ident: Node, region: Node) -> bool:
    """Whether ident refers to a declaration inside region (a function literal: its
    parameters count)."""
    b = binding(ctx, ident)
    return b is not None and S.is_within(b, region)


# --- channels -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChannelDecl:
    name: str
    ident: Node  # the declaring identifier
    make: Node  # the make(chan T[, n]) call
    stmt: Node  # the declaring statement
    capacity: Node | None  # the second argument of make, if any


def channel_declaration(ctx: FileContext, make: Node) -> ChannelDecl | None:
    """`ch := make(chan T[, n])` or `var ch = make(chan T[, n])` (one name, one value)
    for a make call that builds a bidirectional channel; None for anything else."""
    fn_node = make.child_by_field_name("function")
    args = make.child_by_field_name("arguments")
    if fn_node is None or fn_node.type != "identifier" or ctx.text(fn_node) != "make" or args is None:
        return None
    if binding(ctx, fn_node) is not None or "make" in ctx.package_level_names:
        return None  # a local make: not the builtin
    vals = [c for c in args.named_children if c.type != "comment"]
    if not vals or len(vals) > 2 or vals[0].type != "channel_type":
        return None
    if not ctx.text(vals[0]).startswith("chan") or ctx.text(vals[0])[4:].lstrip().startswith("<-"):
        return None  # a send-only or receive-only channel: nobody builds those by hand
    rhs = make.parent
    if rhs is None or rhs.type != "expression_list" or rhs.named_child_count != 1:
        return None
    holder = rhs.parent
    if holder is None:
        return None
    if holder.type == "short_var_declaration":
        left = holder.child_by_field_name("left")
        if left is None or left.named_child_count != 1 or left.named_children[0].type != "identifier":
            return None
        ident, stmt = left.named_children[0], holder
    elif holder.type == "var_spec":
        names = holder.children_by_field_name("name")
        decl = holder.parent
        if len(names) != 1 or decl is None or decl.type != "var_declaration":
            return None
        ident, stmt = names[0], decl
    else:
        return None
    if binding(ctx, ident) is None or binding(ctx, ident).id != ident.id:
        return None  # `ch, err :=` reusing an earlier ch, or not local
    if not S.in_statement_list(stmt):
        return None  # an if/switch initializer: rare, and the scope is awkward
    return ChannelDecl(ctx.text(ident), ident, make, stmt, vals[1] if len(vals) == 2 else None)


@dataclass(frozen=True)
class ChannelUse:
    ident: Node
    kind: str  # see channel_uses
    node: Node  # the statement or expression that performs the use


def channel_uses(ctx: FileContext, ch: ChannelDecl) -> list[ChannelUse]:
    """Each reference to ch, classified.

    Kinds: "declare"; "send" (a `ch <- v` statement), "select-send" (`case ch <- v:`);
    "recv" (plain `<-ch`), "recv-ok" (`v, ok := <-ch` / `=`), "select-recv"
    (`case <-ch:` / `case v := <-ch:`), "select-recv-ok" (`case v, ok := <-ch:`);
    "range" (`for ... range ch`); "close", "len", "cap" (the builtins); "target"
    (reassigned); "escape" (passed to another call, returned, stored, assigned, sent,
    address taken) and "other".
    """
    out = []
    for ident in references(ctx, ch.ident):
        out.append(_classify(ctx, ident))
    return out


def _classify(ctx: FileContext, ident: Node) -> ChannelUse:
    if is_declaration(ident):
        return ChannelUse(ident, "declare", ident)
    node = ident
    while node.parent is not None and node.parent.type == "parenthesized_expression":
        node = node.parent
    p = node.parent
    if p is None:
        return ChannelUse(ident, "other", ident)
    if p.type == "send_statement" and p.child_by_field_name("channel") is not None \
            and p.child_by_field_name("channel").id == node.id:
        in_case = S.is_communication(p)
        return ChannelUse(ident, "select-send" if in_case else "send", p)
    if p.type == "unary_expression" and p.child_by_field_name("operator") is not None \
            and p.child_by_field_name("operator").type == "<-":
        return ChannelUse(ident, _receive_kind(p), p)
    if p.type == "range_clause" and p.child_by_field_name("right") is not None \
            and p.child_by_field_name("right").id == node.id:
        return ChannelUse(ident, "range", p.parent or p)
    if p.type == S.ARGUMENTS and p.parent is not None and p.parent.type == "call_expression":
        call = p.parent
        callee = call.child_by_field_name("function")
        if callee is not None and callee.type == "identifier" and ctx.text(callee) in ("close", "len", "cap") \
                and binding(ctx, callee) is None and ctx.text(callee) not in ctx.package_level_names \
                and p.named_child_count == 1:
            return ChannelUse(ident, ctx.text(callee), call)
        return ChannelUse(ident, "escape", call)
    kind = use_kind(ident)
    if kind == "target":
        return ChannelUse(ident, "target", p)
    if kind in ("returned", "stored", "assigned", "sent", "address", "passed"):
        return ChannelUse(ident, "escape", p)
    return ChannelUse(ident, "other", p)


def _receive_kind(unary: Node) -> str:
    node = unary
    while node.parent is not None and node.parent.type == "parenthesized_expression":
        node = node.parent
    p = node.parent
    if p is None:
        return "recv"
    if p.type == "receive_statement":  # only in a select's communication case
        left = p.child_by_field_name("left")
        ok = left is not None and left.named_child_count == 2
        return "select-recv-ok" if ok else "select-recv"
    if p.type == "expression_list" and p.named_child_count == 1 and p.parent is not None:
        holder = p.parent
        if holder.type in ("short_var_declaration", S.ASSIGNMENT):
            left = holder.child_by_field_name("left")
            right = holder.child_by_field_name("right")
            if right is not None and right.id == p.id and left is not None and left.named_child_count == 2:
                return "recv-ok"
        if holder.type == "var_spec" and len(holder.children_by_field_name("name")) == 2:
            return "recv-ok"
    return "recv"


# --- goroutines and loops -------------------------------------------------------------------


def goroutine_literal(node: Node) -> Node | None:
    """The function literal of the innermost function around node, when that literal is
    started by a `go` statement (`go func() { ... }()`); else None."""
    fn = S.enclosing_function(node)
    if fn is None or fn.type != S.FUNC_LITERAL or literal_usage(fn) != "go":
        return None
    return fn


def go_statement_of(lit: Node) -> Node:
    """The go statement that starts a literal for which literal_usage(lit) == "go"."""
    return next(a for a in S.ancestors(lit) if a.type == "go_statement")


def loops_between(node: Node, outer: Node) -> list[Node]:
    """The for statements around node, inside outer (a statement or function), whose body
    holds node and that do not also hold outer: they can run node more than once for one
    run of outer. Function literals in between stop the search (callers check them)."""
    out = []
    for a in S.ancestors(node):
        if a.id == outer.id or a.type in S.FUNCTION_TYPES:
            break
        if a.type == "for_statement" and not S.is_within(outer, a):
            body = a.child_by_field_name("body")
            if body is not None and S.is_within(node, body):
                out.append(a)
    return out


def functions_between(node: Node, outer: Node) -> list[Node]:
    """Function literals around node, strictly inside outer."""
    return [a for a in S.ancestors(node) if a.type == S.FUNC_LITERAL and a.id != outer.id
            and S.is_within(a, outer)]


# --- layout ---------------------------------------------------------------------------------

_GOFMT_ONE_LINE_MAX = 100  # go/printer funcBody: header + body size on one line
_GOFMT_ONE_LINE_STMTS = 5


def one_line_body(ctx: FileContext, lit: Node) -> list[Node] | None:
    """The statements of a function literal written on one line (`func() { a; b }`) that
    gofmt keeps on one line: no comments, no nested blocks. None otherwise."""
    body = S.function_body(lit)
    if body is None or body.start_point.row != body.end_point.row:
        return None
    if any(n.type in ("comment", "block") and n.id != body.id for n in S.walk(body)):
        return None
    return S.statements(body)


def one_line_fits(ctx: FileContext, lit: Node, stmts_text: list[str]) -> bool:
    """Whether gofmt prints `func(...) { s1; s2 }` with these statements on one line
    (go/printer: at most 5 statements, header + statements + "; " separators <= 100)."""
    body = S.function_body(lit)
    if body is None or not stmts_text or len(stmts_text) > _GOFMT_ONE_LINE_STMTS:
        return False
    header = ctx.src[lit.start_byte : body.start_byte].rstrip()
    size = len(header) + sum(len(s.encode()) for s in stmts_text) + 2 * (len(stmts_text) - 1)
    return size <= _GOFMT_ONE_LINE_MAX


def channel_of(ctx: FileContext, decl: Node) -> ChannelDecl | None:
    """The ChannelDecl whose declaring identifier is decl (`decl := make(chan T)`), or None."""
    p = decl.parent
    value = None
    if p is not None and p.type == "expression_list" and p.parent is not None \
            and p.parent.type == "short_var_declaration":
        value = p.parent.child_by_field_name("right")
    elif p is not None and p.type == "var_spec":
        value = p.child_by_field_name("value")
    if value is None or value.named_child_count != 1:
        return None
    call = S.unparen(value.named_children[0])
    if call.type != "call_expression":
        return None
    ch = channel_declaration(ctx, call)
    return ch if ch is not None and ch.ident.id == decl.id else None


# --- trailing comments (gofmt aligns those of consecutive lines) ------------------------------


def trailing_comments(ctx: FileContext) -> dict[int, Node]:
    """Row -> the first comment on that row that follows code (a trailing comment)."""
    out: dict[int, Node] = {}
    for n in ctx.nodes_of_type("comment"):
        if n.type == "comment" and not S.starts_line(ctx.src, n) and n.start_point.row not in out:
            out[n.start_point.row] = n
    return out


def row_indent(ctx: FileContext, row: int) -> bytes | None:
    """The leading whitespace of line `row` (0-based), None past the end."""
    lines = ctx.memo(("codemods._channels.lines",), lambda: ctx.src.split(b"\n"))
    if not 0 <= row < len(lines):
        return None
    line = lines[row]
    return line[: len(line) - len(line.lstrip(b" \t"))]


def aligned_with(ctx: FileContext, row: int, other: int, comments: dict[int, Node]) -> bool:
    """Whether gofmt would put the trailing comments of rows `row` and `other` (adjacent)
    in one alignment block: both have one, at the same indentation."""
    return (row in comments and other in comments
            and row_indent(ctx, row) is not None and row_indent(ctx, row) == row_indent(ctx, other))
