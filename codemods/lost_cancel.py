"""lost-cancel: the cancel function of a context.With* call is discarded

## What it does
Finds `ctx, _ := context.WithTimeout(parent, d)` (also `WithCancel`, `WithDeadline` and the
`...Cause` variants, with `:=`, `=` or `var`), and calls whose whole result is discarded.

## Why is this bad?
Until it is cancelled, the child context stays registered in a cancellable parent, and a
`WithTimeout`/`WithDeadline` child keeps its timer, until the deadline passes or the parent
is cancelled. Under a long-lived parent (a server's base context) that is effectively
forever. `WithCancel` of a bare `context.Background()` registers nothing: a warning.

## Example
```go
func fetch(ctx context.Context) error {
	ctx, _ = context.WithTimeout(ctx, time.Second)
	return call(ctx)
}
```
Use instead:
```go
func fetch(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	return call(ctx)
}
```

## Fix safety
Safe: the cancel function gets a fresh name and `defer cancel()` follows the call
(`cancel(nil)` for `WithCancelCause`); inside a loop, `cancel()` goes at the end of the loop
body instead. No fix when the context (or a value derived from it) is returned, stored,
sent, used in a goroutine or a callback, or used by a defer registered earlier, when the
call sits in a loop body with an early exit after it, in a function with `goto`, or when a
named result would be cancelled on return. A discarded whole result gets no fix: the
context is never used, so the call is most likely a mistake.
"""

from __future__ import annotations

from tree_sitter import Node

from gofix import syntax as S
from gofix.context import FileContext, is_declaration
from gofix.edits import insert_after_statement, insert_at_block_end, insert_before_statement, replace_node
from gofix.model import Applicability, Finding, Fix, Severity
from gofix.rules import Rule

ID = "lost-cancel"
FUNCS = ("WithCancel", "WithTimeout", "WithDeadline", "WithCancelCause", "WithTimeoutCause", "WithDeadlineCause")

CALLS = S.query(
    """((call_expression
         function: (selector_expression field: (field_identifier) @name)) @call
        (#match? @name "^With(Cancel|Timeout|Deadline)(Cause)?$"))"""
)


def find(ctx: FileContext) -> list[Finding]:
    out = []
    for call in S.captures(CALLS, ctx.root).get("call", []):
        if not ctx.is_pkg_call(call, "context", *FUNCS):
            continue
        finding = _check(ctx, call)
        if finding is not None:
            out.append(finding)
    return out


def _check(ctx: FileContext, call: Node) -> Finding | None:
    name = ctx.call_name(call)
    severity = _severity(ctx, call, name)
    parent = call.parent
    if parent is not None and parent.type == "expression_statement":
        return ctx.finding(ID, call, f"the result of context.{name} is discarded: the context is never used "
                           "and never cancelled; remove the call or use the context and defer its cancel",
                           severity)
    stmt, left = _assignment(call)
    if stmt is None or left is None or len(left) != 2:
        return None  # not `x, y := context.With...(...)`: not ours
    ctx_node, cancel_node = left
    if ctx.text(cancel_node) != "_":
        return None  # the cancel is named: vet's lostcancel owns partial paths
    if ctx.text(ctx_node) == "_":
        return ctx.finding(ID, call, f"both results of context.{name} are discarded: the context is never used "
                           "and never cancelled; remove the call", severity)
    if severity == Severity.WARNING:
        message = (f"the cancel function returned by context.{name} is discarded; a child of context.Background "
                   "is collected, but nothing can ever cancel it: call it when the work is done")
        return ctx.finding(ID, call, message, severity, _fix(ctx, call, stmt, ctx_node, cancel_node, name))
    message = (f"the cancel function returned by context.{name} is discarded, so the context "
               + ("and its timer stay" if "Cancel" not in name else "stays")
               + " registered with its parent until the parent is cancelled; call it when the work is done")
    fix = _fix(ctx, call, stmt, ctx_node, cancel_node, name)
    return ctx.finding(ID, call, message, severity, fix)


def _severity(ctx: FileContext, call: Node, name: str) -> Severity:
    if name not in ("WithCancel", "WithCancelCause"):
        return Severity.ERROR
    args = call.child_by_field_name("arguments")
    first = args.named_children[0] if args is not None and args.named_children else None
    if first is not None and first.type == "call_expression" and ctx.is_pkg_call(first, "context", "Background", "TODO"):
        return Severity.WARNING
    return Severity.ERROR


def _assignment(call: Node) -> tuple[Node | None, list[Node] | None]:
    """The statement assigning call's results and its left-hand identifiers (or None)."""
    rhs = call.parent
    if rhs is None:
        return None, None
    if rhs.type == "expression_list" and rhs.parent is not None and rhs.parent.type == "var_spec":
        spec = rhs.parent
        decl = spec.parent
        if rhs.named_child_count != 1 or decl is None or decl.type != "var_declaration" or decl.named_child_count != 1:
            return None, None  # a grouped var ( ... ) block: leave it to a human
        return decl, list(spec.children_by_field_name("name"))
    if rhs.type != "expression_list" or rhs.named_child_count != 1:
        return None, None
    stmt = rhs.parent
    if stmt is None or stmt.type not in ("short_var_declaration", "assignment_statement"):
        return None, None
    if stmt.type == "assignment_statement" and not any(c.type == "=" for c in stmt.children):
        return None, None
    left = stmt.child_by_field_name("left")
    if left is None or stmt.child_by_field_name("right").id != rhs.id:
        return None, None
    return stmt, list(left.named_children)


