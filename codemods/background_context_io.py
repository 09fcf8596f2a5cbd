"""background-context-io: context.Background() passed to I/O in a function that has a context

## What it does
Finds `context.Background()` or `context.TODO()` (under any import alias; a local variable
named `context` does not count) passed directly as an argument to a call whose name ends
in `Context`: `QueryContext`, `ExecContext`, `http.NewRequestWithContext`, `DialContext`,
`req.WithContext`, any `...Context(` function or method, inside a function that has a
`context.Context` parameter, or else the `*http.Request` parameter `r` of a handler (a
function that also has an `http.ResponseWriter` parameter; its context is `r.Context()`;
another request's context is not the function's). A function literal called in place sees its enclosing function's context.

Not reported: inside a `go` statement, a `defer` (cleanup at return often must run even
though the caller's context is cancelled), or a function literal that is passed, stored or
returned: code there may run after the function returned, when its context is done, so a
fresh context can be deliberate. `context.WithTimeout(context.Background(), d)` is not a
`...Context` call either: a deliberately detached deadline.

## Why is this bad?
The function was given a context so that its work stops when the caller gives up: a
client disconnecting, a deadline passing, a server shutting down. A call made with
`context.Background()` ignores all of that: the query or request keeps its connection and
goroutines busy until it finishes on its own.

## Example
```go
func load(ctx context.Context, db *sql.DB, id int) (*sql.Rows, error) {
	return db.QueryContext(context.Background(), "SELECT * FROM t WHERE id = ?", id)
}
```
Use instead:
```go
func load(ctx context.Context, db *sql.DB, id int) (*sql.Rows, error) {
	return db.QueryContext(ctx, "SELECT * FROM t WHERE id = ?", id)
}
```

## Fix safety
Unsafe: the call now stops when the caller's context is cancelled, which is the point, but
it changes behaviour (a write that used to finish after the client left is now aborted).
The argument becomes the `context.Context` parameter's name, or `r.Context()` for an
`*http.Request` parameter `r`. Not offered when the parameter is unnamed or named `_`, or
when its name is re-declared where the call is (a `ctx, cancel := context.WithTimeout(ctx,
d)` in between is fine: it derives from the same context). When the replaced calls were
the file's only uses of the `context` import, the last fix also removes the import.
"""

from __future__ import annotations

import re

from tree_sitter import Node

from codemods._report import CONTEXT, available_context, import_uses, usable_expression
from gofix.analysis import syntax as S
from gofix.analysis.context import FileContext
from gofix.analysis.edits import remove_import, replace_node
from gofix.analysis.model import Applicability, Finding, Fix, Severity
from gofix.analysis.rule import Imports, Rule

ID = "background-context-io"



def find(ctx: FileContext) -> list[Finding]:
    candidates = []
    for call in ctx.selector_calls("Background", "TODO"):
        if not ctx.is_pkg_call(call, CONTEXT, "Background", "TODO"):
            continue  # a look-alike: not the context package
        callee = _io_call(ctx, call)
        if callee is None:
            continue  # not passed to a ...Context call
        source = available_context(ctx, call)
        if source is None:
            continue  # no context here to pass instead (or one that may be done by then)
        candidates.append((call, callee, source, usable_expression(ctx, source, call)))
    if not candidates:
        return []
    fixable = [c for c in candidates if c[3] is not None]
    replaced = {call.child_by_field_name("function").child_by_field_name("operand").id for call, *_ in fixable}
    import_orphaned = all(u.id in replaced for u in import_uses(ctx, CONTEXT))
    out = []
    for call, callee, source, expr in candidates:
        what = ctx.text(call.child_by_field_name("function").child_by_field_name("field"))
        name = f"context.{what}()"
        fix = None
        if expr is None:
            advice = ("name the function's context.Context parameter and pass it instead; no automatic fix: "
                      "the parameter is unnamed" if source.name(ctx) in ("", "_") else
                      f"pass the function's context instead; no automatic fix: {source.name(ctx)} is re-declared here")
        else:
            advice = f"pass {expr} instead"
            edits = [replace_node(call, expr)]
            scope = None
            if import_orphaned:
                scope = (0, len(ctx.src))  # one per pass: the last one removes the import
                if len(fixable) == 1:
                    edit = remove_import(ctx, CONTEXT)
                    if edit is not None:
                        edits.append(edit)
            fix = Fix(f"Pass {expr}", tuple(edits), Applicability.UNSAFE, scope=scope)
        message = (f"{name} passed to {callee} ignores the context this function was given: the call keeps "
                   f"running after the caller gives up (a cancelled request, a passed deadline); {advice}")
        out.append(ctx.finding(ID, call, message, Severity.WARNING, fix))
    return out


def _io_call(ctx: FileContext, arg: Node) -> str | None:
    """The name of the ...Context call `arg` is passed to, or None."""
    node = arg
    parent = node.parent
    while parent is not None and parent.type == "parenthesized_expression":
        node, parent = parent, parent.parent
    if parent is None or parent.type != S.ARGUMENTS or parent.parent is None:
        return None
    call = parent.parent
    if call.type != "call_expression":
        return None
    name = ctx.call_name(call)
    if not name.endswith("Context") or ctx.is_pkg_call(call, CONTEXT):
        return None
    fn = call.child_by_field_name("function")
    if fn is not None and fn.type == "selector_expression":
        operand = fn.child_by_field_name("operand")
        if operand is not None and operand.type == "identifier" and len(ctx.text(operand)) <= 20:
            return f"{ctx.text(operand)}.{name}"
    return name


def _import_may_go(uses) -> bool:
    """Rule.whole_file: the last fix may remove the context import, when every use of the
    import is a `context.Background()` / `TODO()` this rule may replace (a fact of all those
    calls, wherever they are: the file is then analysed whole). Not when a type of the
    package is used (`context.Context`: the import stays), nor a selector other than those
    while no other identifier spells the name (a variable `context` could be the selector's
    operand; words in comments count too: when unsure, the file goes whole)."""
    names = [n for n, p in uses.imports.items() if p == CONTEXT and n not in ("_", ".")]
    if not names:
        return False
    name = names[0]
    found = [(kind, m) for kind, q, m in uses.quals if q == name]
    if any(kind == "type" for kind, _ in found):
        return False
    if any(m not in ("Background", "TODO") for _, m in found):
        return re.search(rb'(?<![\w."/])' + re.escape(name.encode()) + rb'\b(?!\s*\.|")', uses.src) is not None
    return True


RULE = Rule(
    id=ID,
    doc=__doc__,
    find=find,
    triggers=(b"Background(", b"TODO("),
    requires=(Imports((f'"{CONTEXT}"'.encode(), f"`{CONTEXT}`".encode())),),
    reads_across=("import-uses",),  # is the context import used by another declaration
    whole_file=_import_may_go,
)
