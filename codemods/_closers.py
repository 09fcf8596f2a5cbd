"""Shared machinery of the closer rules: unclosed-body, unclosed-rows, tx-rollback and
unclosed-resource.

A closer rule names the calls that create something whose cleanup method must run
(`resp.Body.Close()`, `rows.Close()`, `tx.Rollback()`, `f.Close()`) and describes it as a
`Resource`; `check` does the rest, the same way for every rule:

1. the shape: `x, err := call` (`=`, `var`; `x := call` for constructors without an
   error result);
2. the cleanup already present: a deferred one (or one inside a function literal) means
   no finding; plain `x.Close()` statements mean "closed on some paths only" when an exit
   between the creation and them skips them;
3. escapes: the value returned, stored, sent, assigned or passed whole means no finding
   (someone else owns the cleanup); used by a goroutine or a callback means no fix;
4. the insertion point: directly after `if err != nil { <terminating> }`, first in
   `if err == nil {`, right after the call when there is no error; inside a loop body the
   cleanup call itself goes at the end of the body (the loop rule), never a defer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tree_sitter import Node

from gofix.analysis import syntax as S
from gofix.analysis import lifetime, shapes, summaries, types
from gofix.analysis.context import FileContext, is_declaration, literal_usage, use_kind
from gofix.analysis.edits import insert_after_statement, insert_at_block_end, insert_at_block_start
from gofix.analysis.model import Applicability, Edit, Finding, Fix, Severity

# Standard-library functions that read from or write to a value passed to them, never close
# it and keep nothing of it: passing the resource to them is not an escape.
CONSUMERS = {
    "io": ("ReadAll", "Copy", "CopyN", "CopyBuffer", "ReadFull", "ReadAtLeast", "WriteString"),
    "fmt": ("Fprint", "Fprintf", "Fprintln", "Fscan", "Fscanf", "Fscanln"),
}
# ... and those whose result wraps it: not an escape as long as that result stays here.
WRAPPERS = {
    "io": ("LimitReader", "TeeReader", "NewSectionReader"),
    "bufio": ("NewReader", "NewReaderSize", "NewScanner", "NewWriter", "NewWriterSize"),
    "encoding/json": ("NewDecoder", "NewEncoder"),
    "encoding/csv": ("NewReader", "NewWriter"),
    "encoding/xml": ("NewDecoder", "NewEncoder"),
    "encoding/gob": ("NewDecoder", "NewEncoder"),
}
_CLOSER_HELPER = re.compile(r"close|drain", re.I)


@dataclass(frozen=True)
class Resource:
    """What a rule found at one call, and how it wants it cleaned up."""

    rule: str
    call: Node
    never: str  # the message when the cleanup is missing: "... is never closed: why"
    member: str | None = None  # "Body": the cleanup is resp.Body.Close()
    method: str = "Close"
    has_error: bool | None = True  # does the call return an error too? None: either shape
    fix: Applicability | None = Applicability.SAFE  # never-closed fix; None: report only
    paths: Applicability | None = Applicability.SAFE  # closed-on-some-paths fix; None: no fix
    paths_only: bool = True  # report "closed on some paths only" at all
    allow_passed: bool = False  # passing the value whole to a call is not an escape
    helpers: bool = False  # a call named like close/drain taking the value counts as a cleanup
    blank: str | None = None  # `_, err := call` is a finding too: the message; "{var}": the fix's name
    fresh: str = "x"  # the name a discarded value gets in the fix


@dataclass(frozen=True)
class Creation:
    """`x, err := call`: the statement, the identifiers, the function."""

    stmt: Node
    var: str
    err: str | None  # None: the call has no error result
    defines: bool  # := or var: x is declared by this statement
    fn: Node


@dataclass(frozen=True)
class Anchor:
    """Where the cleanup goes, and where the code that uses the resource starts."""

    kind: str  # "check" (after `if err != nil`), "ok-block" (in `if err == nil`), "call"
    node: Node  # the if statement, or the creating statement
    region: list[Node]  # statements that run with the resource alive
    scope: Node  # the block those statements are in


def creation(ctx: FileContext, call: Node, has_error: bool | None, blank: bool = False) -> Creation | None:
    """The assignment that stores call's results, when it is `x[, err] := call` (or `=`, `var`)."""
    a = shapes.assignment_of(ctx, call)
    if a is None or a.op not in (":=", "=", "var") or len(a.rhs) != 1 or a.function is None:
        return None
    want = {True: (2,), False: (1,), None: (1, 2)}[has_error]
    if len(a.lhs) not in want or any(n.type != "identifier" for n in a.lhs):
        return None
    var = ctx.text(a.lhs[0])
    if var == "_" and not blank:
        return None
    err = ctx.text(a.lhs[1]) if len(a.lhs) == 2 else None
    return Creation(a.stmt, var, err, a.defines, a.function)