def _fix(ctx: FileContext, call: Node, stmt: Node, ctx_node: Node, cancel_node: Node, name: str) -> Fix | None:
    fn = S.enclosing_function(call)
    if fn is None or stmt.parent is None or stmt.parent.type != "statement_list":
        return None  # e.g. an if/switch initializer: no line to put the cleanup on
    if ctx.has_goto(fn):
        return None  # inserted declarations and goto do not mix
    if ctx_node.type != "identifier":
        return None  # stored into a field or element: someone else owns it
    ctx_name = ctx.text(ctx_node)
    cancel = ctx.fresh_name(call, "cancel")
    call_text = f"{cancel}(nil)" if name == "WithCancelCause" else f"{cancel}()"
    defining = stmt.type in ("short_var_declaration", "var_declaration")
    rename = replace_node(cancel_node, cancel)

    loop = S.innermost_loop(stmt, stop=fn)
    if loop is not None:
        body = loop.child_by_field_name("body")
        if not defining or S.block_of(stmt) is None or S.block_of(stmt).id != body.id:
            return None  # the context lives outside this iteration
        if S.exits_leaving(S.following_statements(stmt), body):
            return None  # an early exit would skip the cancel at the end of the body
        if _blocked(ctx, fn, ctx_name, stmt, defer_at=None):
            return None
        end = insert_at_block_end(ctx, body, [call_text])
        if end is None:
            return None
        return Fix(f"Add {call_text} at the end of the loop body", (rename, end), Applicability.SAFE,
                   scope=(fn.start_byte, fn.end_byte))

    defer = insert_after_statement(ctx, stmt, [f"defer {call_text}"])
    if defer is None:
        return None
    if _blocked(ctx, fn, ctx_name, stmt, defer_at=defer.start):
        return None
    edits = [defer]
    if defining:
        edits.append(rename)
    else:
        decl = _declaration_of(ctx, fn, ctx_name, stmt)
        if decl == "result":
            return None  # a named result is returned: cancelling it on return breaks the caller
        if decl == "same-block" or (decl == "param" and _at_top_level(fn, stmt)):
            assign_op = next(c for c in stmt.children if c.type == "=")
            edits += [rename, replace_node(assign_op, ":=")]
        else:
            ctx_pkg = ctx.local_name("context") or "context"
            typ = "CancelCauseFunc" if name == "WithCancelCause" else "CancelFunc"
            before = insert_before_statement(ctx, stmt, [f"var {cancel} {ctx_pkg}.{typ}"])
            if before is None:
                return None
            edits += [before, rename]
    return Fix(f"Add defer {call_text}", tuple(edits), Applicability.SAFE, scope=(fn.start_byte, fn.end_byte))


def _blocked(ctx: FileContext, fn: Node, name: str, stmt: Node, defer_at: int | None) -> bool:
    names = [name, *_derived(ctx, fn, name, stmt.end_byte)]
    return ctx.lifetime_blocker(fn, names, stmt.end_byte, defer_at) is not None


def _derived(ctx: FileContext, fn: Node, name: str, after: int) -> list[str]:
    """Variables that hold the context through a call that wraps it (context.WithValue,
    req.WithContext, http.NewRequestWithContext, client.Do(req), ...), transitively."""
    seen = {name}
    todo = [name]
    while todo:
        cur = todo.pop()
        for use in ctx.uses(fn, cur, after):
            args = use.parent
            if args is None or args.type != "argument_list" or args.parent is None:
                continue
            call = args.parent
            callee = ctx.call_name(call)
            if "Context" not in callee and not callee.startswith("With") and callee != "Do":
                continue
            rhs = call.parent
            if rhs is None or rhs.type != "expression_list" or rhs.parent is None:
                continue
            if rhs.parent.type not in ("short_var_declaration", "assignment_statement"):
                continue
            left = rhs.parent.child_by_field_name("left")
            first = left.named_children[0] if left is not None and left.named_children else None
            if first is not None and first.type == "identifier" and ctx.text(first) not in seen | {"_"}:
                seen.add(ctx.text(first))
                todo.append(ctx.text(first))
    return sorted(seen - {name})


def _declaration_of(ctx: FileContext, fn: Node, name: str, stmt: Node) -> str:
    """Where `name` (assigned by stmt) is declared: "same-block", "param", "result" or "other"."""
    params = fn.child_by_field_name("parameters")
    result = fn.child_by_field_name("result")
    for ident in ctx.uses(fn, name):
        if not is_declaration(ident) or ident.start_byte >= stmt.start_byte:
            continue
        if result is not None and S.is_within(ident, result):
            return "result"
        if params is not None and S.is_within(ident, params):
            return "param"
        decl_stmt = S.statement_of(ident)
        if decl_stmt.parent is not None and stmt.parent is not None and decl_stmt.parent.id == stmt.parent.id:
            return "same-block"
    if result is not None and any(ctx.text(i) == name for i in S.walk(result) if i.type == "identifier"):
        return "result"
    return "other"


def _at_top_level(fn: Node, stmt: Node) -> bool:
    body = fn.child_by_field_name("body")
    return body is not None and S.block_of(stmt) is not None and S.block_of(stmt).id == body.id


RULE = Rule(
    id=ID,
    doc=__doc__,
    find=find,
    triggers=(b"context",),
    nolint=("govet", "lostcancel"),
    requires=((b"With",),),
)
