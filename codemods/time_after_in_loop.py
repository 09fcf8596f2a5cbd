"""time-after-in-loop: time.After in a select inside a loop starts a timer on every iteration

## What it does
Finds `time.After(d)` used as the receive operand of a `select` case (`case <-time.After(d):`,
`case v := <-time.After(d):`) where the `select` sits inside a `for` loop of the same function,
and `timeout := time.After(d)` inside a loop whose only use is one receive case of a `select`.

## Why is this bad?
Before Go 1.23 every call starts a timer that lives until it fires, even when another case
won long ago: a busy loop with a long timeout piles up timers and memory (200,000 iterations
with a one-hour timeout keep about 54 MB alive). Since Go 1.23 unreferenced timers are
collected, so on modules whose `go` line is >= 1.23 (without `godebug asynctimerchan=1`) the
finding is only a hint.

## Example
```go
for order := range orderCh {
	select {
	case <-time.After(5 * time.Second):
		log.Println("timeout", order)
	case result := <-process(order):
		handle(result)
	}
}
```
Use instead:
```go
for order := range orderCh {
	timer := time.NewTimer(5 * time.Second)
	select {
	case <-timer.C:
		log.Println("timeout", order)
	case result := <-process(order):
		timer.Stop()
		handle(result)
	}
}
```

## Options
`style = "context"` (`--option time-after-in-loop.style=context`, or `style = "context"` under
`[rules.time-after-in-loop]` in `.gofix.toml`) rewrites to
`tctx, cancel := context.WithTimeout(parent, d)`, `case <-tctx.Done():` and `cancel()` first in
every clause instead, where `parent` is the function's `context.Context` parameter (else
`context.Background()`). Where that rewrite is not offered (a case that receives a value, a
timeout clause that can continue the loop, several `time.After` in one select), the timer
rewrite is used.

## Fix safety
Safe: the `NewTimer` statement goes right before the `select` (before its label), each
`time.After` operand becomes `timer.C` (one timer per `time.After`), and `timer.Stop()` becomes
the first statement of every other clause. A `select` evaluates all its operands once, in source
order, on entry; moving the timer in front of them is only safe when the `time.After` clause
comes first or when `d` and every operand of the clauses before it are free of calls and
receives (conversions, `len`, `cap` and a no-argument `.Done()` allowed). Otherwise, and in
functions with `goto`, the finding has no fix. `timeout := time.After(d)` becomes
`time.NewTimer(d)` in place when the select runs exactly once per timer; when it runs in an
inner loop (an overall deadline) stopping the timer would remove the deadline: no fix. The
context style is unsafe: the parent's cancellation now also fires the timeout case.
"""

from __future__ import annotations

from dataclasses import dataclass

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
    ensure_import,
    insert_before_statement,
    remove_import,
    replace_node,
)
from gofix.analysis import syntax as S
from gofix.analysis.flow import always_leaves
from gofix.analysis.options import Choice
from gofix.analysis.scope import binding, declared_at, is_declaration, shadowed

ID = "time-after-in-loop"


LEAK = ("time.After in a select inside a loop starts a new timer on every iteration, and each one "
        "stays in memory until it fires even when another case wins; use time.NewTimer and stop it")
LEAK_STATEMENT = ("time.After inside a loop starts a new timer on every iteration, and each one stays in "
                  "memory until it fires even when the select takes another case; use time.NewTimer and stop it")


def find(ctx: FileContext) -> list[Finding]:
    selects: dict[int, tuple[Node, list[Node]]] = {}
    out: list[Finding] = []
    for call in ctx.selector_calls("After"):
        if not ctx.is_pkg_call(call, "time", "After"):
            continue  # a method or another package's After
        fn = S.enclosing_function(call)
        if fn is None:
            continue  # package-level initializer: runs once
        clause = _case_of(call)
        if clause is not None:
            select = clause.parent
            if S.innermost_loop(select, stop=fn) is None:
                continue  # not in a loop of this function: one timer per call of the function
            selects.setdefault(select.id, (select, []))[1].append(call)
            continue
        finding = _statement_form(ctx, fn, call)
        if finding is not None:
            out.append(finding)
    for select, calls in selects.values():
        out.extend(_select_form(ctx, select, calls))
    return out