def receiver(call: Node) -> Node | None:
    """x in x.Method(...)."""
    fn = call.child_by_field_name("function")
    if fn is None or fn.type != "selector_expression":
        return None
    return S.unparen(fn.child_by_field_name("operand"))


# --- the error check --------------------------------------------------------------------------


def _is_err_compare(ctx: FileContext, cond: Node | None, err: str, op: str) -> bool:
    if cond is None:
        return False
    cond = S.unparen(cond)
    if cond.type != "binary_expression":
        return False
    left, right = cond.child_by_field_name("left"), cond.child_by_field_name("right")
    operator = cond.child_by_field_name("operator")
    return (left is not None and right is not None and operator is not None
            and left.type == "identifier" and ctx.text(left) == err
            and S.is_nil(right) and operator.type == op)


def always_leaves(body: Node | None) -> bool:
    """The body of an error check ends the path: return, panic, log.Fatal*, os.Exit,
    t.Fatal*, goto, or continue/break of an enclosing loop."""
    if body is None:
        return False
    if S.is_terminating(body, lenient=True):
        return True
    stmts = S.statements(body)
    if not stmts or stmts[-1].type not in ("continue_statement", "break_statement"):
        return False
    target = S.jump_target(stmts[-1])
    return target is not None and target.type == "for_statement" and not S.is_within(target, body)


def anchor(ctx: FileContext, c: Creation) -> Anchor | None:
    """The error check that guards the resource, or None when there is none we can trust."""
    block = S.block_of(c.stmt)
    if block is None:
        return None  # not a statement of a block (an if/switch initializer, ...)
    if c.err is None:
        return Anchor("call", c.stmt, S.following_statements(c.stmt), block)
    if c.err == "_":
        return None  # the error is dropped: the resource may be nil
    nxt = S.next_statement(c.stmt)
    check = shapes.error_check_after(ctx, c.stmt, c.err)
    if check is not None and check.kind in ("require", "assert-if") and check.leaves:
        # require.NoError(t, err) stops the test; so does `if !assert.NoError(t, err) { return }`
        return Anchor("check", check.stmt, S.following_statements(check.stmt), block)
    if nxt is None or nxt.type != "if_statement" or nxt.child_by_field_name(S.INIT) is not None:
        return None
    cond = nxt.child_by_field_name("condition")
    body = nxt.child_by_field_name(S.THEN)
    if nxt.child_by_field_name(S.ELSE) is None:
        if _is_err_compare(ctx, cond, c.err, "!=") and always_leaves(body):
            return Anchor("check", nxt, S.following_statements(nxt), block)
        if _is_err_compare(ctx, cond, c.err, "==") and body is not None:
            return Anchor("ok-block", nxt, S.statements(body), body)
    return None


def _is_assert_no_error(ctx: FileContext, call: Node | None, err: str) -> bool:
    """`assert.NoError(t, err)`: reports the failure and lets the test go on."""
    if call is None or call.type != "call_expression" or not ctx.is_pkg_call(call, shapes.ASSERT, "NoError"):
        return False
    args = [a for a in call.child_by_field_name("arguments").named_children if a.type != "comment"]
    return len(args) >= 2 and ctx.text(args[1]) == err


