"""Flow: where control can go, read from the syntax (no CFG is built).

    is_terminating(stmt, lenient=True)        # Go's terminating statements (+ log.Fatal, t.Fatal, ...)
    never_returns_call(ctx, call)             # panic, log.Fatal, ..., and zap's lg.Panic by the receiver's type
    terminates(ctx, stmt)                     # is_terminating, counting the typed calls above
    never_returns(ctx, fn)                    # the body never completes: `for { ... }` with no way out
    exits(ctx, fn)                            # the returns and the fall-off end of fn
    exits_between(a, b)                       # jumps after a and before b that skip b
    always_leaves(stmts, scope)               # running stmts always ends by leaving scope
    loop_exits(loop)                          # return/goto/break statements that leave a loop
    paths_missing(ctx, from_stmt, done)       # exits reachable from from_stmt without `done`
    runs_at_most_once(ctx, node)              # node sits in `if !flag { flag = true; ... }`

Statements inside nested function literals belong to those literals: a `return` there does
not leave the outer function, and their calls do not happen on the outer function's paths
(unless the literal is called in place, deferred or started with `go`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tree_sitter import Node

from gofix.analysis import syntax as S

if TYPE_CHECKING:
    from gofix.analysis.context import FileContext

is_terminating = S.is_terminating
_SWITCHES = frozenset({"expression_switch_statement", "type_switch_statement"})


@dataclass(frozen=True)
class Exit:
    """A way out of a function: kind "return" (node: the return statement), "end" (falling
    off the end; node: the body's closing brace) or "goto" (node: a goto, whose target the
    analysis does not follow: treat it as unknown)."""

    node: Node
    kind: str

    @property
    def line(self) -> int:
        return self.node.start_point.row + 1


def _calls_in(node: Node, into_literals: bool = False) -> Iterable[Node]:
    """call_expression nodes in node, not inside nested function literals (unless
    into_literals, or the literal is called in place: `func() { ... }()`)."""
    stack = [node]
    while stack:
        n = stack.pop()
        if n.type == S.FUNC_LITERAL and not into_literals and n.id != node.id:
            p = n.parent
            while p is not None and p.type == "parenthesized_expression":
                p = p.parent
            if p is None or p.type != "call_expression":
                continue
        if n.type == "call_expression":
            yield n
        stack.extend(reversed(n.named_children))


def _jumps_in(root: Node) -> Iterable[Node]:
    """return/goto/break/continue statements and calls in root, not in nested literals."""
    stack = [root]
    while stack:
        n = stack.pop()
        if n.type == S.FUNC_LITERAL:
            continue
        if n.type in ("return_statement", "goto_statement", "break_statement", "continue_statement"):
            yield n
        stack.extend(n.named_children)


# Methods that never return, by the declared type of their receiver; the method name alone on a
# receiver of unknown type says nothing (an own `Panic` method may just log). From the libraries'
# sources: zap's Panic and Fatal run their terminal hook even when the level is disabled (a
# custom hook must stop the flow, zap's docs say), DPanic panics only in development mode;
# logrus' Panic* always panic, its Fatal* call a replaceable ExitFunc (tests replace it), so
# they are left out; the standard library's log.Logger panics or exits.
_NEVER_RETURNING_METHODS: dict[tuple[str, str], frozenset[str]] = {
    ("go.uber.org/zap", "Logger"): frozenset({"Panic", "Fatal"}),
    ("go.uber.org/zap", "SugaredLogger"): frozenset(
        {"Panic", "Panicf", "Panicw", "Panicln", "Fatal", "Fatalf", "Fatalw", "Fatalln"}),
    ("log", "Logger"): frozenset({"Panic", "Panicf", "Panicln", "Fatal", "Fatalf", "Fatalln"}),
    ("github.com/sirupsen/logrus", "Logger"): frozenset({"Panic", "Panicf", "Panicln"}),
    ("github.com/sirupsen/logrus", "Entry"): frozenset({"Panic", "Panicf", "Panicln"}),
}


def never_returns_call(ctx: FileContext, call: Node | None) -> bool:
    """Whether call (a call_expression) never returns: panic, log.Fatal*, os.Exit, t.Fatal*
    and the like (`is_terminating`'s lenient list), or a method of _NEVER_RETURNING_METHODS
    on a receiver whose declared type is known (`lg.Panic(...)` with `var lg *zap.Logger`)."""
    if call is None or call.type != "call_expression":
        return False
    stmt = call.parent
    if stmt is not None and stmt.type == "expression_statement" and S.is_terminating(stmt, lenient=True):
        return True
    fn = S.unparen(call.child_by_field_name("function"))
    if fn.type != "selector_expression":
        return False
    operand, field = fn.child_by_field_name("operand"), fn.child_by_field_name("field")
    if operand is None or field is None:
        return False
    t = ctx.type_of(operand)
    return t is not None and ctx.text(field) in _NEVER_RETURNING_METHODS.get((t.path, t.base), ())


def terminates(ctx: FileContext, stmt: Node | None) -> bool:
    """`is_terminating(stmt, lenient=True)`, also counting calls that never_returns_call knows by
    their receiver's type, in a statement, a block's last statement, or both branches of an if."""
    if stmt is None:
        return False
    if S.is_terminating(stmt, lenient=True):
        return True
    t = stmt.type
    if t == "expression_statement":
        return bool(stmt.named_children) and never_returns_call(ctx, stmt.named_children[0])
    if t == "block" or t in S.CASE_TYPES:
        stmts = S.statements(stmt)
        return bool(stmts) and terminates(ctx, stmts[-1])
    if t == "if_statement":
        alt = stmt.child_by_field_name(S.ELSE)
        return alt is not None and terminates(ctx, stmt.child_by_field_name(S.THEN)) and terminates(ctx, alt)
    return False


def never_returns(ctx: FileContext, fn: Node) -> bool:
    """Whether a call of fn (a function declaration, method or literal) can never return
    normally: its body has no return statement (outside nested literals) and ends in a
    terminating statement, such as `for { ... }` with no break out of it, `select {}`, a
    panic or log.Fatal / os.Exit."""

    def compute() -> bool:
        body = fn.child_by_field_name("body")
        if body is None:
            return False
        if any(j.type == "return_statement" for j in _jumps_in(body)):
            return False
        stmts = S.statements(body)
        return bool(stmts) and S.is_terminating(stmts[-1], lenient=True)

    return ctx.memo(("gofix.analysis.flow.never_returns", fn.id), compute)


def exits(ctx: FileContext, fn: Node) -> list[Exit]:
    """fn's return statements (not those of nested literals) and, when the body can
    complete normally, its end."""
    body = fn.child_by_field_name("body")
    if body is None:
        return []
    out = [Exit(j, "return") for j in _jumps_in(body) if j.type == "return_statement"]
    stmts = S.statements(body)
    if not stmts or not S.is_terminating(stmts[-1]):
        out.append(Exit(body.children[-1], "end"))
    return sorted(out, key=lambda e: e.node.start_byte)


def exits_between(a: Node, b: Node, calls: bool = True) -> list[Node]:
    """Statements after node a and before node b (both in one function; not inside nested
    literals) that can move control past b without running it: return, goto, a break or
    continue whose target is not between a and b, and (calls=True) calls that never return
    (panic, log.Fatal*, os.Exit, t.Fatal*, ...) as expression statements."""
    lo, hi = a.end_byte, b.start_byte
    fn = S.enclosing_function(a)
    root = fn.child_by_field_name("body") if fn is not None else None
    if root is None:
        return []
    found: list[Node] = []
    stack = [root]
    while stack:
        n = stack.pop()
        if n.end_byte <= lo or n.start_byte >= hi or n.type == S.FUNC_LITERAL:
            continue
        if lo <= n.start_byte and n.end_byte <= hi:
            if n.type in ("return_statement", "goto_statement"):
                found.append(n)
                continue
            if n.type in ("break_statement", "continue_statement"):
                target = S.jump_target(n)
                if target is None or not (lo <= target.start_byte and target.end_byte <= hi):
                    found.append(n)
                continue
            if calls and n.type == "expression_statement" and S.is_terminating(n, lenient=True):
                found.append(n)
                continue
        stack.extend(n.named_children)
    return sorted(found, key=lambda n: n.start_byte)


def always_leaves(stmts: list[Node], scope: Node) -> bool:
    """Whether running stmts (a block's or clause's statements) always ends by leaving
    `scope` (a loop or another statement): a terminating statement (return, goto, panic,
    log.Fatal, ...), or a break whose target is scope or a statement around it; through
    nested blocks and if/else chains whose every branch leaves."""
    if not stmts:
        return False
    last = stmts[-1]
    if S.is_terminating(last, lenient=True):
        return True
    if last.type == "break_statement":
        target = S.jump_target(last)
        return target is not None and S.is_within(scope, target)
    if last.type == "block":
        return always_leaves(S.statements(last), scope)
    if last.type == "if_statement":
        alt = last.child_by_field_name(S.ELSE)
        cons = last.child_by_field_name(S.THEN)
        if alt is None or cons is None:
            return False
        alt_stmts = [alt] if alt.type == "if_statement" else S.statements(alt)
        return always_leaves(S.statements(cons), scope) and always_leaves(alt_stmts, scope)
    return False


def loop_exits(loop: Node) -> list[Node]:
    """The statements that leave `loop` (a for statement): return, goto, and break statements
    bound to it or to a statement around it (labelled), not inside nested literals. A loop
    without a condition and without these never ends."""
    body = loop.child_by_field_name("body")
    if body is None:
        return []
    out = []
    for j in _jumps_in(body):
        if j.type in ("return_statement", "goto_statement"):
            out.append(j)
        elif j.type == "break_statement":
            target = S.jump_target(j)
            if target is None or S.is_within(loop, target):
                out.append(j)
        elif j.type == "continue_statement":
            target = S.jump_target(j)
            if target is not None and target.id != loop.id and S.is_within(loop, target):
                out.append(j)  # continue of an outer loop leaves this one
    return sorted(out, key=lambda n: n.start_byte)


# --- paths that miss a call --------------------------------------------------------------------------


def paths_missing(ctx: FileContext, from_stmt: Node, done: Callable[[Node], bool]) -> list[Exit]:
    """The exits of the function around from_stmt reachable from just after from_stmt on a
    path that runs no call for which done(call_expression) holds, neither directly nor by a
    defer registered on that path (`defer cancel()`, `defer func() { cancel() }()`).

    Paths that end in a panic, log.Fatal*, os.Exit, t.Fatal* and the like are not exits.
    Loops are followed around (a path may go back to the top of the body), labelled
    break/continue included; a goto on a missing path is returned as an Exit of kind
    "goto" (its target is not followed). The exits come in source order; the "end" exit
    is the body's closing brace (the function falls off its end).

    from_stmt may also be a function (declaration or literal): then every path from its
    entry counts (a goroutine's literal that must close something on all its paths)."""
    entry = from_stmt.type in S.FUNCTION_TYPES
    fn = from_stmt if entry else S.enclosing_function(from_stmt)
    body = fn.child_by_field_name("body") if fn is not None else None
    if body is None:
        return []
    walker = _Paths(ctx, from_stmt, done)
    if walker.block(body, entry):
        walker.exit(body.children[-1], "end")
    return sorted(walker.exits.values(), key=lambda e: e.node.start_byte)


class _Paths:
    """Walks a function body in execution order with one bit of state: "some path reaches
    here on which the call has not run yet" (a call, once made, stays made)."""

    def __init__(self, ctx: FileContext, start: Node, done: Callable[[Node], bool]) -> None:
        self.ctx = ctx
        self.start = start
        self.done = done
        self.exits: dict[int, Exit] = {}
        self.breaks: dict[int, bool] = {}
        self.continues: dict[int, bool] = {}

    def exit(self, node: Node, kind: str) -> None:
        self.exits.setdefault(node.id, Exit(node, kind))

    def discharges(self, node: Node | None, into_literals: bool = False) -> bool:
        return node is not None and any(self.done(c) for c in _calls_in(node, into_literals))

    def block(self, node: Node | None, u: bool) -> bool:
        for s in S.statements(node) if node is not None else []:
            u = self.stmt(s, u)
        return u

    def stmt(self, node: Node, u: bool) -> bool:
        out = self._stmt(node, u)
        return True if node.id == self.start.id else out

    def simple(self, node: Node | None, u: bool) -> bool:
        if node is None:
            return u
        if u and self.discharges(node):
            u = False
        return True if node.id == self.start.id else u

    def _stmt(self, node: Node, u: bool) -> bool:
        t = node.type
        if t == "labeled_statement":
            inner = S.labeled_inner(node)
            return self.stmt(inner, u) if inner is not None else u
        if t == "block":
            return self.block(node, u)
        if t == "return_statement":
            if u and not self.discharges(node):
                self.exit(node, "return")
            return False
        if t == "goto_statement":
            if u:
                self.exit(node, "goto")
            return False
        if t in ("break_statement", "continue_statement"):
            target = S.jump_target(node)
            if target is not None:
                table = self.breaks if t == "break_statement" else self.continues
                table[target.id] = table.get(target.id, False) or u
            return False
        if t == "expression_statement":
            u = self.simple(node, u)
            return False if terminates(self.ctx, node) else u
        if t in ("defer_statement", "go_statement"):
            return False if u and self.discharges(node, into_literals=True) else u
        if t == "if_statement":
            u = self.simple(node.child_by_field_name(S.INIT), u)
            if u and self.discharges(node.child_by_field_name("condition")):
                u = False
            then = self.stmt(node.child_by_field_name(S.THEN), u)
            alt = node.child_by_field_name(S.ELSE)
            return (self.stmt(alt, u) if alt is not None else u) or then
        if t == "for_statement":
            return self._loop(node, u)
        if t in _SWITCHES:
            return self._switch(node, u)
        if t == "select_statement":
            cases = [c for c in node.named_children if c.type in S.CASE_TYPES]
            out = False
            for c in cases:
                cu = self.simple(c.child_by_field_name("communication"), u) if c.type == S.COMMUNICATION_CASE else u
                out = self.block(c, cu) or out
            return out or self.breaks.pop(node.id, False)
        return self.simple(node, u)

    def _loop(self, node: Node, u: bool) -> bool:
        clause = next((c for c in node.named_children if c.type in ("for_clause", "range_clause")), None)
        infinite = False
        if clause is None:
            infinite = node.child_by_field_name("condition") is None
        elif clause.type == "for_clause":
            u = self.simple(clause.child_by_field_name(S.INIT), u)
            infinite = clause.child_by_field_name("condition") is None
        else:
            u = self.simple(clause.child_by_field_name("right"), u)
        body = node.child_by_field_name("body")
        entry = u
        for _ in range(2):  # one bit of state: a second pass reaches the fixed point
            self.continues[node.id] = False
            end = self.block(body, entry)
            back = end or self.continues.pop(node.id, False)
            if back and not entry:
                entry = True
                continue
            break
        leave = self.breaks.pop(node.id, False)
        return leave or (entry and not infinite)

    def _switch(self, node: Node, u: bool) -> bool:
        u = self.simple(node.child_by_field_name(S.INIT), u)
        if u and self.discharges(node.child_by_field_name("value") or node.child_by_field_name(S.SWITCH_OPERAND)):
            u = False
        cases = S.case_clauses(node)
        out = not any(S.is_default_case(c) for c in cases) and u
        carry = False
        for c in cases:
            stmts = S.statements(c)
            cu = self.block(c, u or carry)
            if stmts and stmts[-1].type == "fallthrough_statement":
                carry = cu
            else:
                out, carry = out or cu, False
        return out or self.breaks.pop(node.id, False)


# --- "runs at most once per call" ---------------------------------------------------------------------


def runs_at_most_once(ctx: FileContext, node: Node) -> bool:
    """Whether node, even inside a loop, runs at most once per call of its function: it sits
    in the consequence of `if !flag { ... }` / `if flag == false { ... }` / `if flag { ... }`
    / `if x == nil { ... }` whose consequence sets `flag = true` / `flag = false` / `x =
    <non-nil>` (also `x, err = open()`), in the same function, and the flag is not declared
    inside a loop around the branch (it would be reset every iteration)."""
    from gofix.analysis.scope import declared_at

    for a in S.ancestors(node):
        if a.type in S.FUNCTION_TYPES:
            return False
        if a.type != "block" or a.parent is None or a.parent.type != "if_statement":
            continue
        if_stmt = a.parent
        cons = if_stmt.child_by_field_name(S.THEN)
        if cons is None or cons.id != a.id:
            continue
        guard = _guard(ctx, S.unparen(if_stmt.child_by_field_name("condition")))
        if guard is None:
            continue
        name, closed_by = guard
        b = declared_at(ctx, name.split(".")[0], if_stmt)
        if b is not None and any(x.type == "for_statement" and S.is_within(x, b.function) and S.is_within(b.ident, x)
                                 and S.is_within(if_stmt, x) for x in S.ancestors(if_stmt)):
            continue  # a flag of the iteration
        if any(_closes(ctx, s, name, closed_by) for s in S.walk(cons)
               if s.type == S.ASSIGNMENT and S.enclosing_function(s) == S.enclosing_function(cons)):
            return True
    return False


def _closes(ctx: FileContext, stmt: Node, name: str, closed_by: Callable[[str], bool]) -> bool:
    """`name = v` with closed_by(v), or `name, err = f()` (one call for several targets)."""
    left, right = stmt.child_by_field_name("left"), stmt.child_by_field_name("right")
    if left is None or right is None:
        return False
    targets, values = left.named_children, right.named_children
    for i, t in enumerate(targets):
        if ctx.text(t) != name:
            continue
        if len(values) == len(targets):
            return closed_by(ctx.text(values[i]))
        return len(values) == 1 and S.unparen(values[0]).type == "call_expression" and closed_by("<call>")
    return False


def _guard(ctx: FileContext, cond: Node | None) -> tuple[str, Callable[[str], bool]] | None:
    """(flag, "does this value close the guard") for `!flag`, `flag == false`, `x == nil`."""
    if cond is None:
        return None
    if cond.type in ("identifier", "selector_expression"):
        return ctx.text(cond), lambda v: v == "false"  # if first { first = false; ... }
    if cond.type == "unary_expression":
        op = cond.child_by_field_name("operator")
        inner = S.unparen(cond.child_by_field_name("operand"))
        if op is not None and op.type == "!" and inner.type in ("identifier", "selector_expression"):
            return ctx.text(inner), lambda v: v == "true"
    if cond.type == "binary_expression":
        op = cond.child_by_field_name("operator")
        left, right = S.unparen(cond.child_by_field_name("left")), S.unparen(cond.child_by_field_name("right"))
        if op is not None and op.type == "==" and left.type in ("identifier", "selector_expression"):
            if ctx.text(right) == "false":
                return ctx.text(left), lambda v: v == "true"
            if S.is_nil(right):
                return ctx.text(left), lambda v: v != "nil"
    return None
