"""unstopped-ticker: a ticker (or a timer raced in a select) is never stopped

## What it does
Finds `t := time.NewTicker(d)` (also `var t = ...` and `t = ...`) with no `t.Stop()` anywhere in
the function, `time.Tick(d)` called outside `main` and `init`, `time.NewTicker(d).C` used
directly (the ticker is dropped, so nothing can stop it), and an unstopped
`t := time.NewTimer(d)` whose channel is received in a `select` that has other cases.

## Why is this bad?
Before Go 1.23 (and with `godebug asynctimerchan=1` on Go 1.23-1.26) a ticker that is not
stopped is never collected: the runtime keeps it, and keeps firing it, for the life of the
process. A timer that loses a select stays in memory until it fires. Since
Go 1.23 unreferenced timers and tickers are collected, so on modules whose `go` line is
>= 1.23 these findings are only hints.

## Example
```go
func poll(done <-chan struct{}) {
	for range time.Tick(time.Second) {
		if check(done) {
			return
		}
	}
}
```
Use instead:
```go
func poll(done <-chan struct{}) {
	ticker := time.NewTicker(time.Second)
	defer ticker.Stop()
	for range ticker.C {
		if check(done) {
			return
		}
	}
}
```

## Fix safety
`defer t.Stop()` after the declaration is safe. Inside a loop body the fix is `t.Stop()` at the
end of the body, only when `t` is declared in that body and no `break`, `continue`, `return`
or `goto` leaves the iteration after it; otherwise no fix. `for range time.Tick(d)` and
`c := time.Tick(d)` become a `NewTicker` with `defer ticker.Stop()`: safe when `d` is a constant
greater than zero, unsafe otherwise (`time.Tick` returns nil for `d <= 0`, where `NewTicker`
panics). Other shapes of `time.Tick` get no fix. No fix either when the ticker or its channel
is used by a goroutine or a callback, returned, stored or sent (a deferred Stop would leave a
goroutine blocked on a channel that never ticks again: Stop does not close it), or in a
function with `goto`. A ticker that is returned, stored or passed whole to a call is someone
else's to stop: no finding.
"""

from __future__ import annotations

from tree_sitter import Node

from codemods import _timers as T
from gofix.analysis import (
    Applicability,
    Edit,
    FileContext,
    Finding,
    Fix,
    Rule,
    Severity,
    insert_after_statement,
    insert_at_block_end,
    insert_before_statement,
    replace_node,
    use_kind,
)
from gofix.analysis import syntax as S
from gofix.analysis.flow import loop_exits, never_returns, paths_missing
from gofix.analysis.scope import binding, is_declaration
from gofix.analysis.shapes import assignment_of

ID = "unstopped-ticker"



def find(ctx: FileContext) -> list[Finding]:
    out = []
    for call in ctx.selector_calls("NewTicker", "Tick", "NewTimer"):
        if not ctx.is_pkg_call(call, "time", "NewTicker", "Tick", "NewTimer"):
            continue
        fn = S.enclosing_function(call)
        if fn is None:
            continue  # a package-level variable: created once, lives as long as the program anyway
        if _never_leaves(ctx, fn, call):
            continue  # the function never returns once it made the ticker: it is never dropped (SA1015 agrees)
        name = ctx.call_name(call)
        finding = None
        if name == "Tick":
            finding = _tick(ctx, fn, call)
        elif name == "NewTicker" and _channel_of(call) is not None:
            finding = _dropped_ticker(ctx, fn, call)
        else:
            finding = _variable(ctx, fn, call, name)
        if finding is not None:
            out.append(finding)
    return out


def _never_leaves(ctx: FileContext, fn: Node, call: Node) -> bool:
    """Whether no path from the statement that makes the ticker reaches a return or the end
    of fn: fn never returns, or an endless loop follows (`for { ... }`, or ranging over a
    tick channel, which is never closed, with no return, break or goto out of it)."""
    if never_returns(ctx, fn) or _ends_in_tick_loop(ctx, fn):
        return True
    stmt = S.statement_of(call)
    if S.enclosing_function(stmt) is None or S.enclosing_function(stmt).id != fn.id:
        return False
    return not paths_missing(ctx, stmt, lambda c: False)


