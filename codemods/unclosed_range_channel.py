"""unclosed-range-channel: a range over a channel that its only producer never closes

## What it does
Finds a local channel (`ch := make(chan T)`, buffered or not) that the function ranges
over (`for v := range ch`) while its only sender is one goroutine literal started once,
and nothing closes it (`close(ch)` appears nowhere in the function). The finding points at
the producer's `go` statement.

## Why is this bad?
A `for range` over a channel ends only when the channel is closed. When the producer
returns without closing it, the ranging goroutine (often the request's own) waits forever.

## Example
```go
results := make(chan Result)
go func() {
	for _, job := range jobs {
		results <- process(job)
	}
}()
for r := range results {
	collect(r)
}
```
Use instead:
```go
results := make(chan Result)
go func() {
	defer close(results)
	for _, job := range jobs {
		results <- process(job)
	}
}()
for r := range results {
	collect(r)
}
```

## Fix safety
`defer close(ch)` becomes the first statement of the producer, so it runs after the
producer's other deferred calls (defers run last-in first-out: a deferred `recover` that
sends a final value still sends before the close). Safe when every send on the channel is
in the producer's own body or in literals it defers or calls in place (not in a literal it
starts with `go` or passes on, which could send after the close: `send on closed
channel`), and when the function receives from the channel only in `for range` loops and
comma-ok receives (a plain `<-ch` would receive zero values forever once the channel is
closed). Otherwise the finding has no fix. No finding when the channel is closed anywhere,
passed to a call, returned, stored, sent or reassigned, when more than one goroutine (or
the function itself) sends on it, when the producer is started in a loop, and in
functions with `goto`.
"""

from __future__ import annotations

from tree_sitter import Node

from codemods import _channels as C
from gofix.analysis import syntax as S
from gofix.analysis.context import FileContext, literal_usage
from gofix.analysis.edits import insert_at_block_start
from gofix.analysis.model import Applicability, Edit, Finding, Fix, Severity
from gofix.analysis.rule import GO_FUNC_LITERAL, Rule

ID = "unclosed-range-channel"


_SENDS = ("send", "select-send")
_RECEIVES = ("range", "recv", "recv-ok", "select-recv", "select-recv-ok")
_CLOSE_SAFE_RECEIVES = ("range", "recv-ok", "select-recv-ok")


def find(ctx: FileContext) -> list[Finding]:
    out = []
    seen: set[int] = set()
    for ident in _ranged_identifiers(ctx):
        decl = C.binding(ctx, ident)
        if decl is None or decl.id in seen:
            continue
        seen.add(decl.id)
        ch = C.channel_of(ctx, decl)
        if ch is None:
            continue  # not a channel made in this function: someone else may close it
        finding = _check(ctx, ch)
        if finding is not None:
            out.append(finding)
    return out


def _ranged_identifiers(ctx: FileContext) -> list[Node]:
    """x in every `for ... range x` whose x is a plain identifier."""
    out = []
    for clause in ctx.token_nodes("range", "range_clause"):
        right = clause.child_by_field_name("right")
        if clause.parent is not None and clause.parent.type == "for_statement" and right is not None \
                and right.type == "identifier":
            out.append(right)
    return out


def _check(ctx: FileContext, ch: C.ChannelDecl) -> Finding | None:
    fn = S.enclosing_function(ch.stmt)
    if fn is None or ctx.has_goto(fn):
        return None  # a goto could start the producer again
    uses = [u for u in C.channel_uses(ctx, ch) if u.kind != "declare"]
    if any(u.kind not in _SENDS + _RECEIVES + ("len", "cap") for u in uses):
        return None  # closed, escapes, or reassigned: not ours
    sends = [u for u in uses if u.kind in _SENDS]
    if not sends:
        return None  # nobody sends: a different bug
    producer = _producer(fn, sends)
    if producer is None:
        return None  # several senders, or a sender that is not one goroutine
    go = C.go_statement_of(producer)
    if C.loops_between(go, ch.stmt):
        return None  # one producer per iteration: closing is their shared business
    ranges = [u for u in uses if u.kind == "range"]
    if any(S.is_within(u.node, producer) for u in ranges):
        return None  # the producer ranges over its own channel
    reason = _fix_blocker(producer, sends, uses)
    fix = None if reason else _fix(ctx, ch, producer)
    message = (f"this goroutine is the only sender on `{ch.name}` and never closes it, so "
               f"`for range {ch.name}` never ends; close the channel when the producer is done")
    if fix is None:
        reason = reason or "the producer's layout leaves no room for a first statement"
        message += f" ({reason}: no automatic fix)"
    return ctx.finding(ID, go, message, Severity.ERROR, fix)


def _producer(fn: Node, sends: list[C.ChannelUse]) -> Node | None:
    """The one goroutine literal, started by a go statement of fn, that holds every send
    (directly or in literals nested in it)."""
    producer = None
    for s in sends:
        lits = C.functions_between(s.node, fn)
        if not lits:
            return None  # fn sends itself
        outer = lits[-1]  # closest to fn
        if literal_usage(outer) != "go":
            return None  # sent from a callback
        if producer is not None and producer.id != outer.id:
            return None  # two producers
        producer = outer
    if producer is None:
        return None
    go = C.go_statement_of(producer)
    enclosing = S.enclosing_function(go)
    if enclosing is None or enclosing.id != fn.id:
        return None
    return producer


_LITERAL_USES = {
    "go": "started by a go statement",
    "passed": "passed to a call",
    "stored": "stored",
    "assigned": "assigned to a variable",
    "returned": "returned",
}


def _fix_blocker(producer: Node, sends: list[C.ChannelUse], uses: list[C.ChannelUse]) -> str | None:
    for s in sends:
        for lit in C.functions_between(s.node, producer):
            how = literal_usage(lit)
            if how not in ("defer", "called"):
                what = _LITERAL_USES.get(how, "used as a value")
                return f"a function literal {what} inside the producer sends too, and could send after the close"
    for u in uses:
        if u.kind in _RECEIVES and u.kind not in _CLOSE_SAFE_RECEIVES:
            return "a plain receive would get zero values forever once the channel is closed"
    return None


def _fix(ctx: FileContext, ch: C.ChannelDecl, producer: Node) -> Fix | None:
    params = producer.child_by_field_name("parameters")
    if params is not None and any(n.type == "identifier" and ctx.text(n) == ch.name for n in S.walk(params)):
        return None  # the producer's parameter shadows the channel's name
    line = f"defer close({ch.name})"
    body = S.function_body(producer)
    if body is None:
        return None
    edit = insert_at_block_start(ctx, body, [line])
    if edit is None:
        edit = _one_line_edit(ctx, producer, line)
    if edit is None:
        return None
    return Fix(f"Add `{line}` as the producer's first statement", (edit,), Applicability.SAFE)


def _one_line_edit(ctx: FileContext, lit: Node, line: str) -> Edit | None:
    """`go func() { ch <- v }()` -> `go func() { defer close(ch); ch <- v }()` when gofmt
    keeps that on one line."""
    stmts = C.one_line_body(ctx, lit)
    if not stmts:
        return None
    if not C.one_line_fits(ctx, lit, [line, *(ctx.text(s) for s in stmts)]):
        return None
    return Edit(stmts[0].start_byte, stmts[0].start_byte, f"{line}; ".encode())


RULE = Rule(id=ID, doc=__doc__, find=find, triggers=(b"chan",), requires=(GO_FUNC_LITERAL, (b"range",), (b"make",)))
