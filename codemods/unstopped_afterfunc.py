"""unstopped-afterfunc: time.AfterFunc in a loop with its timer discarded can never be stopped

## What it does
Finds `time.AfterFunc(d, f)` whose result is discarded (a bare call statement or
`_ = time.AfterFunc(...)`) inside the body of a `for` loop of the same function. `time` is
resolved through the imports (`stdtime "time"` matches; a local `time` variable does not).
Not reported when every path leaves the loop right after the call (it runs once). Severity
`warning`; `hint` in `_test.go` files (a test's process is short-lived).

## Why is this bad?
Each iteration schedules a callback that nothing can cancel: the timer, the function and
everything it captures stay alive until it fires, even when the work it was guarding (a
timeout, a retry, a watchdog) finished long ago. A busy loop with a long duration piles up
timers and memory, and the stale callbacks still run.

## Example
```go
for req := range requests {
	time.AfterFunc(30*time.Second, func() { req.cancel() })
	handle(req)
}
```
Use instead:
```go
for req := range requests {
	t := time.AfterFunc(30*time.Second, func() { req.cancel() })
	handle(req)
	t.Stop()
}
```

## Fix safety
No fix: whether the callback must still run after the iteration is a design decision. The
message says how to keep and stop the timer.
"""

from __future__ import annotations

from tree_sitter import Node

from codemods._report import leaves_loop_after
from gofix.analysis import syntax as S
from gofix.analysis.context import FileContext
from gofix.analysis.model import Finding, Severity
from gofix.analysis.rule import Rule

ID = "unstopped-afterfunc"



def find(ctx: FileContext) -> list[Finding]:
    out = []
    for call in ctx.selector_calls("AfterFunc"):
        if not ctx.is_pkg_call(call, "time", "AfterFunc"):
            continue  # context.AfterFunc or a look-alike: not ours
        stmt = _discarding_statement(ctx, call)
        if stmt is None:
            continue  # the timer is kept: someone can stop it
        fn = S.enclosing_function(stmt)
        loop = S.innermost_loop(stmt, stop=fn)
        if loop is None:
            continue  # not in a loop of this function
        if leaves_loop_after(stmt, loop):
            continue  # the loop is left right after: scheduled once
        message = ("the *time.Timer returned by time.AfterFunc is discarded inside a loop: every iteration "
                   "schedules a callback that nothing can cancel, and each timer (with everything its function "
                   "captures) stays alive until it fires; keep it (t := time.AfterFunc(d, f)) and call t.Stop() "
                   "when the iteration's work is done, or create one timer before the loop and Reset it; "
                   "no automatic fix: whether the callback must still run after the iteration is a design decision")
        severity = Severity.HINT if ctx.path.endswith("_test.go") else Severity.WARNING  # tests are short-lived
        out.append(ctx.finding(ID, call, message, severity))
    return out


def _discarding_statement(ctx: FileContext, call: Node) -> Node | None:
    """The statement that throws the call's result away: `time.AfterFunc(...)` or `_ = ...`."""
    node = call
    parent = node.parent
    while parent is not None and parent.type == "parenthesized_expression":
        node, parent = parent, parent.parent
    if parent is None:
        return None
    if parent.type == "expression_statement":
        return parent
    if parent.type == "expression_list" and parent.parent is not None and parent.parent.type == S.ASSIGNMENT:
        stmt = parent.parent
        left, right = stmt.child_by_field_name("left"), stmt.child_by_field_name("right")
        if right is None or right.id != parent.id or left is None or len(left.named_children) != len(right.named_children):
            return None
        idx = next(i for i, c in enumerate(right.named_children) if c.id == node.id)
        target = left.named_children[idx]
        if target.type == "identifier" and ctx.text(target) == "_":
            return stmt
    return None


RULE = Rule(
    id=ID,
    doc=__doc__,
    find=find,
    triggers=(b"AfterFunc",),
)
