"""lost-cancel: the cancel function of a context.With* call is discarded or not called on every path

## What it does
Finds `ctx, _ := context.WithTimeout(parent, d)` (also `WithCancel`, `WithDeadline` and the
`...Cause` variants, with `:=`, `=` or `var`), calls whose whole result is discarded, and a
named cancel that some path to a `return` (or the end of the function) neither calls nor
defers, as go vet's lostcancel does. `golang.org/x/net/context` and
`code.google.com/p/go.net/context` are the same package as `context`.

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
body instead. A named cancel missed on some path gets `defer cancel()` right after the
assignment; its explicit calls stay (a second call does nothing). No fix when the context
(or a value derived from it) is returned, stored, sent, used in a goroutine or a callback,
or used by a defer registered earlier, when the call sits in a loop body with an early exit
after it, or in an `if`/`switch` header, in a function with `goto`, or when a named result
would be cancelled on return; the message says which. A discarded whole result gets no fix:
the context is never used, so the call is most likely a mistake.
"""

from __future__ import annotations

from tree_sitter import Node

from gofix.analysis import (
    Applicability,
    FileContext,
    Finding,
    Fix,
    Imports,
    Rule,
    Severity,
    insert_after_statement,
    insert_at_block_end,
    insert_before_statement,
    replace_node,
    use_kind,
)
from gofix.analysis import syntax as S
from gofix.analysis.flow import Exit, paths_missing
from gofix.analysis.lifetime import escape
from gofix.analysis.scope import Binding, binding, references
from gofix.analysis.shapes import Assignment, assignment_of, enclosing_loop

ID = "lost-cancel"
FUNCS = ("WithCancel", "WithTimeout", "WithDeadline", "WithCancelCause", "WithTimeoutCause", "WithDeadlineCause")
# golang.org/x/net/context forwards to the standard library; the old go.net path is its ancestor.
CONTEXT_PATHS = ("context", "golang.org/x/net/context", "code.google.com/p/go.net/context")



def find(ctx: FileContext) -> list[Finding]:
    out = []
    for call in ctx.selector_calls(*FUNCS):
        if not any(ctx.is_pkg_call(call, path, *FUNCS) for path in CONTEXT_PATHS):
            continue  # a method or a local variable named context: not ours
        finding = _check(ctx, call)
        if finding is not None:
            out.append(finding)
    return out


def _check(ctx: FileContext, call: Node) -> Finding | None:
    name = ctx.call_name(call)
    severity = _severity(ctx, call, name)
    if call.parent is not None and call.parent.type == "expression_statement":
        return ctx.finding(ID, call, f"the result of context.{name} is discarded: the context is never used "
                           "and never cancelled; remove the call or use the context and defer its cancel",
                           severity)
    a = assignment_of(ctx, call)
    if a is None or len(a.lhs) != 2 or len(a.rhs) != 1:
        return None  # not `x, y := context.With...(...)`: not ours
    ctx_node, cancel_node = a.lhs
    if ctx.text(cancel_node) != "_":
        return _named(ctx, call, a, name, severity)
    if ctx.text(ctx_node) == "_":
        return ctx.finding(ID, call, f"both results of context.{name} are discarded: the context is never used "
                           "and never cancelled; remove the call", severity)
    if severity == Severity.WARNING:
        message = (f"the cancel function returned by context.{name} is discarded; a child of context.Background "
                   "is collected, but nothing can ever cancel it: call it when the work is done")
    else:
        message = (f"the cancel function returned by context.{name} is discarded, so the context "
                   + ("and its timer stay" if "Cancel" not in name else "stays")
                   + " registered with its parent until the parent is cancelled; call it when the work is done")
    fix, why = _discarded_fix(ctx, call, a, name)
    return ctx.finding(ID, call, _with_reason(message, why), severity, fix)


def _severity(ctx: FileContext, call: Node, name: str) -> Severity:
    if name not in ("WithCancel", "WithCancelCause"):
        return Severity.ERROR
    args = call.child_by_field_name("arguments")
    first = args.named_children[0] if args is not None and args.named_children else None
    if first is not None and any(ctx.is_pkg_call(first, p, "Background", "TODO") for p in CONTEXT_PATHS):
        return Severity.WARNING
    return Severity.ERROR


def _with_reason(message: str, why: str | None) -> str:
    return f"{message}; no automatic fix: {why}" if why else message


def _cancel_call(cancel: str, name: str) -> str:
    return f"{cancel}(nil)" if name == "WithCancelCause" else f"{cancel}()"


