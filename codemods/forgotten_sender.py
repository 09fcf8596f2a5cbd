"""forgotten-sender: a goroutine sends on an unbuffered channel that a select may stop reading

## What it does
Finds an unbuffered local channel (`ch := make(chan T)`, also `make(chan T, 0)`) whose
only sends are in one goroutine literal started once (not in a loop), each send executed
at most once (not in a loop inside the goroutine), while the function receives from it
only in `select` statements that have another case. The finding points at the `make`.

## Why is this bad?
When the other case wins (a timeout, a cancelled context) nobody ever receives, and the
goroutine blocks on its send forever, holding everything it references: the classic
goroutine leak.

## Example
```go
errc := make(chan error)
go func() { errc <- srv.Serve(l) }()
select {
case err := <-errc:
	return err
case <-ctx.Done():
	return ctx.Err()
}
```
Use instead:
```go
errc := make(chan error, 1)
go func() { errc <- srv.Serve(l) }()
select {
case err := <-errc:
	return err
case <-ctx.Done():
	return ctx.Err()
}
```
The capacity is the largest number of sends one run of the goroutine can execute; sends
on mutually exclusive paths count once, so it is almost always 1.

## Fix safety
Safe when every send on the channel is a plain send statement (not a `select` case) in
tail position: the last statement executed on its path, followed only by a bare `return`
or the end of the literal; and when the literal's `defer`s only release its own state
(`wg.Done()`; `mu.Unlock()` after its own `mu.Lock()`, and likewise `RUnlock`,
`runtime.UnlockOSThread` after `LockOSThread`, `releaseX()` after `acquireX()`; and
`cancel()`, `Close()` or `Stop()` of values it created). Otherwise the unbuffered send is a synchronization point
(code after it runs only once the receiver has the value) and the fix is unsafe.
No finding when `len(ch)` or `cap(ch)` is used, when the channel is closed, passed to a
call, returned, stored, sent or reassigned, when it is received from outside such a
select (a receive that drains it), when a select in a loop can only leave the loop by
receiving, and in functions with `goto`. Nor when every send is a `select` case whose
select has a `default`, or a case receiving from the same channel (`ctx.Done()`, a `stop`
variable) as one of the receiving select's other cases: the event that makes the receiver
give up releases the sender too (and buffering would skip the cleanup it does there).
"""

from __future__ import annotations

from tree_sitter import Node

from codemods import _channels as C
from gofix.analysis import syntax as S
from gofix.analysis.context import FileContext
from gofix.analysis.model import Applicability, Edit, Finding, Fix, Severity
from gofix.analysis.rule import GO_FUNC_LITERAL, Rule

ID = "forgotten-sender"


_RECEIVES = ("select-recv", "select-recv-ok")
_SENDS = ("send", "select-send")


def find(ctx: FileContext) -> list[Finding]:
    out = []
    for call in ctx.identifier_calls("make"):
        if not _makes_channel(call):
            continue
        finding = _check(ctx, call)
        if finding is not None:
            out.append(finding)
    return out


def _makes_channel(call: Node) -> bool:
    """`make(chan T, ...)`: a channel type among make's arguments."""
    args = call.child_by_field_name("arguments")
    return args is not None and args.type == S.ARGUMENTS and any(a.type == "channel_type" for a in args.named_children)


def _check(ctx: FileContext, call: Node) -> Finding | None:
    ch = C.channel_declaration(ctx, call)
    if ch is None:
        return None  # not `ch := make(chan T)`: not ours
    if ch.capacity is not None and ctx.text(ch.capacity).strip() != "0":
        return None  # already buffered
    fn = S.enclosing_function(ch.stmt)
    if fn is None or _goto_before(ctx, fn, ch.stmt):
        return None  # a goto back to the declaration could run the go statement again
    uses = [u for u in C.channel_uses(ctx, ch) if u.kind != "declare"]
    if any(u.kind not in _SENDS + _RECEIVES for u in uses):
        return None  # len/cap, close, escapes, reassignment or a receive that drains it
    sends = [u for u in uses if u.kind in _SENDS]
    receives = [u for u in uses if u.kind in _RECEIVES]
    if not sends or not receives:
        return None
    lit = _only_goroutine(fn, ch, sends)
    if lit is None:
        return None
    if not all(_select_may_leave(ctx, ch, fn, r) for r in receives):
        return None
    if all(_sender_can_leave(ctx, s, receives) for s in sends):
        return None  # each send is a select that the receiver's other case also releases
    capacity = _max_sends(S.function_body(lit), {s.node.id for s in sends})
    if capacity < 1:
        return None
    safe = all(s.kind == "send" and _in_tail_position(s.node, S.function_body(lit)) for s in sends) \
        and _defers_release_own_state(ctx, lit)
    message = (f"`{ch.name}` is unbuffered and only a goroutine sends on it: when the select takes "
               f"another case nobody receives, and the goroutine blocks on its send forever; "
               f"give the channel a buffer of {capacity}")
    fix = _fix(ctx, ch, capacity, safe)
    if fix is None:
        message += "; no automatic fix: a trailing comma or comment in make(...) is left to a human"
    return ctx.finding(ID, call, message, Severity.ERROR, fix)


