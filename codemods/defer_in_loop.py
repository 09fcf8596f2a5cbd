"""defer-in-loop: a deferred cleanup inside a loop body runs only when the function returns

## What it does
Finds `defer x.Close()`, `defer x.Stop()`, `defer mu.Unlock()`, `defer cancel()` and
similar cleanups (methods `Close`, `Stop`, `Unlock`, `RUnlock`, `Rollback`, `Release`,
`Cancel`, `Shutdown`, `Flush`, in any letter case: `c.close()` too; plain calls of a
variable whose name says cancel, stop, close, release, unlock or cleanup; a deferred
function literal whose body makes such a call) placed in the body of a `for` loop of the
same function, at any depth of `if`, `switch` or `select` inside that body. A `defer`
inside a function literal in the loop (`func() { defer f.Close(); ... }()`) runs when that
literal returns: no finding.

Not reported: when every path from the `defer` leaves the loop (a `return`, `break` or
terminating statement follows it with no `continue` in between: the defer registers at
most once, as in a retry loop that returns on success); when the `defer` sits in a branch
guarded by a flag that the same branch sets (`if !locked { mu.Lock(); defer mu.Unlock();
locked = true }`, `if db == nil { db, err = open(); defer db.Close() }`: at most once per
call); and when the value is kept past the iteration on purpose: the cleaned-up variable
(or the context declared with a deferred cancel) is appended, stored, assigned or sent in
the loop, used by a goroutine started in the loop, or declared outside the loop and used
after it (e.g. opening every input file of a merge; also wrapped and appended,
`append(rs, bufio.NewReader(f))`, kept in an element `files[i]` of a slice used after the
loop, or the range variable of a collection ranged over again after the loop). Nor when
the loop only acquires (its body assigns calls, appends, locks, checks errors and
defers, also inside `if`s; the deferred value itself only checked, `if st.err != nil {
lg.Panic(...) }`, or wrapped into an element kept for later, never read or handed to a call
in the iteration, as `io.ReadAll(in)` would) and the function goes on working after it: holding every lock,
keeping every `context.AfterFunc` registration, closing the old values once the new are in
until the function returns is the point. Nor a close-on-error guard (`defer func() { if err
== nil { return }; x.Close() }()`: on success it does nothing).

Severity `warning` (`error` for an `Unlock` of a mutex locked again in the loop); `hint` in
`_test.go` files (a test's process is short-lived).

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
from gofix.analysis import flow
from gofix.analysis import syntax as S
from gofix.analysis.context import FileContext, is_declaration, use_kind
from gofix.analysis.model import Finding, Severity
from gofix.analysis.rule import Rule

ID = "defer-in-loop"
CLEANUP_METHODS = frozenset(
    {"Close", "Stop", "Unlock", "RUnlock", "Rollback", "Release", "Cancel", "Shutdown", "Flush"})
_CLEANUP_LOWER = frozenset(m.lower() for m in CLEANUP_METHODS)
_CLEANUP_FUNC = re.compile(r"(?i)cancel|stop|close|release|unlock|cleanup")



def find(ctx: FileContext) -> list[Finding]:
    out = []
    for stmt in ctx.token_nodes("defer", "defer_statement"):
        finding = _check(ctx, stmt)
        if finding is not None:
            out.append(finding)
    return out


def _check(ctx: FileContext, stmt: Node) -> Finding | None:
    fn = S.enclosing_function(stmt)
    if fn is None:
        return None  # a statement outside any function (tree-sitter accepts it, Go does not)
    loop = S.innermost_loop(stmt, stop=fn)
    if loop is None:
        return None  # not in a loop of this function
    call = stmt.named_children[0] if stmt.named_children else None
    cleanup = _cleanup_call(ctx, call)
    if cleanup is None:
        return None  # not a cleanup: defer wg.Done(), defer log.Println(...) are other stories
    if leaves_loop_after(stmt, loop):
        return None  # every path returns or breaks after it: registered at most once
    if flow.runs_at_most_once(ctx, stmt):
        return None  # a branch guarded by a flag it sets: registered at most once
    if _on_error_only(ctx, stmt):
        return None  # cleans up only when the function fails: a close-on-error guard
    root = _root_ident(cleanup)
    if root is not None:
        root = _literal_argument(ctx, stmt, root)
    if root is not None and (any(_kept(ctx, v, loop) for v in _values(ctx, root))
                             or _collection_used_after(ctx, root, loop)):
        return None  # kept past the iteration on purpose: stored, used after the loop or by a goroutine
    relocks = _relocks(ctx, cleanup, loop)
    if not relocks and _acquires_only(ctx, loop, stmt) and not (root is not None and _worked_with(ctx, root, loop, stmt)):
        return None  # the loop only acquires (locks, registrations); the work that needs them all follows it
    severity = Severity.ERROR if relocks else Severity.WARNING
    if ctx.path.endswith("_test.go"):
        severity = Severity.HINT  # a test's process is short-lived
    return ctx.finding(ID, stmt, _message(ctx, stmt, cleanup, relocks), severity)


def _cleanup_call(ctx: FileContext, call: Node | None) -> Node | None:
    """The cleanup call a deferred expression makes (itself, or one in a deferred literal)."""
    if call is None or call.type != "call_expression":
        return None
    fn = S.unparen(call.child_by_field_name("function"))
    if fn.type == S.FUNC_LITERAL:
        for s in S.statements(fn.child_by_field_name("body")):
            inner = s.named_children[0] if s.type == "expression_statement" and s.named_children else None
            if inner is not None and _cleanup_call(ctx, inner) is not None:
                return inner
        return None
    if fn.type == "selector_expression":
        return call if ctx.text(fn.child_by_field_name("field")).lower() in _CLEANUP_LOWER else None
    if fn.type == "identifier":
        return call if _CLEANUP_FUNC.search(ctx.text(fn)) else None
    return None


def _root_ident(call: Node) -> Node | None:
    """`f` in f.Close(), resp.Body.Close(); `cancel` in cancel()."""
    node = S.unparen(call.child_by_field_name("function"))
    while node.type in ("selector_expression", "index_expression"):
        node = S.unparen(node.child_by_field_name("operand"))
    return node if node.type == "identifier" else None


def _values(ctx: FileContext, root: Node) -> list[Node]:
    """The cleaned-up variable, and for a cancel func the context declared with it
    (`ctx, cancel := context.WithTimeout(...)`: the context is what goroutines keep)."""
    decl = declaration_of(ctx, root)
    holder = decl.parent.parent if decl is not None and decl.parent is not None \
        and decl.parent.type == "expression_list" else None
    if holder is None or holder.type != "short_var_declaration":
        return [root]
    return [root, *(n for n in holder.child_by_field_name("left").named_children
                    if n.id != decl.id and n.type == "identifier" and ctx.text(n) != "_")]


def _kept(ctx: FileContext, var: Node, loop: Node) -> bool:
    """The value is kept past its iteration: appended, stored, assigned or sent in the loop,
    used by a goroutine started in the loop, or (declared outside the loop) used after it."""
    fn = S.enclosing_function(loop)
    name = ctx.text(var)
    decl = declaration_of(ctx, var) if not is_declaration(var) else var
    for use in ctx.uses(fn, name, loop.start_byte):
        if decl is not None and declaration_of(ctx, use) is not None and declaration_of(ctx, use).id != decl.id:
            continue  # another variable of the same name
        if use.start_byte >= loop.end_byte:
            if decl is not None and not S.is_within(decl, loop):
                return True  # the last iteration's value is used after the loop
            break
        kind = use_kind(use)
        if kind in ("stored", "assigned", "sent"):
            return True
        if kind == "member" and _selector_kept(use):
            return True  # `ch = timer.C`: a value derived from it outlives the iteration
        if kind == "passed" and _inside_append(ctx, use):
            return True  # appended, maybe wrapped: append(rs, bufio.NewReader(f))
        if any(a.type == "go_statement" for a in S.ancestors(use) if S.is_within(a, loop)):
            return True  # a goroutine started in the loop uses it
    return False


def _selector_kept(use: Node) -> bool:
    """`x.f` (a field, not a call) assigned to a variable or stored."""
    sel = use.parent
    if sel is None or sel.type != "selector_expression" or (
            sel.parent is not None and sel.parent.type == "call_expression"):
        return False
    p = sel.parent
    if p is not None and p.type == "expression_list" and p.parent is not None \
            and p.parent.type in (S.ASSIGNMENT, "short_var_declaration"):
        return p.parent.child_by_field_name("right") is not None and p.parent.child_by_field_name("right").id == p.id \
            and p.parent.type == S.ASSIGNMENT
    return p is not None and p.type in S.ELEMENT_HOLDERS


def _inside_append(ctx: FileContext, use: Node) -> bool:
    for a in S.ancestors(use):
        if a.type == "call_expression" and ctx.call_name(a) == "append" \
                and S.unparen(a.child_by_field_name("function")).type == "identifier":
            return True
        if a.type in S.FUNCTION_TYPES or S.in_statement_list(a):
            return False
    return False


def _collection_used_after(ctx: FileContext, root: Node, loop: Node) -> bool:
    """`for _, t := range ts { defer t.Close() }` with ts used after the loop: the items are
    kept in the collection on purpose."""
    decl = declaration_of(ctx, root)
    clause = next((c for c in loop.named_children if c.type == "range_clause"), None)
    if decl is None or clause is None or not S.is_within(decl, clause.child_by_field_name("left") or clause):
        return False
    coll = S.unparen(clause.child_by_field_name("right"))
    while coll.type == "selector_expression":
        coll = S.unparen(coll.child_by_field_name("operand"))
    if coll.type != "identifier":
        return False
    target = declaration_of(ctx, coll)
    for use in ctx.uses(S.enclosing_function(loop), ctx.text(coll), loop.end_byte):
        d = declaration_of(ctx, use)
        if (d is None and target is None) or (d is not None and target is not None and d.id == target.id):
            return True
    return False


def _acquires_only(ctx: FileContext, loop: Node, stmt: Node) -> bool:
    """The loop body only acquires and collects (calls assigned to variables, appends, Lock
    calls, checks that leave or skip the iteration, defers, also inside `if`s), and the
    function does more work after the loop: the cleanups are meant to last until it returns
    (hold every lock, keep every registration, close the old values once the new are in)."""
    if not _acquiring(ctx, S.statements(loop.child_by_field_name("body"))):
        return False
    after = S.following_statements(loop)
    return any(a.type != "return_statement" or any(n.type == "call_expression" for n in S.walk(a)) for a in after)


def _worked_with(ctx: FileContext, root: Node, loop: Node, stmt: Node) -> bool:
    """The iteration works with the deferred value (or the context declared with its cancel):
    a use in the loop body other than its declaration, the defer, an `if` condition (`ev.err
    != nil`), a statement that stops (`lg.Panic(..., ev.err)`) or a wrapping kept past the
    iteration (`clients[i] = newClient(conn)`). `in, _ := f.Open(); defer
    in.Close(); io.ReadAll(in)` reads it in the loop, so nothing after the loop needs it open."""
    fn = S.enclosing_function(loop)
    body = loop.child_by_field_name("body")
    called = root.parent is not None and root.parent.type == "call_expression"  # cancel(): its context counts too
    for v in _values(ctx, root) if called else [root]:
        decl = v if is_declaration(v) else declaration_of(ctx, v)
        for use in ctx.uses(fn, ctx.text(v), body.start_byte):
            if use.start_byte >= body.end_byte:
                break
            if is_declaration(use) or use_kind(use) == "target" or S.is_within(use, stmt):
                continue
            other = declaration_of(ctx, use)
            if decl is not None and other is not None and other.id != decl.id:
                continue  # another variable of the same name
            if not any(_checks_or_stops(ctx, a, use) or _wraps_into_kept(ctx, a, use, loop)
                       for a in S.ancestors(use) if S.is_within(a, body)):
                return True
    return False


def _wraps_into_kept(ctx: FileContext, node: Node, use: Node, loop: Node) -> bool:
    """`clients[i] = newClient(conn)`: the value, wrapped, goes into an element, a field or a
    variable declared outside the loop (kept for after it), not used up in the iteration."""
    if node.type not in (S.ASSIGNMENT, "short_var_declaration"):
        return False
    left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
    if left is None or right is None or not S.is_within(use, right):
        return False
    for t in left.named_children:
        if t.type in ("index_expression", "selector_expression"):
            return True
        d = declaration_of(ctx, t) if t.type == "identifier" and node.type == S.ASSIGNMENT else None
        if d is not None and not S.is_within(d, loop):
            return True
    return False


def _checks_or_stops(ctx: FileContext, node: Node, use: Node) -> bool:
    if node.type == "if_statement":
        cond = node.child_by_field_name("condition")
        return cond is not None and S.is_within(use, cond) and use_kind(use) != "passed"  # not `if wait(sctx)`
    return node.type == "expression_statement" and flow.terminates(ctx, node)


def _acquiring(ctx: FileContext, stmts: list[Node]) -> bool:
    for s in stmts:
        if s.type in ("defer_statement", "continue_statement", "break_statement", "return_statement"):
            continue
        if s.type in ("short_var_declaration", S.ASSIGNMENT):
            op = next((c for c in s.children if not c.is_named and c.type in ("=", ":=")), None)
            right = s.child_by_field_name("right")
            if op is None or right is None or not all(_acquired(S.unparen(v)) for v in right.named_children):
                return False
            continue
        if s.type == "if_statement":
            init = s.child_by_field_name(S.INIT)
            alt = s.child_by_field_name(S.ELSE)
            if init is not None and not _acquiring(ctx, [init]):
                return False
            if not _acquiring(ctx, S.statements(s.child_by_field_name(S.THEN))):
                return False
            if alt is not None and not _acquiring(ctx, S.statements(alt) if alt.type == "block" else [alt]):
                return False
            continue
        if s.type == "expression_statement" and s.named_children and s.named_children[0].type == "call_expression" \
                and ctx.call_name(s.named_children[0]) in ("Lock", "RLock"):
            continue
        if flow.terminates(ctx, s):
            continue  # panic, log.Fatal, zap's lg.Panic: an error check that stops
        return False
    return True


def _acquired(value: Node) -> bool:
    """A value an acquiring loop takes: a call's result, an element, a receive (`<-started`)."""
    if value.type in ("call_expression", "index_expression"):
        return True
    op = value.child_by_field_name("operator") if value.type == "unary_expression" else None
    return op is not None and op.type == "<-"