# --- `ctx, _ := context.With...` -----------------------------------------------------------------------


def _discarded_fix(ctx: FileContext, call: Node, a: Assignment, name: str) -> tuple[Fix | None, str | None]:
    ctx_node, cancel_node = a.lhs
    fn, stmt = a.function, a.stmt
    why = _common_blocker(ctx, a)
    if why:
        return None, why
    if ctx_node.type != "identifier":
        return None, "the context is stored in a field or an element, so someone else may own it"
    cancel = ctx.fresh_name(call, "cancel")
    call_text = _cancel_call(cancel, name)
    rename = replace_node(cancel_node, cancel)
    scope = (fn.start_byte, fn.end_byte)
    loop = enclosing_loop(stmt)
    if loop is not None:
        body = loop.child_by_field_name("body")
        if not a.defines or S.block_of(stmt) is None or S.block_of(stmt).id != body.id:
            return None, "the context lives outside this loop iteration (declared outside the loop body's top level)"
        if S.exits_leaving(S.following_statements(stmt), body):
            return None, "an early exit from the loop body would skip a cancel at its end"
        reason = _escapes(ctx, ctx_node, stmt, None)
        if reason:
            return None, reason
        end = insert_at_block_end(ctx, body, [call_text])
        if end is None:
            return None, "the loop body's closing brace does not start its line"
        return Fix(f"Add {call_text} at the end of the loop body", (rename, end), Applicability.SAFE, scope=scope), None
    defer = insert_after_statement(ctx, stmt, [f"defer {call_text}"])
    if defer is None:
        return None, "other code follows the statement on its line"
    reason = _escapes(ctx, ctx_node, stmt, defer.start)
    if reason:
        return None, reason
    if a.defines:
        return Fix(f"Add defer {call_text}", (defer, rename), Applicability.SAFE, scope=scope), None
    decl = binding(ctx, ctx_node)
    if decl is not None and decl.kind == "result":
        return None, "the context is a named result: cancelling it on return would break the caller"
    if decl is not None and decl.block.id == S.block_of(stmt).id:
        # declared in this block (parameters share the body's block): `:=` reuses it
        assign_op = next(c for c in stmt.children if c.type == "=")
        return Fix(f"Add defer {call_text}", (defer, rename, replace_node(assign_op, ":=")),
                   Applicability.SAFE, scope=scope), None
    # deeper down, `:=` would shadow the context: declare the cancel first and keep `=`
    pkg = ctx.text(call.child_by_field_name("function").child_by_field_name("operand"))  # as the call names it
    typ = "CancelCauseFunc" if name == "WithCancelCause" else "CancelFunc"
    before = insert_before_statement(ctx, stmt, [f"var {cancel} {pkg}.{typ}"])
    if before is None:
        return None, "the statement does not start its line"
    return Fix(f"Add defer {call_text}", (defer, before, rename), Applicability.SAFE, scope=scope), None


def _common_blocker(ctx: FileContext, a: Assignment) -> str | None:
    if a.function is None:
        return "it is not inside a function"
    if not a.in_statement_list:
        return "the call is in an if/switch/for header, where no cleanup line can follow it"
    if ctx.has_goto(a.function):
        return "the function uses goto, which must not jump over an inserted statement"
    return None


def _escapes(ctx: FileContext, ctx_node: Node, stmt: Node, defer_at: int | None) -> str | None:
    """Why cancelling when the function returns (or at the end of the iteration) is wrong."""
    values = [ctx_node, *_derived(ctx, ctx_node, stmt)]
    return escape(ctx, values, after=stmt, defer_at=defer_at, calls_own=False)


def _derived(ctx: FileContext, ctx_node: Node, stmt: Node) -> list[Node]:
    """Declarations of variables that hold the context through a call that wraps it
    (context.WithValue, req.WithContext, http.NewRequestWithContext, client.Do(req), ...),
    transitively: they must not outlive the cancel either."""
    out: list[Node] = []
    todo = [binding(ctx, ctx_node)]
    seen: set[int] = set()
    while todo:
        b = todo.pop()
        if b is None or b.ident.id in seen:
            continue
        seen.add(b.ident.id)
        for use in references(ctx, b):
            if use.start_byte < stmt.end_byte or use.parent is None or use.parent.type != S.ARGUMENTS:
                continue
            call = use.parent.parent
            callee = ctx.call_name(call)
            if "Context" not in callee and not callee.startswith("With") and callee != "Do":
                continue
            wrap = assignment_of(ctx, call)
            first = wrap.lhs[0] if wrap is not None and wrap.lhs else None
            if first is not None and first.type == "identifier" and ctx.text(first) != "_":
                out.append(first)
                todo.append(binding(ctx, first))
    return out


