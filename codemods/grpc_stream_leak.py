"""grpc-stream-leak: a gRPC client stream can be abandoned with its context never cancelled

## What it does
Finds `stream, err := client.Method(ctx, ...)` whose result is used as a gRPC client stream
(`stream.Recv()`, `stream.CloseSend()`, `stream.CloseAndRecv()`; generated stubs' named
stream types and grpc's `ServerStreamingClient[T]`-style generic ones alike) when `ctx` is
not a context derived in this function whose cancel is deferred or called on every path,
and some path after the call leaves the function without draining the stream. A `Recv`
loop drains the stream only when its only exits are taken on an error from `Recv`
(`io.EOF` included); a client-streaming call is drained by `CloseAndRecv()`.

## Why is this bad?
grpc-go releases a client stream only when its context is cancelled, the `ClientConn` is
closed, `RecvMsg` returns an error, or `Header`/`SendMsg` return an error other than
`io.EOF`. `CloseSend` alone releases nothing. A stream abandoned early (an error path, a
`return` after the first message) keeps its goroutines and its HTTP/2 stream until the
connection closes: under load, a goroutine avalanche.

## Example
```go
func first(ctx context.Context, c pb.WatcherClient) (*pb.Event, error) {
	stream, err := c.Watch(ctx, &pb.WatchRequest{})
	if err != nil {
		return nil, err
	}
	return stream.Recv()
}
```
Use instead:
```go
func first(ctx context.Context, c pb.WatcherClient) (*pb.Event, error) {
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stream, err := c.Watch(sctx, &pb.WatchRequest{})
	if err != nil {
		return nil, err
	}
	return stream.Recv()
}
```

## Fix safety
Safe: a cancellable context with a fresh name is derived right before the call and used
for the call only, and its cancel is deferred (inside a loop body, called at the end of the
body instead, when no early exit follows the call); the `context` import is added when
missing. No fix when the stream is used by a goroutine or a callback, or by a defer
registered earlier, in a function with `goto`, or when the call is not a statement of its
own. No finding when the stream is returned, stored, sent or passed to another function:
whoever receives it owns it.
"""

from __future__ import annotations

import re

from tree_sitter import Node

from gofix.analysis import Applicability, Edit, FileContext, Finding, Fix, Rule, Severity
from gofix.analysis import ensure_import, insert_at_block_end, insert_before_statement
from gofix.analysis import syntax as S
from gofix.analysis import types
from gofix.analysis.context import literal_usage
from gofix.analysis.flow import exits_between, loop_exits, paths_missing
from gofix.analysis.lifetime import escape
from gofix.analysis.scope import Binding, binding, fresh_name, references, shadowed
from gofix.analysis.shapes import assignment_of, enclosing_loop, error_check_after

ID = "grpc-stream-leak"
GRPC = "google.golang.org/grpc"
CONTEXTS = ("context", "golang.org/x/net/context", "code.google.com/p/go.net/context")
STREAM_METHODS = frozenset({"Recv", "CloseSend", "CloseAndRecv"})
GRPC_STREAMS = ("ClientStream", "ServerStreamingClient", "ClientStreamingClient", "BidiStreamingClient")
# Calls whose error (other than io.EOF from Send) releases the stream (grpc-go's contract).
RELEASING = frozenset({"Recv", "RecvMsg", "Send", "SendMsg", "Header", "CloseAndRecv"})
DERIVERS = ("WithCancel", "WithTimeout", "WithDeadline", "WithCancelCause", "WithTimeoutCause", "WithDeadlineCause")


def find(ctx: FileContext) -> list[Finding]:
    out: list[Finding] = []
    for call in ctx.entry_nodes("call_expression"):
        f = _check(ctx, call)
        if f is not None:
            out.append(f)
    return out