def unstopping_check(ctx: FileContext, c: Creation) -> bool:
    """The statement after the creation is a bare `assert.NoError(t, err)`: the test goes on."""
    nxt = S.next_statement(c.stmt)
    return nxt is not None and nxt.type == "expression_statement" and c.err is not None \
        and _is_assert_no_error(ctx, nxt.named_children[0], c.err)


# --- cleanups already present -------------------------------------------------------------------


def _selector_chain(ctx: FileContext, ident: Node, member: str | None) -> Node | None:
    """For an identifier x: the node `x` (member None) or `x.member`, or None."""
    node = ident
    if member is None:
        return node
    p = node.parent
    if p is None or p.type != "selector_expression" or p.child_by_field_name("operand").id != node.id:
        return None
    fld = p.child_by_field_name("field")
    return p if fld is not None and ctx.text(fld) == member else None


def _method_call(ctx: FileContext, value: Node, method: str) -> Node | None:
    """value.method(...) around value, or None."""
    p = value.parent
    if p is None or p.type != "selector_expression" or p.child_by_field_name("operand").id != value.id:
        return None
    fld = p.child_by_field_name("field")
    if fld is None or ctx.text(fld) != method:
        return None
    call = p.parent
    if call is None or call.type != "call_expression" or call.child_by_field_name("function").id != p.id:
        return None
    return call


@dataclass(frozen=True)
class Cleanups:
    deferred: bool  # some cleanup runs on every path (deferred, or inside a function literal)
    plain: list[Node]  # cleanup calls in the function's own flow, in source order
    helpers: list[Node]  # helper calls (closeBody(resp)) among plain


def cleanups(ctx: FileContext, res: Resource, c: Creation) -> Cleanups:
    """The cleanup calls of c's variable in its function: `x.Close()` (`x.Body.Close()`),
    and with res.helpers a call named like close/drain taking `x` or `x.Body` whole."""
    deferred = False
    plain: list[Node] = []
    helpers: list[Node] = []
    for ident in ctx.uses(c.fn, c.var):
        value = _selector_chain(ctx, ident, res.member)
        call = _method_call(ctx, value, res.method) if value is not None else None
        is_helper = False
        if call is None:
            for candidate in (value, ident) if value is not ident else (ident,):
                if candidate is not None and call is None:
                    call, member = _passed_to(candidate), res.member if candidate is ident else None
                    decl = types.func_decl(ctx, call) if call is not None else None
                    if decl is not None:  # a same-package function: its summary decides
                        if not summaries.closes(ctx, decl, _arg_index(call, candidate), member, res.method):
                            call = None
                    elif call is not None and not (res.helpers and _CLOSER_HELPER.search(ctx.call_name(call))):
                        call = None
                    is_helper = call is not None and decl is None
        if call is None:
            continue
        if _inside_any(call, c.fn, ("defer_statement",)):
            deferred = True
            continue
        lit = _enclosing_literal(call, c.fn)
        if lit is not None:
            if _literal_runs(ctx, lit, c.fn):
                deferred = True
            continue  # a literal that is never called, deferred or passed on closes nothing
        plain.append(call)
        if is_helper:
            helpers.append(call)
    return Cleanups(deferred, plain, helpers)


def _passed_to(value: Node) -> Node | None:
    """The call that takes value (maybe parenthesized) as an argument, or None."""
    node = value
    while node.parent is not None and node.parent.type == "parenthesized_expression":
        node = node.parent
    args = node.parent
    if args is None or args.type != S.ARGUMENTS or args.parent is None or args.parent.type != "call_expression":
        return None
    return args.parent


def _arg_index(call: Node, value: Node) -> int:
    args = [a for a in call.child_by_field_name("arguments").named_children if a.type != "comment"]
    return next((i for i, a in enumerate(args) if S.is_within(value, a)), -1)


def _enclosing_literal(node: Node, fn: Node) -> Node | None:
    for a in S.ancestors(node):
        if a.id == fn.id:
            return None
        if a.type == S.FUNC_LITERAL:
            return a
    return None