def _ends_in_tick_loop(ctx: FileContext, fn: Node) -> bool:
    body = fn.child_by_field_name("body")
    stmts = S.statements(body)
    if not stmts or any(n.type == "return_statement" for n in _returns(body)):
        return False
    last = stmts[-1]
    while last.type == "labeled_statement":
        last = last.named_children[-1]
    return last.type == "for_statement" and _ranges_over_ticks(ctx, last) and not loop_exits(last)


def _returns(root: Node) -> list[Node]:
    out, stack = [], [root]
    while stack:
        n = stack.pop()
        if n.type == S.FUNC_LITERAL:
            continue
        if n.type == "return_statement":
            out.append(n)
        stack.extend(n.named_children)
    return out


def _ranges_over_ticks(ctx: FileContext, loop: Node) -> bool:
    """`for range time.Tick(d)`, `for range t.C`, `for range time.NewTicker(d).C`: a channel
    nothing closes, so the loop only ends by a jump out of it."""
    clause = next((c for c in loop.named_children if c.type == "range_clause"), None)
    right = S.unparen(clause.child_by_field_name("right")) if clause is not None else None
    if right is None:
        return False
    if right.type == "call_expression":
        return ctx.is_pkg_call(right, "time", "Tick")
    if right.type == "selector_expression" and ctx.text(right.child_by_field_name("field")) == "C":
        operand = S.unparen(right.child_by_field_name("operand"))
        return operand.type == "identifier" or ctx.is_pkg_call(operand, "time", "NewTicker")
    return False


def _header_reason(stmt: Node) -> str:
    if stmt.parent is not None and stmt.parent.type == "for_clause":
        return "the channel is declared in a for-loop header, where no cleanup line can follow it"
    return "the call is in an if/switch header, where no cleanup line can follow it"


def _note(ctx: FileContext) -> str:
    return T.version_note(ctx)


# --- t := time.NewTicker(d) / time.NewTimer(d) -------------------------------------------------------


def _assignment(ctx: FileContext, call: Node) -> tuple[Node | None, Node | None, bool]:
    """(statement, assigned identifier, defines) for `t := call`, `var t = call`, `t = call`."""
    a = assignment_of(ctx, call)
    if a is None or len(a.rhs) != 1 or len(a.lhs) != 1 or a.op not in (":=", "=", "var"):
        return None, None, False
    return a.stmt, a.lhs[0], a.defines


def _variable(ctx: FileContext, fn: Node, call: Node, kind: str) -> Finding | None:
    what = "timer" if kind == "NewTimer" else "ticker"
    parent = call.parent
    if parent is not None and parent.type == "expression_statement" and kind == "NewTicker":
        return ctx.finding(ID, call, "the ticker created by time.NewTicker is discarded, so it can never be "
                           "stopped and ticks forever; remove the call or keep the ticker and stop it" + _note(ctx))
    stmt, var, defines = _assignment(ctx, call)
    if stmt is None or var is None or var.type != "identifier":
        return None  # stored in a field, passed, returned...: someone else owns it
    name = ctx.text(var)
    if name == "_":
        if kind == "NewTimer":
            return None
        return ctx.finding(ID, call, "the ticker created by time.NewTicker is discarded, so it can never be "
                           "stopped and ticks forever; remove the call or keep the ticker and stop it" + _note(ctx))
    if not defines and not _declared_locally(ctx, fn, var):
        return None  # a package variable, a named result or a parameter: not ours
    region = _scope_end(stmt, defines, fn)
    uses = [u for u in ctx.uses(fn, name, stmt.end_byte) if u.start_byte < region]
    if _stopped(ctx, fn, name):
        return None
    if any(is_declaration(u) for u in uses):
        return None  # re-declared further down: cannot tell which uses are ours
    for u in uses:
        if use_kind(u) in ("returned", "stored", "sent", "passed", "assigned", "address"):
            return None  # the ticker escapes: its new owner stops it
    derived = _derived_channels(ctx, fn, name, uses)
    if kind == "NewTimer":
        if not any(_in_select_with_others(u) for u in uses):
            return None  # a timer that is waited for fires and is released
        severity = Severity.WARNING
        message = ("the timer created by time.NewTimer is never stopped; when another case of the select wins "
                   "it stays in memory until it fires: stop it when it is no longer needed")
    else:
        severity = Severity.ERROR
        message = ("the ticker created by time.NewTicker is never stopped, so it is never released and keeps "
                   "ticking; stop it when it is no longer needed")
    message += _note(ctx)
    if _assignments(ctx, fn, name, stmt, defines, region) > 1:
        return ctx.finding(ID, call, f"{message}; no automatic fix: `{name}` is assigned more than once, and a "
                           f"deferred Stop would only stop the last {what}", severity)
    fix, why = _stop_fix(ctx, fn, stmt, name, [name, *derived], defines)
    if why:
        message += f"; no automatic fix: {why}"
    return ctx.finding(ID, call, message, severity, fix)