# --- `case <-time.After(d):` --------------------------------------------------------------------------


def _case_of(call: Node) -> Node | None:
    """The communication_clause whose receive operand is call (parentheses allowed), or None."""
    node = call
    while node.parent is not None and node.parent.type == "parenthesized_expression":
        node = node.parent
    recv = node.parent
    if recv is None or recv.type != "unary_expression":
        return None
    op = recv.child_by_field_name("operator")
    if op is None or op.type != "<-":
        return None
    stmt = recv.parent
    if stmt is None or stmt.type != "receive_statement" or stmt.child_by_field_name("right") is None \
            or stmt.child_by_field_name("right").id != recv.id:
        return None
    clause = stmt.parent
    if clause is None or clause.type != S.COMMUNICATION_CASE:
        return None
    return clause


def _operands(clause: Node) -> list[Node]:
    """The expressions a select evaluates on entry for one clause: the channel of a receive,
    the channel and value of a send (not the left-hand side of a receive)."""
    comm = clause.child_by_field_name("communication")
    if comm is None:
        return []
    if comm.type == "receive_statement":
        right = comm.child_by_field_name("right")
        if right is not None and right.type == "unary_expression":
            return [right.child_by_field_name("operand")]  # the channel of `<-ch`
        return [right] if right is not None else []
    if comm.type == "send_statement":
        return [n for n in (comm.child_by_field_name("channel"), comm.child_by_field_name("value")) if n is not None]
    # a bare `case <-ch:` is parsed as a receive_statement too; anything else: the expression itself
    return [comm]


@dataclass
class _Plan:
    hoisted: list[tuple[Node, Node]]  # (clause, call) whose timer moves before the select
    kept: list[tuple[Node, Node, str]]  # (clause, call, why) left in place


def _plan(ctx: FileContext, select: Node, calls: list[Node]) -> _Plan:
    """Which time.After calls can start their timer before the select without a visible change
    in evaluation order. Hoisted timers keep their relative order, so a prefix made only of
    hoisted clauses evaluates nothing else first."""
    ours = {c.id: c for c in calls}
    plan = _Plan([], [])
    only_hoisted_before = True
    quiet_before = True
    for clause in T.clauses(select):
        call = next((c for c in map(S.unparen, _receive_operand(clause)) if c.id in ours), None)
        if call is not None:
            args = call.child_by_field_name("arguments")
            if _suppressed(ctx, call):
                plan.kept.append((clause, call, "suppressed"))  # the engine drops its finding
            elif args is None or args.named_child_count != 1:
                plan.kept.append((clause, call, "time.After must take one argument"))
            elif only_hoisted_before or (quiet_before and T.is_quiet(ctx, args)):
                plan.hoisted.append((clause, call))
                continue
            else:
                plan.kept.append((clause, call, "an earlier case of the select, or the duration, calls a function "
                                  "or receives, and a timer started before the select would change the order "
                                  "in which they run"))
            only_hoisted_before = quiet_before = False
            continue
        only_hoisted_before = False
        quiet_before = quiet_before and all(T.is_quiet(ctx, op) for op in _operands(clause))
    return plan


def _suppressed(ctx: FileContext, call: Node) -> bool:
    """Whether the engine will drop this call's finding (`//gofix:ignore` and friends): then the
    select's shared fix must leave that time.After alone too."""
    return ctx.suppressed(ID, call)


def _receive_operand(clause: Node) -> list[Node]:
    comm = clause.child_by_field_name("communication")
    if comm is None or comm.type != "receive_statement":
        return []
    right = comm.child_by_field_name("right")
    if right is None or right.type != "unary_expression":
        return []
    operand = right.child_by_field_name("operand")
    return [operand] if operand is not None else []