def _only_goroutine(fn: Node, ch: C.ChannelDecl, sends: list[C.ChannelUse]) -> Node | None:
    """The goroutine literal that holds every send, started once by a go statement of fn
    and running each send at most once; None otherwise."""
    lit = C.goroutine_literal(sends[0].node)
    if lit is None:
        return None  # sent from the function itself or from a callback
    for s in sends:
        enclosing = S.enclosing_function(s.node)
        if enclosing is None or enclosing.id != lit.id:
            return None  # another goroutine or a nested literal sends too
        if C.loops_between(s.node, lit):
            return None  # a send in a loop may run many times
    go = C.go_statement_of(lit)
    outer = S.enclosing_function(go)
    if outer is None or outer.id != fn.id:
        return None  # started from a nested function: may run many times
    if C.loops_between(go, ch.stmt):
        return None  # started in a loop: one goroutine per iteration
    return lit


def _select_may_leave(ctx: FileContext, ch: C.ChannelDecl, fn: Node, recv: C.ChannelUse) -> bool:
    """The receive is a case of a select in fn with another case that can end the waiting."""
    case = recv.node.parent
    while case is not None and case.type != S.COMMUNICATION_CASE:
        case = case.parent
    select = case.parent if case is not None else None
    if select is None or select.type != "select_statement":
        return False
    if S.enclosing_function(select) is None or S.enclosing_function(select).id != fn.id:
        return False  # received in another goroutine or callback: too far to follow
    others = [c for c in S.case_clauses(select) if c.id != case.id and not _receives_from(c, ch, ctx)]
    if not others:
        return False
    loops = C.loops_between(select, ch.stmt)
    if not loops:
        return True
    outermost = loops[-1]
    return any(_leaves_loop(c.named_children, outermost) or (_falls_out(c) and _left_after(select, outermost))
               for c in others)


def _falls_out(case: Node) -> bool:
    """The case can end without jumping: control goes on after the select."""
    stmts = S.statements(case)
    if not stmts:
        return True
    last = stmts[-1]
    return last.type not in ("continue_statement", "return_statement", "goto_statement") \
        and not S.is_terminating(last, lenient=True)


def _left_after(select: Node, loop: Node) -> bool:
    """A statement after the select, still in the loop's body, that leaves the loop: a
    return, a goto, or a break out of it (the case recorded why; the code after acts on it)."""
    body = loop.child_by_field_name("body")
    cur = select
    while cur is not None and cur.id != loop.id and S.is_within(cur, body):
        for s in S.following_statements(cur):
            if _leaves_loop([s], loop):
                return True
        container = S.block_of(cur)
        if container is None or container.id == body.id:
            return False
        cur = S.statement_of(container)
    return False


def _goto_before(ctx: FileContext, fn: Node, decl: Node) -> bool:
    """A goto in fn whose label is at or before decl (it can run decl again)."""
    if not ctx.has_goto(fn):
        return False
    labels = {ctx.text(n.named_children[0]): n for n in S.walk(fn)
              if n.type == "labeled_statement" and n.named_children}
    for g in S.walk(fn):
        if g.type != "goto_statement" or not g.named_children:
            continue
        label = labels.get(ctx.text(g.named_children[0]))
        if label is None or label.start_byte <= decl.start_byte or S.is_within(decl, label):
            return True
    return False


def _sender_can_leave(ctx: FileContext, send: C.ChannelUse, receives: list[C.ChannelUse]) -> bool:
    """A `case ch <- v:` whose select has a default, or a case receiving from the same
    channel (`ctx.Done()`, `stop`) as one of the receiving select's other cases: when
    that case wins on the receiving side, it releases the sender too."""
    if send.kind != "select-send":
        return False
    select = send.node.parent.parent
    if any(S.is_default_case(c) for c in S.case_clauses(select)):
        return True
    return bool(_release_operands(ctx, select) & set().union(*(_release_operands(ctx, _select_of(r))
                                                                  for r in receives)))


def _select_of(recv: C.ChannelUse) -> Node:
    case = recv.node
    while case.type != S.COMMUNICATION_CASE:
        case = case.parent
    return case.parent


