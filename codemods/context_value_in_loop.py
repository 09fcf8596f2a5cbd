"""context-value-in-loop: ctx = context.WithValue(ctx, ...) in a loop grows the context chain

## What it does
Finds an assignment `ctx = context.WithValue(ctx, k, v)` (with `=`, the variable on the
left also being the parent argument, possibly through nested `context.WithValue` calls)
inside the body of a `for` loop of the same function, where the variable is declared
outside that loop (an outer variable, a parameter, a field such as `s.ctx`). `context`
is resolved through the imports (`stdctx "context"` matches; a local variable named
`context` does not).

Not reported: `vctx := context.WithValue(ctx, k, v)` (a new variable each iteration; the
chain does not grow), a variable declared inside the loop body, and an assignment after
which every path leaves the loop.

## Why is this bad?
Each call wraps the previous context in a new node. Assigned back to the same variable in a
loop, the chain grows by one node per iteration and is never freed while the variable
lives: memory grows with the number of iterations, and every `ctx.Value` lookup walks the
whole chain, so the loop slows down quadratically.

## Example
```go
for _, item := range items {
	ctx = context.WithValue(ctx, itemKey{}, item.ID)
	process(ctx, item)
}
```
Use instead:
```go
for _, item := range items {
	ictx := context.WithValue(ctx, itemKey{}, item.ID)
	process(ictx, item)
}
```

## Fix safety
No fix: later code in the loop (or after it) may read values set by earlier iterations on
purpose. The message says how to rewrite it.
"""

from __future__ import annotations

from tree_sitter import Node

from codemods._report import CONTEXT, declaration_of, display, leaves_loop_after
from gofix.analysis import syntax as S
from gofix.analysis.context import FileContext, use_kind
from gofix.analysis.model import Finding, Severity
from gofix.analysis.rule import Rule

ID = "context-value-in-loop"



def find(ctx: FileContext) -> list[Finding]:
    out = []
    for stmt in _assignments_of(ctx, ctx.selector_calls("WithValue")):
        finding = _check(ctx, stmt)
        if finding is not None:
            out.append(finding)
    return out


def _assignments_of(ctx: FileContext, calls: list[Node]) -> list[Node]:
    """The assignments `... = x.WithValue(...)` that the calls are right-hand sides of (each
    once, however many of the calls it holds)."""
    out: dict[int, Node] = {}
    for call in calls:
        values = call.parent
        stmt = values.parent if values is not None and values.type == "expression_list" else None
        if stmt is not None and stmt.type == S.ASSIGNMENT and stmt.child_by_field_name("right") == values:
            out.setdefault(stmt.id, stmt)
    return sorted(out.values(), key=lambda n: (n.start_byte, -n.end_byte))


def _check(ctx: FileContext, stmt: Node) -> Finding | None:
    if not any(c.type == "=" for c in stmt.children):
        return None  # `+=` and friends cannot hold a context
    left, right = stmt.child_by_field_name("left"), stmt.child_by_field_name("right")
    lhs = [c for c in left.named_children if c.type != "comment"]
    rhs = [c for c in right.named_children if c.type != "comment"]
    if len(lhs) != len(rhs):
        return None
    fn = S.enclosing_function(stmt)
    loop = S.innermost_loop(stmt, stop=fn)
    if loop is None:
        return None  # not in a loop of this function
    for target, value in zip(lhs, rhs):
        call = S.unparen(value)
        if not ctx.is_pkg_call(call, CONTEXT, "WithValue"):
            continue
        if not _grows(ctx, target, call):
            continue  # a different parent: the chain is rebuilt each time
        if target.type == "identifier":
            decl = declaration_of(ctx, target)
            if decl is not None and S.is_within(decl, loop.child_by_field_name("body")):
                continue  # declared in this iteration: starts afresh each time
        if leaves_loop_after(stmt, loop):
            continue  # runs once: the loop is left right after
        if _over_fixed_literal(ctx, loop, fn):
            continue  # a fixed list of values: the chain grows by that many nodes, once
        name = display(ctx, target)
        message = (f"{name} = context.WithValue({name}, ...) inside a loop adds one node to the context chain "
                   "per iteration, so memory and every Value lookup grow with the loop: derive a new variable "
                   f"from the parent each iteration (vctx := context.WithValue({name}, k, v)), or set the value "
                   "once before the loop; no automatic fix: later code may read the values earlier iterations set")
        return ctx.finding(ID, stmt, message, Severity.WARNING)
    return None


def _over_fixed_literal(ctx: FileContext, loop: Node, fn: Node | None) -> bool:
    """The loop ranges over a composite literal written in place, or over a local variable
    initialised with one and never assigned or appended to: a bounded list of values."""
    clause = next((c for c in loop.named_children if c.type == "range_clause"), None)
    if clause is None:
        return False
    rng = clause.child_by_field_name("right")
    rng = S.unparen(rng) if rng is not None else None
    if rng is None:
        return False
    if rng.type == "composite_literal":
        return True
    if rng.type != "identifier" or fn is None:
        return False
    decl = declaration_of(ctx, rng)
    if decl is None or not S.is_within(decl, fn):
        return False
    spec = decl.parent
    while spec is not None and spec.type not in ("short_var_declaration", "var_spec"):
        spec = spec.parent
    value = None
    if spec is not None:
        right = spec.child_by_field_name("right") or spec.child_by_field_name("value")
        values = [v for v in right.named_children if v.type != "comment"] if right is not None else []
        value = S.unparen(values[0]) if len(values) == 1 else None
    if value is None or value.type != "composite_literal":
        return False
    name = ctx.text(rng)
    for use in ctx.uses(fn, name):
        if use.id == decl.id or declaration_of(ctx, use) is None or declaration_of(ctx, use).id != decl.id:
            continue
        if use_kind(use) in ("target", "address", "passed"):
            return False  # assigned, appended to, or handed to code that may grow it
    return True


def _grows(ctx: FileContext, target: Node, call: Node) -> bool:
    """The innermost parent of a context.WithValue(...) chain is `target` itself."""
    want = display(ctx, target)
    depth = 0
    while depth < 16:
        args = call.child_by_field_name("arguments")
        first = next((a for a in args.named_children if a.type != "comment"), None) if args is not None else None
        if first is None:
            return False
        first = S.unparen(first)
        if ctx.is_pkg_call(first, CONTEXT, "WithValue"):
            call, depth = first, depth + 1
            continue
        return first.type in ("identifier", "selector_expression") and display(ctx, first) == want
    return False


RULE = Rule(
    id=ID,
    doc=__doc__,
    find=find,
    triggers=(b"WithValue",),
)
