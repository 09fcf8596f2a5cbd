"""wg-add-in-goroutine: sync.WaitGroup.Add is called inside the goroutine it counts

## What it does
Finds `wg.Add(n)` as the first statement of a `go func() { ... }()` literal, where `wg`
is known to be a `sync.WaitGroup` from the declarations of the package (a variable, a
parameter, a function result, a struct field such as `p.wg` whose struct type declares
`wg sync.WaitGroup`, or a struct embedding one without an `Add` of its own); an unknown
type is never a match. `sync` is resolved through the file's imports, aliases included. The finding
points at the `Add` call.

## Why is this bad?
Nothing orders the goroutine's first statement before the caller's `wg.Wait()`: `Wait`
may see a zero counter and return while the work is still running (or not yet started).

## Example
```go
for _, job := range jobs {
	go func() {
		wg.Add(1)
		defer wg.Done()
		process(job)
	}()
}
wg.Wait()
```
Use instead:
```go
for _, job := range jobs {
	wg.Add(1)
	go func() {
		defer wg.Done()
		process(job)
	}()
}
wg.Wait()
```
With Go >= 1.25 (the module's `go` line), `wg.Add(1)` followed by `defer wg.Done()` in a
literal without parameters can also become `wg.Go(func() { ... })`; the message says so.

## Fix safety
The fix moves the `Add` statement to just before the `go` statement. Safe when every
identifier in it refers to a declaration outside the literal, `n` has no calls other than
`len` and `cap`, and the `go` statement's arguments have no calls (they are evaluated after
the moved `Add`: a panic there would leave the counter raised for a goroutine that never
starts). Otherwise unsafe. No fix when the statement uses the literal's parameters (it
cannot move out of their scope), or when the literal or the `go` statement does not sit on
lines of its own.
"""

from __future__ import annotations

import re

from tree_sitter import Node

from codemods import _channels as C
from gofix.analysis import syntax as S
from gofix.analysis import types
from gofix.analysis.context import FileContext
from gofix.analysis.model import Applicability, Edit, Finding, Fix, Severity
from gofix.analysis.rule import GO_FUNC_LITERAL, Rule

ID = "wg-add-in-goroutine"


_YES, _NO, _UNKNOWN = "waitgroup", "other", "unknown"


def find(ctx: FileContext) -> list[Finding]:
    out = []
    for go in ctx.token_nodes("go", "go_statement"):
        call = go.child_by_field_name(S.CALL)
        lit = call.child_by_field_name("function") if call is not None and call.type == "call_expression" else None
        if lit is None or lit.type != S.FUNC_LITERAL:
            continue  # not `go func() { ... }()`
        finding = _check(ctx, go, lit)
        if finding is not None:
            out.append(finding)
    return out


def _check(ctx: FileContext, go: Node, lit: Node) -> Finding | None:
    stmts = S.statements(S.function_body(lit))
    if not stmts or stmts[0].type != "expression_statement":
        return None
    stmt = stmts[0]
    call = S.unparen(stmt.named_children[0])
    if call.type != "call_expression":
        return None
    fn = call.child_by_field_name("function")
    args = call.child_by_field_name("arguments")
    if fn is None or fn.type != "selector_expression" or ctx.text(fn.child_by_field_name("field")) != "Add":
        return None
    if args is None or args.named_child_count != 1 or any(c.type == "..." for c in args.children):
        return None
    wg = S.unparen(fn.child_by_field_name("operand"))
    kind = _waitgroup_kind(ctx, wg, go)
    if kind == _NO:
        return None  # a counter, an atomic, a look-alike with an Add method
    wg_text = ctx.text(wg)
    message = (f"{wg_text}.Add runs inside the goroutine it counts, so {wg_text}.Wait may return "
               "before it runs; call Add before the go statement")
    if kind == _YES and _go_method_fits(ctx, lit, go, stmts, wg_text, args):
        message += f" (with Go >= 1.25, {wg_text}.Go(func() {{ ... }}) does the Add and the Done)"
    fix, reason = _fix(ctx, go, lit, stmt, wg, args, stmts)
    if reason:
        message += f" ({reason}: no automatic fix)"
    return ctx.finding(ID, call, message, Severity.ERROR, fix)


# --- is it a sync.WaitGroup? -------------------------------------------------------------------

WAITGROUP = types.GoType("sync", "WaitGroup")


def _waitgroup_kind(ctx: FileContext, wg: Node, at: Node) -> str:
    """_YES when the declarations say wg is a sync.WaitGroup (or a pointer to one), or a
    struct of this package that embeds one and declares no Add of its own; else _NO (an
    unknown type is never a match)."""
    t = types.type_of(ctx, wg)
    if t is None:
        return _NO
    if t.is_("sync", "WaitGroup"):
        return _YES
    if t.path == types.LOCAL and not ctx.package.decls(f"{t.base}.Add"):
        embedded = types.field_type(ctx, t.elem(), "WaitGroup")
        if embedded is not None and embedded.is_("sync", "WaitGroup"):
            return _YES  # a struct that embeds sync.WaitGroup: w.Add is its Add
    return _NO


def _go_method_fits(ctx: FileContext, lit: Node, go: Node, stmts: list[Node], wg_text: str,
                    args: Node) -> bool:
    """Go >= 1.25, Add(1), no parameters or arguments, and `defer wg.Done()` in the literal."""
    version = ctx.module.go_version
    if version is None or version < (1, 25) or ctx.text(args.named_children[0]) != "1":
        return False
    params = lit.child_by_field_name("parameters")
    call = go.named_children[0]
    go_args = call.child_by_field_name("arguments")
    if (params is not None and params.named_child_count) or (go_args is not None and go_args.named_child_count):
        return False
    return any(s.type == "defer_statement" and ctx.text(s).replace(" ", "") == f"defer{wg_text}.Done()"
               for s in stmts[1:])