def _literal_runs(ctx: FileContext, lit: Node, fn: Node) -> bool:
    """The literal is called, deferred, started, passed, stored or returned, or assigned to a
    variable that is itself called, deferred or passed on."""
    how = literal_usage(lit)
    if how != "assigned":
        return how != "use"
    holder = lit.parent.parent if lit.parent is not None and lit.parent.type == "expression_list" else lit.parent
    left = holder.child_by_field_name("left") if holder is not None else None
    if left is None or left.named_child_count != 1 or left.named_children[0].type != "identifier":
        return True  # stored somewhere we do not follow: assume it runs
    name = ctx.text(left.named_children[0])
    return any(use_kind(u) in ("call", "passed", "stored", "returned", "assigned", "go", "defer")
               and not _to_blank(ctx, u) for u in ctx.uses(fn, name, holder.end_byte))


def _inside_any(node: Node, fn: Node, types: tuple[str, ...]) -> bool:
    """node sits inside a node of one of `types` that is itself inside fn."""
    for a in S.ancestors(node):
        if a.id == fn.id:
            return False
        if a.type in types:
            return True
    return False


def used_as(ctx: FileContext, c: Creation, fields: tuple[str, ...], called: bool = False) -> bool:
    """c.var is used after its creation as `var.F` with F in fields (`var.F(...)` with called)."""
    for use in ctx.uses(c.fn, c.var, c.stmt.end_byte):
        p = use.parent
        if p is None or p.type != "selector_expression" or ctx.text(p.child_by_field_name("field")) not in fields:
            continue
        if not called or (p.parent is not None and p.parent.type == "call_expression"):
            return True
    return False


# --- closed on some paths only ----------------------------------------------------------------------


_PROCESS_EXITS = ("Fatal", "Fatalf", "Fatalln", "Exit", "Exitf")


def _ends_process(ctx: FileContext, call: Node) -> bool:
    """log.Fatal*, os.Exit, and the Fatal of any imported package (klog, logrus, ...):
    package-level Fatal functions exit the process. t.Fatal (a method) does not."""
    fn = call.child_by_field_name("function")
    if fn is None or fn.type != "selector_expression" or ctx.call_name(call) not in _PROCESS_EXITS:
        return False
    operand = fn.child_by_field_name("operand")
    return operand is not None and operand.type == "identifier" and any(
        ctx.resolves_to_import(operand, path) for path in set(ctx.imports.values()))


def _fatal_calls(ctx: FileContext, region: list[Node]) -> list[Node]:
    """panic / t.Fatal / log.Panic statements in region (not in function literals): they
    leave the function and run its defers. log.Fatal*, os.Exit and other packages' Fatal
    end the process, which releases everything and runs no defers: they are not leaks."""
    out = []
    for root in region:
        stack = [root]
        while stack:
            n = stack.pop()
            if n.type == S.FUNC_LITERAL:
                continue
            if n.type == "expression_statement" and S.is_terminating(n, lenient=True):
                if not _ends_process(ctx, n.named_children[0]):
                    out.append(n)
            stack.extend(n.named_children)
    return out


def skipping_exit(ctx: FileContext, an: Anchor, plain: list[Node], var: str) -> tuple[Node, str] | None:
    """The first exit after the creation that leaves without passing any of the plain
    cleanup calls (and a word for it), or None when every path passes one."""
    ids = {k.id for k in plain}
    start = an.region[0].start_byte if an.region else an.scope.end_byte
    exits = S.exits_leaving(an.region, an.scope) + _fatal_calls(ctx, an.region)
    for e in sorted(exits, key=lambda n: n.start_byte):
        if not _closed_before(e, an.scope, start, ids, var):
            return e, _exit_word(e)
    last = an.region[-1] if an.region else None
    if last is None or not S.is_terminating(last, lenient=True):
        if not any(_always_closes(st, ids, var) for st in an.region):
            word = "end of the function" if _is_fn_body(an.scope) else "end of the block"
            return an.scope, word
    return None


def _contains(node: Node, ids: set[int]) -> bool:
    return any(n.id in ids for n in S.walk(node))


