"""goroutine-without-exit: a goroutine's endless loop has no way out

## What it does
Finds `go func() { ... }()` whose function literal contains an endless loop (`for { }`,
`for ;; { }`, `for true { }`) with no `return`, no `goto`, no `break` (or labelled
`continue`) that leaves that loop, and no channel receive (`<-ch`, `v, ok := <-ch`), no
`select` and no `for ... range` inside it (a range may be over a channel, which ends when
the channel is closed). Jumps inside nested function literals and `break`s bound to an inner
`switch`, `select` or loop do not count as ways out; receives anywhere in the loop do.
Only goroutines started from a function literal are checked: the body of `go worker()` is
elsewhere.

## Why is this bad?
Nothing can stop such a goroutine short of a panic or `runtime.Goexit`: it keeps running
(and keeps everything it references alive) after whatever started it is done: a request,
a test, a server shutting down. In tests it shows up as a goroutine leak; in servers as
goroutine counts that only ever grow.

## Example
```go
go func() {
	for {
		flush()
		time.Sleep(time.Second)
	}
}()
```
Use instead:
```go
go func() {
	ticker := time.NewTicker(time.Second)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
			flush()
		}
	}
}()
```

## Fix safety
No fix: which signal should stop the goroutine (a context, a done channel, closing an
input channel) is a design decision. The message suggests the usual shape.
"""

from __future__ import annotations

from tree_sitter import Node

from codemods._report import unparen
from gofix.analysis import syntax as S
from gofix.analysis.context import FileContext
from gofix.analysis.model import Finding, Severity
from gofix.analysis.rule import GO_FUNC_LITERAL, Rule

ID = "goroutine-without-exit"



def find(ctx: FileContext) -> list[Finding]:
    out = []
    for stmt in ctx.token_nodes("go", "go_statement"):
        call = next((c for c in stmt.named_children if c.type == "call_expression"), None)
        if call is None:
            continue
        lit = unparen(call.child_by_field_name("function"))
        if lit.type != S.FUNC_LITERAL:
            continue  # go worker(): its body is elsewhere
        loop = next((lp for lp in _endless_loops(lit) if not _has_way_out(lp)), None)
        if loop is None:
            continue
        message = ("this goroutine runs an endless for loop with no return, no break and no channel receive or "
                   "select, so nothing can stop it short of a panic: it outlives whatever started it (a request, "
                   "a test, a shutdown); give the loop a way out, e.g. a select on ctx.Done() (or a done channel) "
                   "that returns, checked every iteration; no automatic fix: which signal should stop it is a design "
                   "decision")
        out.append(ctx.finding(ID, stmt, message, Severity.WARNING))
    return out


def _endless_loops(lit: Node) -> list[Node]:
    """Endless for statements in the literal's body, not inside nested function literals."""
    out = []
    stack = [lit.child_by_field_name("body")]
    while stack:
        n = stack.pop()
        if n is None or n.type == S.FUNC_LITERAL:
            continue
        if n.type == "for_statement" and _is_endless(n):
            out.append(n)
        stack.extend(reversed(n.named_children))
    return out


def _is_endless(loop: Node) -> bool:
    clause = next((c for c in loop.named_children if c.type in ("for_clause", "range_clause")), None)
    if clause is not None and clause.type == "range_clause":
        return False
    cond = (clause or loop).child_by_field_name("condition")
    return cond is None or S.bool_value(S.unparen(cond)) is True  # for { } / for true { }


def _has_way_out(loop: Node) -> bool:
    body = loop.child_by_field_name("body")
    if body is None:
        return True
    for n in S.walk(body):
        t = n.type
        if t in ("select_statement", "range_clause"):
            return True  # waits on channels (a range may be over one that gets closed)
        if t == "unary_expression":
            op = n.child_by_field_name("operator")
            if op is not None and op.type == "<-":
                return True
        if t == "receive_statement":
            return True
    for jump in S.exits_leaving(body, body):
        target = S.jump_target(jump) if jump.type == "continue_statement" else None
        if target is not None and target.id == loop.id:
            continue  # the next iteration of this very loop
        return True
    return False


RULE = Rule(
    id=ID,
    doc=__doc__,
    find=find,
    triggers=(b"go ", b"go\t", b"go(", b"go\n", b"go\r", b"go/*"),
    requires=(GO_FUNC_LITERAL, (b"for",)),
)