# --- a named cancel missed on some path ----------------------------------------------------------------


def _named(ctx: FileContext, call: Node, a: Assignment, name: str, severity: Severity) -> Finding | None:
    ctx_node, cancel_node = a.lhs
    if cancel_node.type != "identifier" or a.function is None:
        return None  # stored into a field: someone else calls it
    b = binding(ctx, cancel_node)
    if b is None or not _only_called(ctx, b, a.stmt):
        return None  # passed, stored, returned, reassigned or used in a literal: vet's business, not ours
    missing = paths_missing(ctx, a.stmt, lambda c: _calls(ctx, c, b))
    if not missing or any(e.kind == "goto" for e in missing):
        return None  # called on every path (or a goto we do not follow)
    cancel = ctx.text(cancel_node)
    first = missing[0]
    where = (f"the return at line {first.line}" if first.kind == "return"
             else f"falling off the end of the function at line {first.line}")
    message = (f"the cancel function `{cancel}` returned by context.{name} is not called on every path: {where} "
               f"leaves it uncalled, so the context "
               + ("and its timer stay" if "Cancel" not in name else "stays")
               + f" registered with its parent; defer {_cancel_call(cancel, name)} right after the assignment")
    fix, why = _named_fix(ctx, a, b, name, first)
    return ctx.finding(ID, a.stmt, _with_reason(message, why), severity, fix)


def _only_called(ctx: FileContext, b: Binding, stmt: Node) -> bool:
    """Every reference to the cancel is its declaration, this assignment, or a call of it
    (directly, deferred or in a go statement) outside function literals."""
    targets = {n.id for n in stmt.child_by_field_name("left").named_children} if stmt.child_by_field_name("left") \
        else set()
    for use in references(ctx, b):
        if use.id in targets or use.id == b.ident.id:
            continue
        if use_kind(use) != "call":
            return False
        fn = S.enclosing_function(use)
        if fn is None or fn.id != b.function.id:
            return False  # called inside a function literal: it may run any time
    return True


def _calls(ctx: FileContext, call: Node, b: Binding) -> bool:
    fn = S.unparen(call.child_by_field_name("function"))
    return fn.type == "identifier" and binding(ctx, fn) == b


def _named_fix(ctx: FileContext, a: Assignment, b: Binding, name: str, first: Exit) -> tuple[Fix | None, str | None]:
    why = _common_blocker(ctx, a)
    if why:
        return None, why
    ctx_node, cancel_node = a.lhs
    stmt, fn = a.stmt, a.function
    call_text = _cancel_call(ctx.text(cancel_node), name)
    scope = (fn.start_byte, fn.end_byte)
    loop = enclosing_loop(stmt)
    if loop is not None:
        body = loop.child_by_field_name("body")
        if S.block_of(stmt) is None or S.block_of(stmt).id != body.id or b.block.id != body.id:
            return None, "the cancel lives outside this loop iteration (declared outside the loop body's top level)"
        if S.exits_leaving(S.following_statements(stmt), body):
            return None, "an early exit from the loop body would skip a cancel at its end"
        reason = _escapes(ctx, ctx_node, stmt, None) if ctx_node.type == "identifier" else None
        if reason:
            return None, reason
        end = insert_at_block_end(ctx, body, [call_text])
        if end is None:
            return None, "the loop body's closing brace does not start its line"
        return Fix(f"Add {call_text} at the end of the loop body", (end,), Applicability.SAFE, scope=scope), None
    defer = insert_after_statement(ctx, stmt, [f"defer {call_text}"])
    if defer is None:
        return None, "other code follows the statement on its line"
    if ctx_node.type == "identifier" and ctx.text(ctx_node) != "_":
        reason = _escapes(ctx, ctx_node, stmt, defer.start)
        if reason:
            return None, reason
    return Fix(f"Add defer {call_text}", (defer,), Applicability.SAFE, scope=scope), None


RULE = Rule(
    id=ID,
    doc=__doc__,
    find=find,
    triggers=tuple(name.encode() for name in FUNCS),  # (the Cause variants hold the others: dropped)
    nolint=("govet", "lostcancel"),
    requires=(Imports(tuple(f"{q}{p}{q}".encode() for p in CONTEXT_PATHS for q in '"`')),),
)