def _select_form(ctx: FileContext, select: Node, calls: list[Node]) -> list[Finding]:
    fn = S.enclosing_function(select)
    plan = _plan(ctx, select, calls)
    message = LEAK + T.version_note(ctx)
    fix, why = _select_fix(ctx, fn, select, plan)
    out = []
    for clause, call in plan.hoisted:
        text = message if fix is not None or why is None else f"{message}; no automatic fix: {why}"
        out.append(ctx.finding(ID, call, text, Severity.ERROR, fix))
    for clause, call, reason in plan.kept:
        out.append(ctx.finding(ID, call, f"{message}; no automatic fix: {reason}", Severity.ERROR))
    return out


def _select_fix(ctx: FileContext, fn: Node, select: Node, plan: _Plan) -> tuple[Fix | None, str | None]:
    """One fix for the whole select (every finding of the select carries the same Fix object,
    so the engine applies it once and counts it for each)."""
    if not plan.hoisted:
        return None, None
    if ctx.has_goto(fn):
        return None, "the function uses goto, which could jump back into the rewritten select"
    stmt = T.outer_statement(select)
    if not S.in_statement_list(stmt):
        return None, None
    if ctx.option(ID, "style", "timer") == "context":
        fix = _context_fix(ctx, fn, select, stmt, plan)
        if fix is not None:
            return fix, None
    names: list[str] = []
    for _, call in plan.hoisted:
        names.append(ctx.fresh_name(select, "timer", taken=set(names)))
    decls = []
    edits: list[Edit] = []
    own = {clause.id: name for (clause, _), name in zip(plan.hoisted, names)}
    for (clause, call), name in zip(plan.hoisted, names):
        pkg = _pkg_of(ctx, call)
        arg = ctx.text(call.child_by_field_name("arguments").named_children[0])
        if "\n" in arg:
            return None, None  # a multi-line duration: not re-indented by hand
        decls.append(f"{name} := {pkg}.NewTimer({arg})")
        edits.append(replace_node(call, f"{name}.C"))
    before = insert_before_statement(ctx, stmt, decls)
    if before is None:
        return None, None
    stops = T.insert_first_in_clauses(
        ctx, [(c, [f"{n}.Stop()" for n in names if n != own.get(c.id)]) for c in T.clauses(select)])
    if stops is None:
        return None, None
    title = "Use time.NewTimer and stop it in the other cases"
    return Fix(title, (before, *edits, *stops), Applicability.SAFE, scope=(fn.start_byte, fn.end_byte)), None


def _pkg_of(ctx: FileContext, call: Node) -> str:
    """The name under which this file calls package time (`time`, or an alias such as `stdtime`)."""
    return ctx.text(call.child_by_field_name("function").child_by_field_name("operand"))


# --- style = "context" ---------------------------------------------------------------------------------


