"""defer-in-loop: a deferred cleanup inside a loop body runs only when the function returns

## What it does
Finds `defer x.Close()`, `defer x.Stop()`, `defer mu.Unlock()`, `defer cancel()` and
similar cleanups (methods `Close`, `Stop`, `Unlock`, `RUnlock`, `Rollback`, `Release`,
`Cancel`, `Shutdown`, `Flush`; plain calls of a variable whose name says cancel, stop,
close, release, unlock or cleanup; a deferred function literal whose body makes such a
call) placed in the body of a `for` loop of the same function, at any depth of `if`,
`switch` or `select` inside that body. A `defer` inside a function literal in the loop
(`func() { defer f.Close(); ... }()`) runs when that literal returns: no finding.

Not reported: when every path from the `defer` leaves the loop (a `return`, `break` or
terminating statement follows it with no `continue` in between: the defer registers at
most once, as in a retry loop that returns on success), and when the cleaned-up variable
is appended, stored, assigned or sent in the loop (the values are kept on purpose until the
function returns, e.g. opening every input file of a merge).

## Why is this bad?
Deferred calls run when the surrounding function returns, not at the end of the
iteration. Every iteration's file, response body, ticker or context stays open until
then, so a long loop runs out of file descriptors or connections. A deferred `Unlock` keeps
the mutex locked, so the next iteration's `Lock` deadlocks.

## Example
```go
for _, name := range names {
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := process(f); err != nil {
		return err
	}
}
```
Use instead:
```go
for _, name := range names {
	if err := func() error {
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		defer f.Close()
		return process(f)
	}(); err != nil {
		return err
	}
}
```

## Fix safety
No fix: moving the body into a function changes what `return`, `break` and `continue`
mean, and closing at the end of the iteration must cover every early exit. The message
says which of the two to do.
"""

from __future__ import annotations

import re

from tree_sitter import Node

from codemods._report import declaration_of, display, leaves_loop_after
from gofix import syntax as S
from gofix.context import FileContext, use_kind
from gofix.model import Finding, Severity
from gofix.rules import Rule

ID = "defer-in-loop"
CLEANUP_METHODS = frozenset(
    {"Close", "Stop", "Unlock", "RUnlock", "Rollback", "Release", "Cancel", "Shutdown", "Flush"})
_CLEANUP_FUNC = re.compile(r"(?i)cancel|stop|close|release|unlock|cleanup")

DEFERS = S.query("(defer_statement) @defer")


def find(ctx: FileContext) -> list[Finding]:
    out = []
    for stmt in S.captures(DEFERS, ctx.root).get("defer", []):
        finding = _check(ctx, stmt)
        if finding is not None:
            out.append(finding)
    return out


def _check(ctx: FileContext, stmt: Node) -> Finding | None:
    fn = S.enclosing_function(stmt)
    loop = S.innermost_loop(stmt, stop=fn)
    if loop is None:
        return None  # not in a loop of this function
    call = stmt.named_children[0] if stmt.named_children else None
    cleanup = _cleanup_call(ctx, call)
    if cleanup is None:
        return None  # not a cleanup: defer wg.Done(), defer log.Println(...) are other stories
    if leaves_loop_after(stmt, loop):
        return None  # every path returns or breaks after it: registered at most once
    root = _root_ident(cleanup)
    if root is not None and _kept(ctx, root, loop):
        return None  # the values are collected on purpose and used after the loop
    relocks = _relocks(ctx, cleanup, loop)
    severity = Severity.ERROR if relocks else Severity.WARNING
    return ctx.finding(ID, stmt, _message(ctx, stmt, cleanup, relocks), severity)


def _cleanup_call(ctx: FileContext, call: Node | None) -> Node | None:
    """The cleanup call a deferred expression makes (itself, or one in a deferred literal)."""
    if call is None or call.type != "call_expression":
        return None
    fn = S.unparen(call.child_by_field_name("function"))
    if fn.type == "func_literal":
        for s in S.statements(fn.child_by_field_name("body")):
            inner = s.named_children[0] if s.type == "expression_statement" and s.named_children else None
            if inner is not None and _cleanup_call(ctx, inner) is not None:
                return inner
        return None
    if fn.type == "selector_expression":
        return call if ctx.text(fn.child_by_field_name("field")) in CLEANUP_METHODS else None
    if fn.type == "identifier":
        return call if _CLEANUP_FUNC.search(ctx.text(fn)) else None
    return None


def _root_ident(call: Node) -> Node | None:
    """`f` in f.Close(), resp.Body.Close(); `cancel` in cancel()."""
    node = S.unparen(call.child_by_field_name("function"))
    while node.type == "selector_expression":
        node = S.unparen(node.child_by_field_name("operand"))
    return node if node.type == "identifier" else None


def _kept(ctx: FileContext, root: Node, loop: Node) -> bool:
    fn = S.enclosing_function(loop)
    name = ctx.text(root)
    for use in ctx.uses(fn, name, loop.start_byte):
        if use.start_byte >= loop.end_byte:
            break
        kind = use_kind(use)
        if kind in ("stored", "assigned", "sent"):
            return True
        if kind == "passed":
            call = use.parent.parent
            if call is not None and call.type == "call_expression" and ctx.call_name(call) == "append":
                return True
    return False


def _relocks(ctx: FileContext, cleanup: Node, loop: Node) -> bool:
    """An Unlock of a mutex declared outside the loop whose Lock is called in the loop body:
    the second iteration blocks forever."""
    if ctx.call_name(cleanup) != "Unlock":
        return False  # RLock twice does not block by itself (only with a waiting writer)
    root = _root_ident(cleanup)
    if root is None:
        return False
    decl = declaration_of(ctx, root)
    if decl is not None and S.is_within(decl, loop):
        return False  # a different mutex each iteration
    fn = S.unparen(cleanup.child_by_field_name("function"))
    recv = ctx.text(fn.child_by_field_name("operand"))
    for n in S.walk(loop.child_by_field_name("body")):
        if n.type == "call_expression" and ctx.call_name(n) == "Lock":
            f = S.unparen(n.child_by_field_name("function"))
            if f.type == "selector_expression" and ctx.text(f.child_by_field_name("operand")) == recv:
                return True
    return False


def _message(ctx: FileContext, stmt: Node, cleanup: Node, relocks: bool) -> str:
    text = display(ctx, cleanup)
    call = stmt.named_children[0]
    what = f"defer {text}" if call.id == cleanup.id else f"a deferred function calling {text}"
    if relocks:
        return (f"{what} in a loop body keeps the lock until the function returns, so the next "
                f"iteration's Lock blocks forever: call {text} at the end of the iteration (and before "
                "every continue), or move the loop body into a function so the deferred call runs each iteration")
    held = "lock stays held" if ctx.call_name(cleanup) in ("Unlock", "RUnlock") else "resource stays open"
    return (f"{what} in a loop body runs only when the function returns, so every iteration's "
            f"{held} until then: move the loop body into a function so the deferred call "
            f"runs each iteration, or call {text} at the end of the iteration (and before every continue)")


RULE = Rule(
    id=ID,
    doc=__doc__,
    find=find,
    triggers=(b"defer",),
    requires=((b"for",),),
)