def _closed_before(exit_node: Node, scope: Node, start: int, ids: set[int], var: str) -> bool:
    """Every path from the creation to exit_node passes a cleanup: one runs in the exit
    itself (`return x.Close()`), in an initializer of an enclosing if/switch, or in a
    statement before it (in its block or an enclosing one) that closes on all its paths."""
    if exit_node.type == "return_statement" and _contains(exit_node, ids):
        return True
    node = exit_node
    while node.parent is not None and node.id != scope.id:
        parent = node.parent
        if S.in_statement_list(node):
            for sib in reversed([s for s in S.statements(parent) if s.end_byte <= node.start_byte]):
                if sib.start_byte >= start and _always_closes(sib, ids, var):
                    return True
        elif parent.type in ("if_statement", "expression_switch_statement", "type_switch_statement"):
            init = parent.child_by_field_name(S.INIT)
            if init is not None and init.id != node.id and _contains(init, ids):
                return True
        node = parent
    return False


def _always_closes(stmt: Node, ids: set[int], var: str) -> bool:
    """stmt runs a cleanup on every path that goes on past it (paths that leave the
    function inside it are judged as exits of their own)."""
    t = stmt.type
    if t == "if_statement":
        init = stmt.child_by_field_name(S.INIT)
        cond = stmt.child_by_field_name("condition")
        if (init is not None and _contains(init, ids)) or (cond is not None and _contains(cond, ids)):
            return True
        alt = stmt.child_by_field_name(S.ELSE)
        if alt is None:
            # `if x != nil { x.Close() }`: after the error check x is not nil
            return _is_nil_guard(cond, var) and _branch_closes(stmt.child_by_field_name(S.THEN), ids, var)
        return _branch_closes(stmt.child_by_field_name(S.THEN), ids, var) and _branch_closes(alt, ids, var)
    if t in ("expression_switch_statement", "type_switch_statement", "select_statement"):
        init = stmt.child_by_field_name(S.INIT)
        if init is not None and _contains(init, ids):
            return True
        cases = S.case_clauses(stmt)
        if t != "select_statement" and not any(S.is_default_case(c) for c in cases):
            return False
        return bool(cases) and all(_branch_closes(c, ids, var) for c in cases)
    if t in ("for_statement", "labeled_statement", "block", "go_statement", "defer_statement"):
        return t == "block" and _branch_closes(stmt, ids, var)
    return _contains(stmt, ids)


def _is_nil_guard(cond: Node | None, var: str) -> bool:
    """`x != nil` or `x.Body != nil` for the resource variable x, or `err == nil` for its
    error (var is "x" or "x err"): after the error check both always hold."""
    if cond is None:
        return False
    name, _, err = var.partition(" ")
    cond = S.unparen(cond)
    op = cond.child_by_field_name("operator") if cond.type == "binary_expression" else None
    if op is None or not S.is_nil(cond.child_by_field_name("right")):
        return False
    left = S.unparen(cond.child_by_field_name("left"))
    if op.type == "==" and err:
        return left.type == "identifier" and S.text(left) == err
    if op.type != "!=":
        return False
    while left.type == "selector_expression":
        left = left.child_by_field_name("operand")
    return left.type == "identifier" and S.text(left) == name


def _branch_closes(branch: Node | None, ids: set[int], var: str) -> bool:
    """A block, else-if or case: closes, or never reaches its end."""
    if branch is None:
        return False
    if branch.type == "if_statement":
        return _always_closes(branch, ids, var)
    stmts = S.statements(branch)
    return any(_always_closes(st, ids, var) for st in stmts) or (bool(stmts) and S.is_terminating(stmts[-1], lenient=True))


def _is_fn_body(block: Node) -> bool:
    return block.parent is not None and block.parent.type in S.FUNCTION_TYPES


def _exit_word(e: Node) -> str:
    if e.type == "expression_statement":
        return S.callee_parts(e.named_children[0])[1] if e.named_children else "call"
    return e.type.removesuffix("_statement")