def _release_operands(ctx: FileContext, select: Node) -> set[str]:
    """Texts of the channels a select receives from that name one channel every time they
    are evaluated: a variable or field (`stop`, `s.quit`), or a context's `x.Done()`."""
    out = set()
    for case in select.named_children:
        comm = case.child_by_field_name("communication") if case.type == S.COMMUNICATION_CASE else None
        if comm is None or comm.type != "receive_statement":
            continue
        right = comm.child_by_field_name("right")
        operand = S.unparen(right.child_by_field_name("operand")) if right is not None else None
        if operand is None:
            continue
        if operand.type in ("identifier", "selector_expression") and \
                all(n.type != "call_expression" for n in S.walk(operand)):
            out.add(ctx.text(operand))
        elif operand.type == "call_expression" and ctx.call_name(operand) == "Done" \
                and not operand.child_by_field_name("arguments").named_child_count:
            out.add(ctx.text(operand))
    return out


def _receives_from(case: Node, ch: C.ChannelDecl, ctx: FileContext) -> bool:
    comm = case.child_by_field_name("communication")
    if comm is None:
        return False
    return any(n.type == "identifier" and ctx.text(n) == ch.name for n in S.walk(comm))


def _leaves_loop(nodes: list[Node], loop: Node) -> bool:
    """A return, goto, or break/continue in nodes that ends the loop `loop`."""
    body = loop.child_by_field_name("body")
    stack = list(nodes)
    while stack:
        n = stack.pop()
        if n.type == S.FUNC_LITERAL:
            continue
        if n.type in ("return_statement", "goto_statement"):
            return True
        if n.type in ("break_statement", "continue_statement"):
            target = S.jump_target(n)
            if target is None:
                return True
            if n.type == "break_statement" and (body is None or not S.is_within(target, body)):
                return True
            if n.type == "continue_statement" and not S.is_within(target, loop):
                return True
        if S.is_terminating(n, lenient=True) and n.type == "expression_statement":
            return True  # panic, log.Fatal, os.Exit
        stack.extend(n.named_children)
    return False


# --- capacity: the largest number of sends one run can execute ------------------------------


def _max_sends(body: Node | None, sends: set[int]) -> int:
    fall, exit_, _ = _seq(S.statements(body), sends)
    return max(x for x in (fall, exit_, 0) if x is not None)


# For a statement: the most sends on its paths that fall through, that leave the goroutine
# (return, panic) and that break out of the enclosing switch or select (None: no such path).
Count = tuple[int | None, int | None, int | None]


def _opt_max(*xs: int | None) -> int | None:
    vals = [x for x in xs if x is not None]
    return max(vals) if vals else None


def _plus(x: int | None, n: int) -> int | None:
    return None if x is None else x + n


def _seq(stmts: list[Node], sends: set[int]) -> Count:
    fall: int = 0
    exit_: int | None = None
    brk: int | None = None
    for s in stmts:
        f, e, b = _count(s, sends)
        exit_ = _opt_max(exit_, _plus(e, fall))
        brk = _opt_max(brk, _plus(b, fall))
        if f is None:
            return None, exit_, brk
        fall += f
    return fall, exit_, brk


def _merge(parts: list[Count]) -> Count:
    return (_opt_max(*(p[0] for p in parts)), _opt_max(*(p[1] for p in parts)),
            _opt_max(*(p[2] for p in parts)))


def _count(stmt: Node, sends: set[int]) -> Count:
    t = stmt.type
    if t == "send_statement":
        return (1 if stmt.id in sends else 0), None, None
    if t in ("return_statement", "goto_statement"):
        return None, 0, None
    if t == "break_statement":
        return None, None, 0
    if t in ("continue_statement", "fallthrough_statement"):
        return None, 0, None  # only inside loops (no sends of ours) or handled by the switch
    if t == "expression_statement":
        return (None, 0, None) if S.is_terminating(stmt, lenient=True) else (0, None, None)
    if t == "block":
        return _seq(S.statements(stmt), sends)
    if t == "labeled_statement":
        inner = S.labeled_inner(stmt)
        return _seq([inner] if inner is not None else [], sends)
    if t == "if_statement":
        init = stmt.child_by_field_name(S.INIT)
        pre = (_count(init, sends)[0] or 0) if init is not None else 0
        cons = _count(stmt.child_by_field_name(S.THEN), sends)
        alt_node = stmt.child_by_field_name(S.ELSE)
        alt = _count(alt_node, sends) if alt_node is not None else (0, None, None)
        f, e, b = _merge([cons, alt])
        return _plus(f, pre), _plus(e, pre), _plus(b, pre)
    if t in ("expression_switch_statement", "type_switch_statement", "select_statement"):
        parts = []
        for case in (c for c in stmt.named_children if c.type in S.CASE_TYPES):
            comm = case.child_by_field_name("communication")
            first = 1 if comm is not None and comm.type == "send_statement" and comm.id in sends else 0
            f, e, b = _seq(S.statements(case), sends)
            parts.append((_plus(f, first), _plus(e, first), _plus(b, first)))
        if any(n.type == "fallthrough_statement" for n in S.walk(stmt)):
            total = sum(max(x for x in p if x is not None) for p in parts if any(x is not None for x in p))
            return total, total, None  # cases run into each other: count them all
        if t != "select_statement" and not any(S.is_default_case(c) for c in S.case_clauses(stmt)):
            parts.append((0, None, None))  # no case matches
        f, e, b = _merge(parts)
        return _opt_max(f, b), e, None  # a break leaves the switch or select: it falls through
    # loops and anything else: no send of ours can be inside (checked by the caller)
    return 0, (0 if any(n.type == "return_statement" for n in S.walk(stmt)) else None), None