def _check(ctx: FileContext, call: Node) -> Finding | None:
    fn = call.child_by_field_name("function")
    args = call.child_by_field_name("arguments")
    if fn is None or fn.type != "selector_expression" or args is None or not args.named_children:
        return None
    a = assignment_of(ctx, call)
    if a is None or len(a.lhs) != 2 or a.function is None or a.lhs[0].type != "identifier":
        return None
    stream = binding(ctx, a.lhs[0])
    if stream is None:
        return None
    ctx_arg = args.named_children[0]
    if not _is_context(ctx, ctx_arg):
        return None  # the first argument is not known to be a context: not a stub's call
    uses = [u for u in references(ctx, stream) if u.start_byte > a.stmt.end_byte]
    methods = {_method_of(ctx, u) for u in uses}
    if not methods & STREAM_METHODS:
        return None  # not used as a client stream
    t = ctx.type_of(a.lhs[0])
    if t is not None and not _grpc_stream_type(ctx, t):
        return None  # declared as something else
    callee = types.func_decl(ctx, call)
    if callee is not None and b"NewStream(" not in S.text(callee.node).encode():
        return None  # a function of this package that hands out a stream it does not open
    if any(_handed_over(ctx, u) or literal_usage_of(u, stream.function) in ("passed", "stored", "returned", "assigned")
           for u in uses):
        return None  # returned, stored, sent, passed on or kept by a callback: its new owner drains it
    if _cancelled_here(ctx, ctx_arg) or _test_context(ctx, ctx_arg):
        return None
    err = a.lhs[1]
    check = error_check_after(ctx, a.stmt, ctx.text(err)) if err.type == "identifier" else None
    start = check.stmt if check is not None else a.stmt
    missing = [e for e in paths_missing(ctx, start, lambda c: _drains(ctx, c, stream))
               if e.kind != "goto" and not _after_recv_error(ctx, e.node, stream)
               and not _after_eof(ctx, e.node, stream)]
    if not missing:
        return None
    leak = missing[0]
    where = f"the return at line {leak.line}" if leak.kind == "return" else "the end of the function"
    message = (f"the gRPC stream opened by {ctx.text(fn)} can be left undrained ({where}) and its "
               f"context is never cancelled, so the stream and its goroutines stay until the connection "
               f"closes; open it with a context you cancel")
    fix, reason = _fix(ctx, call, a, stream, ctx_arg)
    if fix is None:
        message += f" (no automatic fix: {reason})"
    return ctx.finding(ID, call, message, Severity.ERROR, fix)


def literal_usage_of(use: Node, fn: Node) -> str | None:
    """How the innermost function literal around use, inside fn (the stream's own
    function), is used ("passed", "stored", "returned", "go", "called", ...); None when use
    is in fn itself."""
    lit = S.enclosing(use, frozenset({S.FUNC_LITERAL}))
    return literal_usage(lit) if lit is not None and lit.id != fn.id and S.is_within(lit, fn) else None


def _method_of(ctx: FileContext, use: Node) -> str | None:
    """M for a use `stream.M(...)`."""
    sel = use.parent
    if sel is None or sel.type != "selector_expression" or sel.parent is None or sel.parent.type != "call_expression":
        return None
    field = sel.child_by_field_name("field")
    return ctx.text(field) if field is not None else None


def _is_context(ctx: FileContext, arg: Node) -> bool:
    arg = S.unparen(arg)
    if arg.type == "call_expression" and any(ctx.is_pkg_call(arg, p, "Background", "TODO") for p in CONTEXTS):
        return True
    t = ctx.type_of(arg)
    return t is not None and any(t.is_(p, "Context") for p in CONTEXTS)


def _grpc_stream_type(ctx: FileContext, t) -> bool:
    """t is one of grpc's stream interfaces, or an interface of this package embedding one."""
    if t.path == GRPC:
        return t.base in GRPC_STREAMS
    if t.path != "":
        return True  # a generated package's stream type (pb.Watcher_WatchClient): not readable here
    for d in ctx.package.decls(t.base):
        if d.kind != "type":
            continue
        body = next((c for c in S.walk(d.node) if c.type == "interface_type"), None)
        if body is not None and GRPC.rsplit("/", 1)[-1] + ".ClientStream" in S.text(body).replace(" ", ""):
            return True
        if body is not None and any(m in S.text(body) for m in ("Recv()", "CloseSend()", "CloseAndRecv()")):
            return True
    return False