def _literal_argument(ctx: FileContext, stmt: Node, root: Node) -> Node:
    """For `defer func(x T) { ... x.Close() }(v)`, the argument v that the parameter x holds."""
    call = stmt.named_children[0]
    lit = S.unparen(call.child_by_field_name("function"))
    decl = declaration_of(ctx, root)
    if lit.type != S.FUNC_LITERAL or decl is None or not S.is_within(decl, lit.child_by_field_name("parameters")):
        return root
    names = [n for p in lit.child_by_field_name("parameters").named_children
             for n in p.children_by_field_name("name")]
    args = [a for a in call.child_by_field_name("arguments").named_children if a.type != "comment"]
    i = next((i for i, n in enumerate(names) if n.id == decl.id), None)
    if i is None or i >= len(args) or S.unparen(args[i]).type != "identifier":
        return root
    return S.unparen(args[i])


def _on_error_only(ctx: FileContext, stmt: Node) -> bool:
    """`defer func() { if err == nil { return }; x.Close() }()`: a guard that cleans up only
    when the function fails (on success the deferred call does nothing)."""
    call = stmt.named_children[0]
    lit = S.unparen(call.child_by_field_name("function"))
    if lit.type != S.FUNC_LITERAL:
        return False
    first = next(iter(S.statements(lit.child_by_field_name("body"))), None)
    if first is None or first.type != "if_statement":
        return False
    cond = ctx.text(first.child_by_field_name("condition")).replace(" ", "")
    cons = S.statements(first.child_by_field_name(S.THEN))
    return "err==nil" in cond and bool(cons) and cons[-1].type == "return_statement"


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