# --- fix safety --------------------------------------------------------------------------------


def _in_tail_position(send: Node, body: Node | None) -> bool:
    """Nothing runs after send on its path but a bare `return` or the end of the literal."""
    if body is None:
        return False
    cur = send
    while True:
        while cur.parent is not None and cur.parent.type == "labeled_statement":
            cur = cur.parent
        rest = S.following_statements(cur)
        if rest:
            return len(rest) == 1 and rest[0].type == "return_statement" and rest[0].named_child_count == 0
        container = S.block_of(cur)
        if container is None:
            return False
        if container.id == body.id:
            return True
        parent = container.parent
        if parent is None:
            return False
        if container.type in S.CASE_TYPES:
            cur = parent  # the switch or select statement
        elif parent.type == "if_statement":
            cur = parent
            while cur.parent is not None and cur.parent.type == "if_statement":
                cur = cur.parent  # else-if chain
        elif S.in_statement_list(container):
            cur = container  # a bare { ... } block statement
        else:
            return False  # a loop body or another function


def _defers_release_own_state(ctx: FileContext, lit: Node) -> bool:
    for d in S.walk(lit):
        if d.type != "defer_statement":
            continue
        enclosing = S.enclosing_function(d)
        if enclosing is None or enclosing.id != lit.id:
            continue
        call = next((c for c in d.named_children if c.type == "call_expression"), None)
        if call is None or not _releases_own_state(ctx, lit, call):
            return False
    return True


_RELEASES = (("RUnlock", "RLock"), ("Unlock", "Lock"), ("unlock", "lock"), ("Release", "Acquire"),
             ("release", "acquire"))


def _releases_own_state(ctx: FileContext, lit: Node, call: Node) -> bool:
    """A deferred call that only gives back what the literal itself took or made:
    wg.Done(); x.Unlock() after x.Lock() (also RUnlock, UnlockOSThread after
    LockOSThread, releaseX() after acquireX(...)); cancel(), x.Close() and x.Stop() of
    values declared in the literal."""
    args = call.child_by_field_name("arguments")
    if args is None or args.named_child_count:
        return False
    fn = call.child_by_field_name("function")
    if fn is None:
        return False
    recv, name = S.callee_parts(call)
    for release, take in _RELEASES:
        if name.startswith(release):
            return _calls(ctx, lit, recv, take + name[len(release):], before=call.start_byte)
    if fn.type == "identifier":  # cancel(): a cancel function the literal created
        return "cancel" in name.lower() and C.declared_within(ctx, fn, lit)
    if fn.type != "selector_expression":
        return False
    operand = fn.child_by_field_name("operand")
    if operand is None:
        return False
    if name == "Done":
        return True  # wg.Done()
    if name in ("Close", "Stop"):
        return operand.type == "identifier" and C.declared_within(ctx, operand, lit)
    return False


def _calls(ctx: FileContext, lit: Node, recv: str | None, name: str, before: int) -> bool:
    """Whether the literal itself (not a nested function) calls recv.name(...) before `before`."""
    for n in S.walk(lit):
        if n.type == "call_expression" and n.start_byte < before:
            r, called = S.callee_parts(n)
            if r == recv and called == name and S.enclosing_function(n).id == lit.id:
                return True
    return False


def _fix(ctx: FileContext, ch: C.ChannelDecl, capacity: int, safe: bool) -> Fix | None:
    if ch.capacity is not None:
        edit = Edit(ch.capacity.start_byte, ch.capacity.end_byte, str(capacity).encode())
    else:
        args = ch.make.child_by_field_name("arguments")
        typ = next(c for c in args.named_children if c.type == "channel_type")
        if ctx.src[typ.end_byte : args.end_byte - 1].strip() != b"":
            return None  # a trailing comma or comment: leave the layout to a human
        edit = Edit(typ.end_byte, typ.end_byte, f", {capacity}".encode())
    applicability = Applicability.SAFE if safe else Applicability.UNSAFE
    return Fix(f"Make `{ch.name}` buffered (capacity {capacity})", (edit,), applicability)


RULE = Rule(id=ID, doc=__doc__, find=find, triggers=(b"chan",), requires=(GO_FUNC_LITERAL, (b"select",), (b"make",)))