def _assignments(ctx: FileContext, fn: Node, name: str, stmt: Node, defines: bool, region: int) -> int:
    """How many statements assign `name` (stmt included): in its scope after a declaration, in all
    of fn for a plain assignment (a value assigned before it would escape a deferred Stop too)."""
    lo = stmt.start_byte if defines else fn.start_byte
    count = 0
    for u in ctx.uses(fn, name, lo):
        if u.start_byte >= region:
            break
        kind = use_kind(u)
        if kind == "target" or (kind == "declared" and _declares_value(u)):
            count += 1
    return count


def _declares_value(ident: Node) -> bool:
    """ident is declared with a value (`t := ...`, `var t = ...`), not just `var t *time.Ticker`."""
    p = ident.parent
    if p is not None and p.type == "var_spec":
        return p.child_by_field_name("value") is not None
    return p is not None and p.type == "expression_list" and p.parent is not None \
        and p.parent.type == "short_var_declaration"


def _declared_locally(ctx: FileContext, fn: Node, var: Node) -> bool:
    """Whether the variable var refers to is a local of fn (not a parameter or result, not a
    package variable, not a variable of an outer function)."""
    b = binding(ctx, var)
    return b is not None and b.kind not in ("param", "result", "receiver") and b.function.id == fn.id


def _scope_end(stmt: Node, defines: bool, fn: Node) -> int:
    """Where uses of the assigned variable can appear: its block for a declaration, fn otherwise."""
    if defines:
        block = S.block_of(stmt) if S.in_statement_list(stmt) else stmt.parent
        if block is not None:
            return block.end_byte
    return fn.end_byte


def _stopped(ctx: FileContext, fn: Node, name: str) -> bool:
    """Whether `name.Stop()` appears anywhere in fn (nested literals included, deferred or not)."""
    for u in ctx.uses(fn, name):
        sel = u.parent
        if sel is None or sel.type != "selector_expression" or sel.child_by_field_name("operand").id != u.id:
            continue
        field = sel.child_by_field_name("field")
        if field is not None and ctx.text(field) == "Stop":
            return True
    return False


def _derived_channels(ctx: FileContext, fn: Node, name: str, uses: list[Node]) -> list[str]:
    """Variables that hold `name.C` (`c := t.C`): they must not outlive the ticker either."""
    out = []
    for u in uses:
        sel = u.parent
        if sel is None or sel.type != "selector_expression" or ctx.text(sel.child_by_field_name("field")) != "C":
            continue
        rhs = sel.parent
        if rhs is None or rhs.type != "expression_list" or rhs.parent is None:
            continue
        spec = rhs.parent
        if spec.type not in ("short_var_declaration", S.ASSIGNMENT, "var_spec"):
            continue
        left = spec.child_by_field_name("left") if spec.type != "var_spec" else None
        targets = left.named_children if left is not None else spec.children_by_field_name("name")
        idx = rhs.named_children.index(next(c for c in rhs.named_children if c.id == sel.id))
        if idx < len(targets) and targets[idx].type == "identifier" and ctx.text(targets[idx]) != "_":
            out.append(ctx.text(targets[idx]))
    return out


def _in_select_with_others(ident: Node) -> bool:
    """ident is the operand of `ident.C` received in a select case, and the select has other clauses."""
    sel = ident.parent
    if sel is None or sel.type != "selector_expression":
        return False
    recv = sel.parent
    if recv is None or recv.type != "unary_expression":
        return False
    stmt = recv.parent
    clause = stmt.parent if stmt is not None and stmt.type == "receive_statement" else None
    if clause is None or clause.type != S.COMMUNICATION_CASE:
        return False
    return len(T.clauses(clause.parent)) > 1