_NO_FIX = ("no automatic fix: a function around the body changes what its return, break and continue mean, "
           "and a call at the end of the iteration must cover every early exit")


def _message(ctx: FileContext, stmt: Node, cleanup: Node, relocks: bool) -> str:
    text = display(ctx, cleanup)
    call = stmt.named_children[0]
    what = f"defer {text}" if call.id == cleanup.id else f"a deferred function calling {text}"
    if relocks:
        return (f"{what} in a loop body keeps the lock until the function returns, so the next "
                f"iteration's Lock blocks forever: call {text} at the end of the iteration (and before "
                "every continue), or move the loop body into a function so the deferred call runs each iteration; "
                f"{_NO_FIX}")
    held = "lock stays held" if ctx.call_name(cleanup).lower() in ("unlock", "runlock") else "resource stays open"
    return (f"{what} in a loop body runs only when the function returns, so every iteration's "
            f"{held} until then: move the loop body into a function so the deferred call "
            f"runs each iteration, or call {text} at the end of the iteration (and before every continue); {_NO_FIX}")


class _DeferInFor:
    """A prefilter condition: some `defer` may be in the body of a `for` of its own top-level
    declaration: between a `for` and the `defer`, the braces never close the block that
    holds the `for`, and more are open at the `defer` than at the `for` (braces in strings,
    runes and comments do not count). The declaration starts at the last line before the
    defer that begins with `func `; a backquote or `*/` between the two (a raw string or
    block comment that may hold such a line) makes the condition hold, as a weaker look
    would. Most files with both words have them in different functions, or the defer
    after the loop."""

    _TOKEN = re.compile(
        rb'"(?:[^"\\\n]|\\.)*"|`[^`]*`|\'(?:[^\'\\\n]|\\.)*\'|//[^\n]*|/\*.*?\*/|[{}]'
        rb"|(?<![A-Za-z0-9_\x80-\xff])(?:for|defer)(?![A-Za-z0-9_\x80-\xff])", re.S)

    def search(self, src: bytes) -> bool:
        for i in S.occurrences(src, b"defer"):
            start = max(src.rfind(b"\nfunc ", 0, i), 0)
            end = src.find(b"\n", i)  # (to the line's end: a string or comment the word is in ends there)
            region = src[start : end if end >= 0 else len(src)]
            if b"`" in region or b"*/" in region:
                return True
            if b"for" not in region:
                continue
            if self._in_for(region, i - start):
                return True
        return False

    def _in_for(self, region: bytes, at: int) -> bool:
        """Whether the `defer` at offset `at` of region may be inside a `for` body begun in it."""
        depth = 0
        fors: list[int] = []  # brace depth at each `for` whose block is still open
        for m in self._TOKEN.finditer(region):
            t = m.group()
            if t == b"{":
                depth += 1
            elif t == b"}":
                depth -= 1
                while fors and fors[-1] > depth:
                    fors.pop()
            elif t == b"for":
                fors.append(depth)
            elif t == b"defer" and m.start() == at:
                return any(depth > d for d in fors)
            elif m.start() > at:
                break
        return False  # the defer is in a comment or string: not a statement


RULE = Rule(
    id=ID,
    doc=__doc__,
    find=find,
    triggers=(b"defer",),
    requires=((b"for",), _DeferInFor()),
)