def _handed_over(ctx: FileContext, use: Node) -> bool:
    """use gives the stream away: returned, sent, stored in a composite literal, assigned
    to another variable, or passed to a call."""
    p = use.parent
    while p is not None and p.type == "parenthesized_expression":
        p = p.parent
    if p is None:
        return False
    if p.type == "expression_list" and p.parent is not None:
        holder = p.parent
        if holder.type == "return_statement":
            return True
        if holder.type in (S.ASSIGNMENT, "short_var_declaration", "var_spec"):
            right = holder.child_by_field_name("right") or holder.child_by_field_name("value")
            return right is not None and right.id == p.id
        return False
    return p.type in ("return_statement", "send_statement", S.ARGUMENTS) or p.type in S.ELEMENT_HOLDERS


def _cancelled_here(ctx: FileContext, arg: Node) -> bool:
    """arg is a context derived in this function (`c, cancel := context.WithX(...)`) whose
    cancel is deferred or called on every path from there."""
    arg = S.unparen(arg)
    b = binding(ctx, arg) if arg.type == "identifier" else None
    if b is None:
        return False
    for ident in references(ctx, b):
        if ident.start_byte > arg.start_byte:
            break
        stmt = _defining_statement(ident)
        if stmt is None:
            continue
        right = stmt.child_by_field_name("right")
        left = stmt.child_by_field_name("left")
        if right is None or left is None or len(left.named_children) != 2 or len(right.named_children) != 1:
            continue
        call = S.unparen(right.named_children[0])
        if call.type != "call_expression" or not any(ctx.is_pkg_call(call, p, *DERIVERS) for p in CONTEXTS):
            continue
        cancel_ident = left.named_children[1]
        cancel = binding(ctx, cancel_ident) if cancel_ident.type == "identifier" else None
        if cancel is None:
            continue
        if not paths_missing(ctx, stmt, lambda c: _calls(ctx, c, cancel)):
            return True
    return False


def _defining_statement(ident: Node) -> Node | None:
    p = ident.parent
    if p is None or p.type != "expression_list" or p.parent is None:
        return None
    stmt = p.parent
    if stmt.type not in ("short_var_declaration", S.ASSIGNMENT):
        return None
    left = stmt.child_by_field_name("left")
    return stmt if left is not None and left.id == p.id else None


def _calls(ctx: FileContext, call: Node, target: Binding) -> bool:
    fn = S.unparen(call.child_by_field_name("function")) if call.child_by_field_name("function") else None
    return fn is not None and fn.type == "identifier" and binding(ctx, fn) == target


def _drains(ctx: FileContext, call: Node, stream: Binding) -> bool:
    """call is `stream.CloseAndRecv()`, or `stream.Recv()` in a loop left only on its error."""
    fn = call.child_by_field_name("function")
    if fn is None or fn.type != "selector_expression":
        return False
    operand, field = fn.child_by_field_name("operand"), fn.child_by_field_name("field")
    if operand is None or operand.type != "identifier" or binding(ctx, operand) != stream:
        return False
    name = ctx.text(field)
    if name == "CloseAndRecv":
        return True
    if name != "Recv":
        return False
    loop = enclosing_loop(call)
    if loop is None:
        return False
    a = assignment_of(ctx, call)
    err = a.lhs[-1] if a is not None and len(a.lhs) == 2 else None
    if err is None or err.type != "identifier" or ctx.text(err) == "_":
        return False
    return _left_only_on_error(ctx, loop, ctx.text(err), stream)


def _after_recv_error(ctx: FileContext, exit_node: Node, stream: Binding) -> bool:
    """The exit is taken in an `if` on the error that `stream.Recv()` just returned (the `if`
    follows the Recv, maybe after other checks of the same error, or has it as its
    initializer): the stream is released by then (RecvMsg returned a non-nil error)."""
    for a in S.ancestors(exit_node):
        if a.type in S.FUNCTION_TYPES:
            return False
        if a.type != "block" or a.parent is None or a.parent.type != "if_statement":
            continue
        if_stmt = a.parent
        cons = if_stmt.child_by_field_name(S.THEN)
        if cons is not None and cons.id == a.id and _follows_recv(ctx, if_stmt, stream):
            return True
    return False