def deletable_final_cleanup(ctx: FileContext, c: Creation, plain: list[Node], member: str | None = None,
                            method: str = "Close") -> Edit | None:
    """The edit deleting `x.Close()` when it is the statement just before the function's final
    return at the top level of its body, and that return's results contain no calls."""
    body = S.function_body(c.fn)
    stmts = S.statements(body)
    if len(stmts) < 2 or stmts[-1].type != "return_statement":
        return None
    ret, before = stmts[-1], stmts[-2]
    if any(n.type == "call_expression" for n in S.walk(ret)):
        return None
    if before.type != "expression_statement" or not plain:
        return None
    call = before.named_children[0] if before.named_children else None
    if call is None or call.id != plain[-1].id or call.id != S.unparen(call).id:
        return None
    if ctx.text(call) != (f"{c.var}.{member}.{method}()" if member else f"{c.var}.{method}()"):
        return None  # a helper (drain(resp)) does more than the deferred cleanup will
    src = ctx.src
    if not S.starts_line(src, before) or not S.rest_of_line_is_trivia(src, before.end_byte):
        return None
    if src[before.end_byte : S.line_end(src, before.end_byte)].strip():
        return None  # a trailing comment would go with it
    prev = before.prev_sibling
    if prev is not None and prev.type == "comment" and src[prev.end_byte : before.start_byte].count(b"\n") <= 1:
        return None  # a comment about the Close right above it
    start = S.line_start(src, before.start_byte)
    return Edit(start, S.line_end(src, before.end_byte) + 1, b"")


# --- escapes -------------------------------------------------------------------------------------------


def escape(ctx: FileContext, res: Resource, c: Creation) -> str | None:
    """Why someone else may own the cleanup (returned, stored, sent, assigned, address taken,
    passed whole to a call), or None."""
    after = c.stmt.end_byte
    for use in ctx.uses(c.fn, c.var, after):
        kind = use_kind(use)
        if kind in ("returned", "stored", "sent", "address"):
            return f"`{c.var}` is {kind}"
        if kind == "assigned" and not _to_blank(ctx, use):
            return f"`{c.var}` is assigned to another variable"
        if kind == "passed" and not res.allow_passed:
            call = _passed_to(use)
            decl = types.func_decl(ctx, call) if call is not None else None
            if decl is not None:  # a same-package function: its summary decides
                if summaries.keeps(ctx, decl, _arg_index(call, use)):
                    return f"`{c.var}` is passed to {ctx.call_name(call)}, which keeps it"
                continue
            if res.helpers and call is not None and _CLOSER_HELPER.search(ctx.call_name(call)):
                continue
            if not _non_owning_use(ctx, c, use):
                return f"`{c.var}` is passed to a call that may take over its cleanup"
        if res.member is not None:
            value = _selector_chain(ctx, use, res.member)
            if value is not None and value is not use:
                k = use_kind(value)
                if k in ("returned", "stored", "sent", "address", "assigned"):
                    return f"`{c.var}.{res.member}` is {k}"
    return None


def _to_blank(ctx: FileContext, use: Node) -> bool:
    """`_ = x`: the value goes nowhere."""
    stmt = use.parent.parent if use.parent is not None and use.parent.type == "expression_list" else None
    if stmt is None or stmt.type != S.ASSIGNMENT:
        return False
    left = stmt.child_by_field_name("left")
    return left is not None and all(ctx.text(n) == "_" for n in left.named_children)


def _non_owning_use(ctx: FileContext, c: Creation, use: Node) -> bool:
    """use is an argument of a standard-library reader or writer that neither closes nor
    keeps it (io.ReadAll, fmt.Fprintf, ...), or of a wrapper (bufio.NewReader,
    json.NewDecoder, ...) whose result does not leave the function."""
    args = use.parent
    call = args.parent if args is not None else None
    if call is None or call.type != "call_expression" or _inside_any(call, c.fn, ("go_statement", S.FUNC_LITERAL)):
        return False
    if any(ctx.is_pkg_call(call, path, *names) for path, names in CONSUMERS.items()):
        return True
    if lifetime.non_owning(ctx, call):
        return True  # fmt.Print(resp), log.Printf, errors.New, httputil.DumpResponse, t.Log: reads only
    if not any(ctx.is_pkg_call(call, path, *names) for path, names in WRAPPERS.items()):
        return False
    node = call
    while node.parent is not None and node.parent.type == "parenthesized_expression":
        node = node.parent
    p = node.parent
    if p is not None and p.type == "selector_expression":
        return True  # bufio.NewReader(f).ReadString('\n'): used on the spot
    if p is not None and p.type == "expression_list" and p.named_child_count == 1 and p.parent is not None \
            and p.parent.type in ("short_var_declaration", S.ASSIGNMENT):
        left = p.parent.child_by_field_name("left")
        if left is None or left.named_child_count != 1 or left.named_children[0].type != "identifier":
            return False
        name = ctx.text(left.named_children[0])
        return ctx.lifetime_blocker(c.fn, [name], p.parent.end_byte, None) is None
    return False