def _context_fix(ctx: FileContext, fn: Node, select: Node, stmt: Node, plan: _Plan) -> Fix | None:
    if len(plan.hoisted) != 1 or plan.kept:
        return None  # several timers in one select: one context each would be confusing
    clause, call = plan.hoisted[0]
    recv = clause.child_by_field_name("communication")
    if recv is None or recv.child_by_field_name("left") is not None:
        return None  # `case t := <-time.After(d)`: t would change type
    loop = S.innermost_loop(select, stop=fn)
    if loop is None or not always_leaves(S.statements(clause), loop):
        return None  # with a cancelled parent the case would fire at once on every iteration
    ctx_pkg = ctx.local_name("context")
    import_edit = None
    if ctx_pkg is None:
        ctx_pkg, import_edit = ensure_import(ctx, "context")
        if _mentions(ctx, fn, ctx_pkg):
            return None  # a local `context` would hide the new import
    elif _declared_around(ctx, select, ctx_pkg):
        return None  # `context` means a local variable at the select
    parent = _parent_context(ctx, fn, select, ctx_pkg) or f"{ctx_pkg}.Background()"
    tctx = ctx.fresh_name(select, "tctx")
    cancel = ctx.fresh_name(select, "cancel", taken={tctx})
    arg = ctx.text(call.child_by_field_name("arguments").named_children[0])
    if "\n" in arg:
        return None
    before = insert_before_statement(ctx, stmt, [f"{tctx}, {cancel} := {ctx_pkg}.WithTimeout({parent}, {arg})"])
    stops = T.insert_first_in_clauses(ctx, [(c, [f"{cancel}()"]) for c in T.clauses(select)])
    if before is None or stops is None:
        return None
    edits = [before, replace_node(call, f"{tctx}.Done()"), *stops]
    time_pkg = _pkg_of(ctx, call)
    if not _other_time_uses(ctx, time_pkg, call):
        edits += _swap_imports(ctx, import_edit)
    elif import_edit is not None:
        edits.append(import_edit)
    title = "Use context.WithTimeout and cancel it in every case"
    # imports change: keep this fix alone in its pass so that the next one sees the new imports
    return Fix(title, tuple(edits), Applicability.UNSAFE, scope=(0, len(ctx.src)))


def _declared_around(ctx: FileContext, at: Node, name: str) -> bool:
    return shadowed(ctx, name, at, package=False)


def _mentions(ctx: FileContext, fn: Node, name: str) -> bool:
    outer = S.outermost_function(fn) or fn
    return bool(ctx.uses(outer, name)) or name in ctx.package_level_names


def _parent_context(ctx: FileContext, fn: Node, select: Node, ctx_pkg: str) -> str | None:
    """The name of fn's first named context.Context parameter, unless re-declared before select."""
    params = fn.child_by_field_name("parameters")
    if params is None:
        return None
    for decl in params.named_children:
        if decl.type != "parameter_declaration":
            continue
        typ = decl.child_by_field_name("type")
        if typ is None or typ.type != S.QUALIFIED_TYPE:
            continue
        pkg = typ.child_by_field_name("package")
        name = typ.child_by_field_name("name")
        if pkg is None or name is None or ctx.text(pkg) != ctx_pkg or ctx.text(name) != "Context":
            continue
        for ident in decl.children_by_field_name("name"):
            pname = ctx.text(ident)
            if pname == "_":
                continue
            # the parameter, unless the name is declared again before the select
            param = binding(ctx, ident)
            redeclared = any(is_declaration(u) and binding(ctx, u) != param for u in ctx.uses(fn, pname)
                             if u.id != ident.id and u.start_byte < select.start_byte)
            return None if redeclared or declared_at(ctx, pname, select) != param else pname
    return None


def _other_time_uses(ctx: FileContext, pkg: str, call: Node) -> bool:
    """Whether the file refers to package time anywhere but in call's `time.After`."""
    skip = call.child_by_field_name("function").child_by_field_name("operand").id
    for n in ctx.nodes_of_type("identifier", "package_identifier"):
        if n.id == skip or n.type not in ("identifier", "package_identifier") or ctx.text(n) != pkg:
            continue
        if n.type == "package_identifier":
            if n.parent is None or n.parent.type != "import_spec":
                return True  # a type such as time.Duration
            continue
        parent = n.parent
        if parent is not None and parent.type == "selector_expression" \
                and parent.child_by_field_name("operand").id == n.id and ctx.resolves_to_import(n, "time"):
            return True
    return False


def _swap_imports(ctx: FileContext, add_context: Edit | None) -> list[Edit]:
    """Edits that drop the time import and, with add_context, add the context one; a
    declaration left with one spec is written on one line, as people do."""
    for decl in (d for d in ctx.root.named_children if d.type == "import_declaration"):
        specs = [s for s in S.walk(decl) if s.type == "import_spec"]
        time_spec = next((s for s in specs if ctx.text(s.child_by_field_name("path")).strip('"`') == "time"), None)
        if time_spec is None:
            continue
        others = [s for s in specs if s.id != time_spec.id]
        if any(c.type == "comment" for c in S.walk(decl)):
            break  # comments in the import block: the generic edits below keep them
        if add_context is not None and not others:
            return [replace_node(decl, 'import "context"')]
        if add_context is None and len(others) == 1:
            return [replace_node(decl, f"import {ctx.text(others[0])}")]
        break
    removal = remove_import(ctx, "time")
    return [e for e in (removal, add_context) if e is not None]