def _after_eof(ctx: FileContext, exit_node: Node, stream: Binding) -> bool:
    """The exit comes after `if _, err := stream.Recv(); err != io.EOF { <leave> }` (or
    `!errors.Is(err, io.EOF)`, `status.Code(err) != codes.X`) in its block: it is reached
    only once Recv returned an error, which released the stream."""
    if exit_node.type == "}":  # falling off the end: after the body's last statement
        stmts = S.statements(exit_node.parent) if exit_node.parent is not None else []
        prev = stmts[-1] if stmts else None
    else:
        prev = S.statement_of(exit_node).prev_named_sibling
    while prev is not None and prev.type == "comment":
        prev = prev.prev_named_sibling
    if prev is None or prev.type != "if_statement" or prev.child_by_field_name(S.ELSE) is not None:
        return False
    init = prev.child_by_field_name(S.INIT)
    before = prev.prev_named_sibling
    err = _recv_error(ctx, init, stream) if init is not None else (
        _recv_error(ctx, before, stream) if before is not None else None)
    cond = prev.child_by_field_name("condition")
    cons = prev.child_by_field_name(S.THEN)
    if err is None or cond is None or cons is None:
        return False
    if not _falls_through_on_error(S.text(cond).replace(" ", ""), err):
        return False
    return S.is_terminating(cons, lenient=True) or bool(S.statements(cons)) and \
        S.is_terminating(S.statements(cons)[-1], lenient=True)


def _falls_through_on_error(cond: str, err: str) -> bool:
    """Falling through `if cond { <leave> }` means err is a particular non-nil error:
    `err != io.EOF`, `!errors.Is(err, io.EOF)`, `status.Code(err) != codes.Unimplemented`
    (not `err != nil`'s opposite, nor a comparison with nil or codes.OK)."""
    if re.fullmatch(rf"!errors\.(Is|As)\({re.escape(err)},.+\)", cond):
        return True
    m = re.fullmatch(r"(.+)!=(.+)", cond)
    if m is None or not re.search(rf"\b{re.escape(err)}\b", m.group(1)):
        return False
    return m.group(2) not in ("nil", "codes.OK") and "&&" not in cond and "||" not in cond


def _test_context(ctx: FileContext, arg: Node) -> bool:
    """`t.Context()` of a testing.T, B or F: cancelled when the test finishes (Go >= 1.24)."""
    arg = S.unparen(arg)
    fn = arg.child_by_field_name("function") if arg.type == "call_expression" else None
    if fn is None or fn.type != "selector_expression":
        return False
    operand, field = fn.child_by_field_name("operand"), fn.child_by_field_name("field")
    if operand is None or field is None or ctx.text(field) != "Context":
        return False
    t = ctx.type_of(operand)
    return t is not None and t.is_("testing", "T", "B", "F", "TB")


def _checks(ctx: FileContext, if_stmt: Node, err: str) -> bool:
    """The condition tests err other than `err == nil` (`err != nil`, `err == io.EOF`,
    `errors.Is(err, io.EOF)`, `status.Code(err) == ...`)."""
    cond = if_stmt.child_by_field_name("condition")
    if cond is None or f"{err}==nil" in S.text(cond).replace(" ", ""):
        return False
    return any(n.type == "identifier" and ctx.text(n) == err for n in S.walk(cond))


def _follows_recv(ctx: FileContext, if_stmt: Node, stream: Binding) -> bool:
    init = if_stmt.child_by_field_name(S.INIT)
    err = _recv_error(ctx, init, stream) if init is not None else None
    if err is not None:
        return _checks(ctx, if_stmt, err)
    skipped = [if_stmt]
    prev = if_stmt.prev_named_sibling
    while prev is not None and prev.type in ("comment", "if_statement"):
        if prev.type == "if_statement":
            skipped.append(prev)
        prev = prev.prev_named_sibling
    err = _recv_error(ctx, prev, stream) if prev is not None else None
    return err is not None and all(_checks(ctx, i, err) for i in skipped)