# --- the fix -----------------------------------------------------------------------------------


def _fix(ctx: FileContext, go: Node, lit: Node, stmt: Node, wg: Node, args: Node,
         stmts: list[Node]) -> tuple[Fix | None, str | None]:
    """The fix, or None and why there is none."""
    for ident in (n for n in S.walk(stmt) if n.type == "identifier"):
        if C.declared_within(ctx, ident, lit):
            return None, f"it uses the literal's parameter `{ctx.text(ident)}`"
    safe = (
        not _has_calls(ctx, wg, allowed=())
        and not _has_calls(ctx, args.named_children[0], allowed=("len", "cap"))
        and not _go_has_calls(ctx, go)
    )
    removal = _removal(ctx, lit, stmt, stmts)
    if removal is None or not S.starts_line(ctx.src, go) or stmt.start_point.row != stmt.end_point.row:
        return None, "the layout leaves no line to move it to"
    comments = C.trailing_comments(ctx)
    if _realigns_comments(ctx, go, stmt, comments):
        return None, "trailing comments around it would need realigning"
    src = ctx.src
    indent = S.indent_of(src, go)
    if S.starts_line(src, stmt):
        lines = [src[c.start_byte : c.end_byte] for c in _comments_above(ctx, stmt)]
        trailing = comments.get(stmt.start_point.row)
        if trailing is not None:  # alone in its alignment block now: one space
            end = S.line_end(src, trailing.start_byte)
            lines.append(src[stmt.start_byte : trailing.start_byte].rstrip() + b" "
                         + src[trailing.start_byte : end].rstrip())
        else:
            lines.append(ctx.bytes_of(stmt))
    else:
        lines = [ctx.bytes_of(stmt)]
    at = S.line_start(src, go.start_byte)
    insert = Edit(at, at, b"".join(indent + line + b"\n" for line in lines))
    title = f"Move `{ctx.text(stmt)}` before the go statement"
    return Fix(title, (insert, removal), Applicability.SAFE if safe else Applicability.UNSAFE), None


def _realigns_comments(ctx: FileContext, go: Node, stmt: Node, comments: dict[int, Node]) -> bool:
    """Whether moving stmt would change how gofmt aligns trailing comments (it aligns
    those of consecutive lines at one indentation): then the fix is left to a human."""
    go_row, row = go.start_point.row, stmt.start_point.row
    if C.aligned_with(ctx, go_row - 1, go_row, comments):
        return True  # the moved lines would split an aligned block
    if not S.starts_line(ctx.src, stmt):  # one-line literal: the go line gets shorter
        return go_row in comments and C.aligned_with(ctx, go_row, go_row + 1, comments)
    if row not in comments:
        return False
    if go_row in comments:
        return True  # the moved comment would join the go line's block
    indent = S.indent_of(ctx.src, go)
    if not _comments_above(ctx, stmt) and go_row - 1 in comments and C.row_indent(ctx, go_row - 1) == indent:
        return True  # ... or the block of the line above
    return C.aligned_with(ctx, row, row + 1, comments)  # its old block in the literal shrinks


def _comments_above(ctx: FileContext, stmt: Node) -> list[Node]:
    """The comment lines directly above stmt (no blank line between): they travel with it."""
    out: list[Node] = []
    cur = stmt
    prev = _previous(stmt)
    while prev is not None and prev.type == "comment" and S.starts_line(ctx.src, prev) \
            and prev.end_point.row == cur.start_point.row - 1:
        out.insert(0, prev)
        cur, prev = prev, _previous(prev)
    return out


def _previous(node: Node) -> Node | None:
    """The previous named sibling (comments are siblings of the statements)."""
    return node.prev_named_sibling


def _removal(ctx: FileContext, lit: Node, stmt: Node, stmts: list[Node]) -> Edit | None:
    src = ctx.src
    one_line = C.one_line_body(ctx, lit)
    if one_line:
        if len(stmts) == 1:
            body = S.function_body(lit)
            return Edit(body.start_byte + 1, body.end_byte - 1, b"")  # `func() {}`
        return Edit(stmt.start_byte, stmts[1].start_byte, b"")
    if not S.starts_line(src, stmt) or not S.rest_of_line_is_trivia(src, stmt.end_byte):
        return None
    above = _comments_above(ctx, stmt)
    start = S.line_start(src, (above[0] if above else stmt).start_byte)
    end = S.line_end(src, stmt.end_byte) + 1
    if src[end : S.line_end(src, end)].strip() == b"" and S.line_end(src, end) < len(src):
        end = S.line_end(src, end) + 1  # the blank line that separated it from the rest
    return Edit(start, end, b"")


def _has_calls(ctx: FileContext, node: Node, allowed: tuple[str, ...]) -> bool:
    """Whether evaluating node calls anything but the builtins in `allowed`."""
    stack = [node]
    while stack:
        n = stack.pop()
        if n.type == S.FUNC_LITERAL:
            continue  # its body is not evaluated here
        if n.type == "call_expression":
            callee = n.child_by_field_name("function")
            if not (callee is not None and callee.type == "identifier" and ctx.text(callee) in allowed
                    and C.binding(ctx, callee) is None and ctx.text(callee) not in ctx.package_level_names):
                return True
        stack.extend(n.named_children)
    return False


def _go_has_calls(ctx: FileContext, go: Node) -> bool:
    args = go.named_children[0].child_by_field_name("arguments")
    return args is not None and _has_calls(ctx, args, allowed=())


RULE = Rule(id=ID, doc=__doc__, find=find, triggers=(b"Add",), requires=(GO_FUNC_LITERAL, re.compile(rb"\.\s*Add\s*\(")))