# --- `timeout := time.After(d)` ------------------------------------------------------------------------


def _statement_form(ctx: FileContext, fn: Node, call: Node) -> Finding | None:
    rhs = call.parent
    stmt = rhs.parent if rhs is not None and rhs.type == "expression_list" else None
    if stmt is None or stmt.type != "short_var_declaration" or rhs.named_child_count != 1:
        return None  # `<-time.After(d)` as a sleep, an argument, ...: not this pattern
    left = stmt.child_by_field_name("left")
    if left is None or left.named_child_count != 1 or left.named_children[0].type != "identifier":
        return None
    var = left.named_children[0]
    name = ctx.text(var)
    if name == "_":
        return None
    if S.innermost_loop(stmt, stop=fn) is None:
        return None  # created once per call: an overall deadline, not a pile-up
    scope = S.block_of(stmt) if S.in_statement_list(stmt) else stmt.parent
    if scope is None:
        return None
    uses = [u for u in ctx.uses(fn, name, stmt.end_byte) if u.end_byte <= scope.end_byte]
    if not uses or any(is_declaration(u) for u in uses):
        return None  # re-declared further down: not sure which uses are ours
    cases = [_case_of(u) for u in uses]
    if any(c is None for c in cases):
        return None  # used outside select cases (a sleep, passed on, ...): not this pattern
    message = LEAK_STATEMENT + T.version_note(ctx)
    if len(uses) != 1:
        return ctx.finding(ID, call, f"{message}; no automatic fix: the timeout is used by several cases",
                           Severity.ERROR)
    use, clause = uses[0], cases[0]
    select = clause.parent
    sel_stmt = T.outer_statement(select)
    sel_loop = S.innermost_loop(select, stop=fn)
    if sel_loop is None or sel_loop.id != S.innermost_loop(stmt, stop=fn).id:
        return ctx.finding(ID, call, f"{message}; no automatic fix: the select can run several times per "
                           "timer (an overall deadline in an inner loop or function literal), so stopping the "
                           "timer in the other cases would remove the deadline", Severity.ERROR)
    if sel_stmt.parent is None or stmt.parent is None or sel_stmt.parent.id != stmt.parent.id:
        return ctx.finding(ID, call, f"{message}; no automatic fix: the select is not a later statement of "
                           "the same block, so it may not run exactly once per timer", Severity.ERROR)
    if ctx.has_goto(fn):
        return ctx.finding(ID, call, f"{message}; no automatic fix: the function uses goto", Severity.ERROR)
    field = call.child_by_field_name("function").child_by_field_name("field")
    stops = T.insert_first_in_clauses(ctx, [(c, [f"{name}.Stop()"]) for c in T.clauses(select)
                                            if c.id != clause.id])
    if stops is None:
        return ctx.finding(ID, call, message, Severity.ERROR)
    fix = Fix("Use time.NewTimer and stop it in the other cases",
              (replace_node(field, "NewTimer"), replace_node(use, f"{name}.C"), *stops),
              Applicability.SAFE, scope=(fn.start_byte, fn.end_byte))
    return ctx.finding(ID, call, message, Severity.ERROR, fix)


RULE = Rule(
    id=ID,
    doc=__doc__,
    find=find,
    triggers=(b"After(",),
    timer_rule=True,
    # whether `time` is used elsewhere (the fix drops the import); type names declared in
    # any body (_timers.is_quiet: a conversion is no call)
    reads_across=("import-uses", "body-types"),
    options={"style": Choice(("timer", "context"), default="timer")},
)