def _channel_blocker(ctx: FileContext, fn: Node, name: str, after: int) -> str | None:
    """Why `name.C` must outlive the function: returned, stored or sent directly."""
    for u in ctx.uses(fn, name, after):
        sel = u.parent
        if sel is None or sel.type != "selector_expression" or sel.child_by_field_name("operand").id != u.id:
            continue
        if ctx.text(sel.child_by_field_name("field")) != "C":
            continue
        kind = use_kind(sel)
        if kind in ("returned", "stored", "sent"):
            return f"its channel is {kind} and may be used after the function returns"
    return None


def _stop_fix(ctx: FileContext, fn: Node, stmt: Node, name: str, names: list[str],
              defines: bool) -> tuple[Fix | None, str | None]:
    """`defer name.Stop()` after stmt, or `name.Stop()` at the end of the loop body around it."""
    if not S.in_statement_list(stmt):
        return None, _header_reason(stmt)
    if ctx.has_goto(fn):
        return None, "the function uses goto"
    blocker = _channel_blocker(ctx, fn, name, stmt.end_byte)
    if blocker:
        return None, blocker
    scope = (fn.start_byte, fn.end_byte)
    # a variable assigned here but declared earlier may already be used by an earlier defer
    after = stmt.end_byte if defines else fn.start_byte
    loop = S.innermost_loop(stmt, stop=fn)
    if loop is not None:
        body = loop.child_by_field_name("body")
        if not defines or S.block_of(stmt) is None or S.block_of(stmt).id != body.id:
            return None, "it is created in a loop but not declared at the top level of the loop body"
        if S.exits_leaving(S.following_statements(stmt), body):
            return None, "it is created in a loop whose iteration can end early, which would skip a Stop at the end"
        reason = ctx.lifetime_blocker(fn, names, after, None)
        if reason:
            return None, reason
        end = insert_at_block_end(ctx, body, [f"{name}.Stop()"])
        if end is None:
            return None, "the loop body's closing brace does not start its line"
        return Fix(f"Add {name}.Stop() at the end of the loop body", (end,), Applicability.SAFE, scope=scope), None
    defer = insert_after_statement(ctx, stmt, [f"defer {name}.Stop()"])
    if defer is None:
        return None, "other code follows the statement on its line"
    reason = ctx.lifetime_blocker(fn, names, after, defer.start)
    if reason:
        return None, reason
    return Fix(f"Add defer {name}.Stop()", (defer,), Applicability.SAFE, scope=scope), None


# --- time.Tick(d) and time.NewTicker(d).C ----------------------------------------------------------------


def _channel_of(call: Node) -> Node | None:
    """The `call.C` selector around a NewTicker call, or None."""
    sel = call.parent
    if sel is None or sel.type != "selector_expression" or sel.child_by_field_name("operand").id != call.id:
        return None
    field = sel.child_by_field_name("field")
    return sel if field is not None and S.text(field) == "C" else None


def _in_main_or_init(ctx: FileContext, fn: Node) -> bool:
    outer = S.outermost_function(fn) or fn
    if outer.type != "function_declaration":
        return False
    name = ctx.text(outer.child_by_field_name("name"))
    if name == "init":
        return True
    pkg = next((c for c in ctx.root.named_children if c.type == "package_clause"), None)
    return name == "main" and pkg is not None and ctx.text(pkg.named_children[0]) == "main"


def _tick(ctx: FileContext, fn: Node, call: Node) -> Finding | None:
    if _in_main_or_init(ctx, fn):
        return None  # lives as long as the program: that is what time.Tick is for
    message = ("time.Tick creates a ticker that can never be stopped, so it is never released and keeps "
               "ticking after this function returns; use time.NewTicker and stop it") + _note(ctx)
    return _channel_rewrite(ctx, fn, call, call, message, tick=True)


def _dropped_ticker(ctx: FileContext, fn: Node, call: Node) -> Finding | None:
    message = ("time.NewTicker(d).C drops the ticker, so it can never be stopped and keeps ticking after this "
               "function returns; keep the ticker and stop it") + _note(ctx)
    return _channel_rewrite(ctx, fn, call, _channel_of(call), message, tick=False)