# --- the check ------------------------------------------------------------------------------------------


def owned_here(ctx: FileContext, c: Creation) -> bool:
    """The variable belongs to this function: declared by the statement or in the function
    (a parameter or local), and not a named result (a bare return hands it out)."""
    result = c.fn.child_by_field_name("result")
    if result is not None and any(n.type == "identifier" and ctx.text(n) == c.var for n in S.walk(result)):
        return False
    if c.defines:
        return True
    return any(is_declaration(u) and S.enclosing_function(u).id == c.fn.id
               for u in ctx.uses(c.fn, c.var) if u.start_byte < c.stmt.start_byte)


def check(ctx: FileContext, res: Resource) -> Finding | None:
    """The finding for one resource-creating call (with its fix or none), or None."""
    c = creation(ctx, res.call, res.has_error, blank=res.blank is not None)
    if c is None:
        return None  # not `x, err := call`: the result is used some other way
    if c.var == "_":
        return _discarded(ctx, res, c)
    if not owned_here(ctx, c):
        return None  # a package variable, an outer function's, or a named result: not ours
    found = cleanups(ctx, res, c)
    if found.deferred:
        return None  # cleaned up on every path
    if escape(ctx, res, c) is not None:
        return None  # someone else may own the cleanup
    expr = f"{c.var}.{res.member}" if res.member else c.var
    cleanup = f"{expr}.{res.method}()"
    an = anchor(ctx, c)
    if found.plain:
        if not res.paths_only or c.err == "_" or not c.defines:
            return None  # cleaned up somewhere; its paths are not ours to judge
        if an is None:
            return None  # no error check we understand: the paths are not ours to judge
        if found.helpers:
            return None  # a helper whose body gofix cannot read may close it: unknown, not ours
        guards = f"{c.var} {c.err}" if an.kind == "check" and c.err else c.var
        skip = skipping_exit(ctx, an, found.plain, guards)
        if skip is None:
            return None
        exit_node, word = skip
        where = (f"the {word} on line {exit_node.start_point.row + 1}" if exit_node is not an.scope
                 else f"the {word}")
        message = f"{expr} is closed on some paths only: {where} skips {cleanup}"
        fix, reason = _paths_fix(ctx, res, c, an, found, cleanup)
        return _finding(ctx, res, message, fix, reason)
    fix, reason = _never_fix(ctx, res, c, an, cleanup)
    return _finding(ctx, res, res.never, fix, reason)


def _discarded(ctx: FileContext, res: Resource, c: Creation) -> Finding | None:
    """`_, err := call`: name the value with a fresh name, then clean up as usual."""
    if res.blank is None or c.err is None:
        return None
    name = ctx.fresh_name(res.call, res.fresh)
    named = Creation(c.stmt, name, c.err, c.defines, c.fn)
    message = res.blank.format(var=name)
    expr = f"{name}.{res.member}" if res.member else name
    if c.err == "_":
        return _finding(ctx, res, message, None, "the error is discarded too, so the value may be nil")
    if c.stmt.type == S.ASSIGNMENT:
        return _finding(ctx, res, message, None, "the assignment uses `=`, so naming the value would need a new declaration")
    blank = (c.stmt.child_by_field_name("left").named_children[0] if c.stmt.type == "short_var_declaration"
             else next(s for s in S.walk(c.stmt) if s.type == "var_spec").child_by_field_name("name"))
    fix, reason = _never_fix(ctx, res, named, anchor(ctx, named), f"{expr}.{res.method}()")
    if fix is not None:
        rename = Edit(blank.start_byte, blank.end_byte, name.encode())
        fix = Fix(f"Name the discarded value {name} and {fix.title[0].lower()}{fix.title[1:]}",
                  tuple(sorted((rename, *fix.edits), key=lambda e: e.start)), fix.applicability)
    return _finding(ctx, res, message, fix, reason)