def _recv_error(ctx: FileContext, stmt: Node, stream: Binding) -> str | None:
    """E for a statement `x, E := stream.Recv()` (or `=`; also Send, SendMsg, RecvMsg,
    Header, CloseAndRecv, whose errors release the stream too)."""
    if stmt.type not in ("short_var_declaration", S.ASSIGNMENT):
        return None
    left, right = stmt.child_by_field_name("left"), stmt.child_by_field_name("right")
    if left is None or right is None or len(left.named_children) not in (1, 2) or len(right.named_children) != 1:
        return None
    call = S.unparen(right.named_children[0])
    fn = call.child_by_field_name("function") if call.type == "call_expression" else None
    if fn is None or fn.type != "selector_expression":
        return None
    operand, field = fn.child_by_field_name("operand"), fn.child_by_field_name("field")
    if operand is None or operand.type != "identifier" or binding(ctx, operand) != stream \
            or field is None or ctx.text(field) not in RELEASING:
        return None
    err = left.named_children[-1]
    return ctx.text(err) if err.type == "identifier" and ctx.text(err) != "_" else None


def _left_only_on_error(ctx: FileContext, loop: Node, err: str, stream: Binding) -> bool:
    """Every way out of loop is taken right after Recv returned an error (err != nil,
    err == io.EOF, errors.Is(err, io.EOF), ...), and the loop has no other end (`for { ... }`,
    or a condition `err == nil`)."""
    clause = next((c for c in loop.named_children if c.type in ("for_clause", "range_clause")), None)
    if clause is not None:
        cond = clause.child_by_field_name("condition") if clause.type == "for_clause" else None
        if cond is None or S.text(cond).replace(" ", "") != f"{err}==nil":
            return False
    elif any(c.type not in ("block", "comment") for c in loop.named_children):
        return False  # `for cond { ... }`
    return all(_after_recv_error(ctx, e, stream) for e in loop_exits(loop))


def _fix(ctx: FileContext, call: Node, a, stream: Binding, ctx_arg: Node) -> tuple[Fix | None, str | None]:
    if not a.in_statement_list:
        return None, "the call is not a statement of its own"
    if ctx.has_goto(a.stmt):
        return None, "the function uses goto"
    name, import_edit = ensure_import(ctx, "context")
    if ctx.imports.get(name, "context") != "context":
        return None, f"`{name}` names {ctx.imports[name]} in this file"
    if shadowed(ctx, name, a.stmt, package=False):
        return None, f"`{name}` is declared in this file or function, so it does not name the context package"
    sctx = fresh_name(ctx, a.stmt, "sctx")
    cancel = fresh_name(ctx, a.stmt, "cancel", taken={sctx})
    loop = enclosing_loop(a.stmt)
    lines = [f"{sctx}, {cancel} := {name}.WithCancel({ctx.text(ctx_arg)})"]
    edits: list[Edit] = []
    if loop is not None:
        body = loop.child_by_field_name("body")
        if body is None or not S.is_within(a.stmt, body) or S.block_of(a.stmt) is None \
                or S.block_of(a.stmt).id != body.id:
            return None, "the stream is opened inside a nested block of a loop"
        if exits_between(a.stmt, body.children[-1]):
            return None, "the stream is opened in a loop body that can be left early"
        end = insert_at_block_end(ctx, body, [f"{cancel}()"])
        if end is None:
            return None, "the loop body does not end on its own line"
        edits.append(end)
    else:
        lines.append(f"defer {cancel}()")
    before = insert_before_statement(ctx, a.stmt, lines)
    if before is None:
        return None, "the call's statement does not start its line"
    reason = escape(ctx, stream, after=a.stmt, defer_at=None if loop is not None else before.start, calls_own=False)
    if reason is not None:
        return None, reason
    edits += [before, Edit(ctx_arg.start_byte, ctx_arg.end_byte, sctx.encode())]
    if import_edit is not None:
        edits.append(import_edit)
    return Fix(f"Open the stream with a context cancelled by {cancel}()", tuple(sorted(edits, key=lambda e: e.start)),
               Applicability.SAFE), None


RULE = Rule(
    id=ID,
    doc=__doc__,
    find=find,
    triggers=(b"Recv(", b"CloseSend(", b"CloseAndRecv("),
)