def _channel_rewrite(ctx: FileContext, fn: Node, call: Node, chan: Node, message: str, tick: bool) -> Finding:
    """`for range <chan>` and `c := <chan>` get a named ticker; other shapes a finding only."""
    fix, why = _ticker_fix(ctx, fn, call, chan, tick)
    if why:
        message += f"; no automatic fix: {why}"
    return ctx.finding(ID, call, message, Severity.ERROR, fix)


def _ticker_fix(ctx: FileContext, fn: Node, call: Node, chan: Node, tick: bool) -> tuple[Fix | None, str | None]:
    args = call.child_by_field_name("arguments")
    if args is None or args.named_child_count != 1:
        return None, "time.Tick and NewTicker take one argument"
    arg = args.named_children[0]
    parent = chan.parent
    stmt: Node | None = None
    derived: list[str] = []
    if parent is not None and parent.type == "range_clause" and parent.child_by_field_name("right").id == chan.id:
        stmt = T.outer_statement(parent.parent)
    elif parent is not None and parent.type == "expression_list" and parent.named_child_count == 1 \
            and parent.parent is not None and parent.parent.type == "short_var_declaration":
        decl = parent.parent
        left = decl.child_by_field_name("left")
        if left is None or left.named_child_count != 1 or decl.child_by_field_name("right").id != parent.id:
            return None, "only `for range` over the channel and `c := ...` are rewritten"
        stmt = decl
        derived = [ctx.text(left.named_children[0])]
    else:
        return None, "only `for range` over the channel and `c := ...` are rewritten"
    if not S.in_statement_list(stmt):
        return None, _header_reason(stmt)
    if ctx.has_goto(fn):
        return None, "the function uses goto"
    if "\n" in ctx.text(arg):
        return None, "the duration spans several lines"
    ticker = ctx.fresh_name(call, "ticker")
    pkg = ctx.text(call.child_by_field_name("function").child_by_field_name("operand"))
    create = f"{ticker} := {pkg}.NewTicker({ctx.text(arg)})"
    scope = (fn.start_byte, fn.end_byte)
    replace = replace_node(chan, f"{ticker}.C")
    safe = not tick or T.positive_constant(ctx, arg)
    value = T.constant_value(ctx, arg, set()) if tick else None
    if value is not None and value[0] <= 0:
        return None, "the duration is a constant <= 0, for which time.Tick returns nil and NewTicker panics"
    applicability = Applicability.SAFE if safe else Applicability.UNSAFE
    loop = S.innermost_loop(stmt, stop=fn)
    edits: list[Edit]
    if loop is not None:
        body = loop.child_by_field_name("body")
        if S.block_of(stmt) is None or S.block_of(stmt).id != body.id:
            return None, "it is created in a loop, outside the loop body's top level"
        if S.exits_leaving([stmt, *S.following_statements(stmt)], body):
            return None, "it is created in a loop whose iteration can end early, which would skip a Stop at the end"
        reason = ctx.lifetime_blocker(fn, derived, stmt.end_byte, None) if derived else None
        if reason:
            return None, reason
        before = insert_before_statement(ctx, stmt, [create])
        end = insert_at_block_end(ctx, body, [f"{ticker}.Stop()"])
        if before is None or end is None:
            return None, "the statement does not start its line, or the loop body's closing brace does not"
        edits = [before, replace, end]
        title = "Use time.NewTicker and stop it at the end of the loop body"
    else:
        before = insert_before_statement(ctx, stmt, [create, f"defer {ticker}.Stop()"])
        if before is None:
            return None, "the statement does not start its line"
        reason = ctx.lifetime_blocker(fn, derived, stmt.end_byte, before.start) if derived else None
        if reason:
            return None, reason
        edits = [before, replace]
        title = "Use time.NewTicker and defer its Stop"
    if not safe:
        title += " (time.Tick returns nil for a duration <= 0, where NewTicker panics)"
    return Fix(title, tuple(edits), applicability, scope=scope), None


RULE = Rule(
    id=ID,
    doc=__doc__,
    find=find,
    triggers=(b"Tick", b"NewTimer"),
    nolint=("SA1015",),
    timer_rule=True,
)