def _finding(ctx: FileContext, res: Resource, message: str, fix: Fix | None, reason: str | None) -> Finding:
    if fix is None and reason:
        message = f"{message} (no automatic fix: {reason})"
    return ctx.finding(res.rule, res.call, message, Severity.ERROR, fix)


def _defer_edit(ctx: FileContext, an: Anchor, cleanup: str) -> Edit | None:
    line = f"defer {cleanup}"
    if an.kind == "ok-block":
        return insert_at_block_start(ctx, an.node.child_by_field_name(S.THEN), [line])
    return insert_after_statement(ctx, an.node, [line])


def _literal_blocker(ctx: FileContext, c: Creation, defer_at: int | None) -> str | None:
    return ctx.lifetime_blocker(c.fn, [c.var], c.stmt.end_byte, defer_at, allow_passed=True)


def _never_fix(ctx: FileContext, res: Resource, c: Creation, an: Anchor | None, cleanup: str) -> tuple[Fix | None, str | None]:
    if res.fix is None:
        return None, "its cleanup method comes from the config catalog"
    if c.err == "_":
        return None, "the error is discarded, so the value may be nil"
    if an is None:
        if S.block_of(c.stmt) is None:
            return None, "the call is not a statement of its own"
        if unstopping_check(ctx, c):
            return None, "`assert.NoError` does not stop the test, so the value may be nil after it"
        return None, f"no `if {c.err} != nil {{ return ... }}` check follows, so the value may be nil"
    loop = S.innermost_loop(c.stmt, stop=c.fn)
    if loop is not None:
        body = loop.child_by_field_name("body")
        if an.kind == "ok-block":
            return None, "inside a loop the cleanup must be called at the end of the loop body, which an `if err == nil` check does not guard"
        if not c.defines or an.scope.id != body.id:
            return None, "inside a loop the cleanup must be called at the end of the loop body, and the value lives outside it"
        if S.exits_leaving(an.region, body):
            return None, "inside a loop the cleanup must be called at the end of the loop body, and an early exit would skip it"
        blocker = _literal_blocker(ctx, c, None)
        if blocker:
            return None, blocker
        edit = insert_at_block_end(ctx, body, [cleanup])
        if edit is None:
            return None, "the loop body's layout leaves no line for the cleanup"
        return Fix(f"Call {cleanup} at the end of the loop body", (edit,), res.fix), None
    edit = _defer_edit(ctx, an, cleanup)
    if edit is None:
        return None, "the error check's layout leaves no line for the defer"
    blocker = _literal_blocker(ctx, c, edit.start)
    if blocker:
        return None, blocker
    return Fix(f"Add defer {cleanup}", (edit,), res.fix), None


def _paths_fix(ctx: FileContext, res: Resource, c: Creation, an: Anchor, found: Cleanups,
               cleanup: str) -> tuple[Fix | None, str | None]:
    if res.paths is None:
        return None, "a second call of its cleanup method may not be harmless"
    if S.innermost_loop(c.stmt, stop=c.fn) is not None:
        return None, "it is created inside a loop body"
    edit = _defer_edit(ctx, an, cleanup)
    if edit is None:
        return None, "the error check's layout leaves no line for the defer"
    blocker = _literal_blocker(ctx, c, edit.start)
    if blocker:
        return None, blocker
    delete = deletable_final_cleanup(ctx, c, found.plain, res.member, res.method) if an.kind != "ok-block" else None
    if delete is not None:
        title = f"Add defer {cleanup} and drop the {cleanup} just before the final return"
        return Fix(title, (edit, delete), res.paths), None
    return Fix(f"Add defer {cleanup}, keeping the existing calls", (edit,), res.paths), None
