"""request-context-in-goroutine: a goroutine uses the request's context, cancelled when the handler returns

## What it does
In a function with an `*http.Request` parameter `r` (`net/http` under any import alias),
finds a `go` statement whose function literal or arguments use `r.Context()`, pass the
request `r` itself on (to a call, a variable, a composite literal or a channel: it carries
the context), or use a variable that holds that context (`ctx := r.Context()`,
`ctx, cancel := context.WithTimeout(r.Context(), d)`, declared before the `go` statement).
Names are resolved through scopes: a goroutine parameter that shadows `r` is not the request.

Not reported: a goroutine whose only use of the context is waiting on its `Done()` channel
(a watcher that must stop when the request ends: that is what the cancellation is for),
`context.WithoutCancel(r.Context())` (the fix), reading fields of `r`
(`r.URL.Path`, `r.Header`: no context involved), passing `r` to `fmt`/`log`, to a
function of the same package (any file) that only reads its fields, or to one whose body
gofix cannot read (another package's: unknown is not a use; `c.Do(r)` of an `*http.Client`
is), and a handler that waits after starting
the goroutine (a `.Wait()` call, a channel receive or a `select` follows the `go` statement
in the handler's own body), since the context is still alive while it waits.

## Why is this bad?
The server cancels the request's context as soon as the handler returns. Work started in a
goroutine with that context is cut short at a random point (a database write aborted half
way, an outgoing call failing with `context canceled`), or, if it ignores the error, runs on
with a dead context.

## Example
```go
func handle(w http.ResponseWriter, r *http.Request) {
	go audit(r.Context(), r.URL.Path)
	w.WriteHeader(http.StatusAccepted)
}
```
Use instead:
```go
func handle(w http.ResponseWriter, r *http.Request) {
	go audit(context.WithoutCancel(r.Context()), r.URL.Path)
	w.WriteHeader(http.StatusAccepted)
}
```

## Fix safety
No fix: whether the work must outlive the request (detach it with
`context.WithoutCancel`, Go >= 1.21) or the handler should wait for it is a design
decision. The message names both.
"""

from __future__ import annotations

from tree_sitter import Node

from codemods._report import CONTEXT, CONTEXT_DERIVERS, declaration_of, function_chain, request_param
from gofix.analysis import syntax as S
from gofix.analysis import types
from gofix.analysis.context import FileContext, use_kind
from gofix.analysis.model import Finding, Severity
from gofix.analysis.rule import Rule

ID = "request-context-in-goroutine"



def find(ctx: FileContext) -> list[Finding]:
    out = []
    for stmt in ctx.token_nodes("go", "go_statement"):
        finding = _check(ctx, stmt)
        if finding is not None:
            out.append(finding)
    return out


def _check(ctx: FileContext, stmt: Node) -> Finding | None:
    handler, param = _handler(ctx, stmt)
    if handler is None or param is None:
        return None  # no *http.Request parameter around this go statement
    name = ctx.text(param)
    derived = _derived(ctx, handler, param, before=stmt.start_byte)
    how = None
    for n in S.walk(stmt):
        if n.type != "identifier":
            continue
        text = ctx.text(n)
        if text == name and _is(declaration_of(ctx, n), param):
            how = _request_use(ctx, n, name)
            if how is not None and _watches_done(ctx, n.parent.parent):
                how = None  # r.Context().Done(): the goroutine only waits for the cancellation
        elif text in derived and _is(declaration_of(ctx, n), derived[text]):
            if not _watches_done(ctx, n):
                how = f"{text} (derived from {name}.Context())"
        if how is not None:
            break
    if how is None:
        return None
    if _waits_after(handler, stmt):
        return None  # the handler waits for the goroutine: the context is still alive
    version = ctx.module.go_version
    detach = f"context.WithoutCancel({name}.Context())"
    if version is not None and version < (1, 21):
        detach += " (needs go >= 1.21 in go.mod)"
    else:
        detach += " (Go >= 1.21)"
    message = (f"this goroutine uses the request's context via {how}, which is cancelled as soon as the "
               f"handler returns, cutting its work short: if the work must outlive the request, give it "
               f"{detach}; otherwise wait for the goroutine (sync.WaitGroup, errgroup) before returning; no automatic "
               "fix: whether the work must outlive the request is a design decision")
    return ctx.finding(ID, stmt, message, Severity.WARNING)


def _is(a: Node | None, b: Node | None) -> bool:
    return a is not None and b is not None and a.id == b.id


def _handler(ctx: FileContext, stmt: Node) -> tuple[Node | None, Node | None]:
    """The nearest function around stmt with a named *http.Request parameter."""
    for fn in function_chain(stmt):
        param = request_param(ctx, fn)
        if param is not None:
            return (fn, param) if ctx.text(param) != "_" else (None, None)
    return None, None


def _request_use(ctx: FileContext, ident: Node, name: str) -> str | None:
    """How a use of the request hands its context on, or None (r.URL, r.Header, ...)."""
    parent = ident.parent
    if parent is not None and parent.type == "selector_expression":
        fld = parent.child_by_field_name("field")
        call = parent.parent
        if fld is None or ctx.text(fld) != "Context" or call is None or call.type != "call_expression":
            return None
        if _detached(ctx, call):
            return None
        return f"{name}.Context()"
    if use_kind(ident) in ("passed", "assigned", "stored", "sent"):
        if parent is not None and parent.type == S.ARGUMENTS:
            call = parent.parent
            if any(ctx.is_pkg_call(call, path) for path in _NON_OWNING):
                return None  # context.WithoutCancel(r), fmt.Sprint(r), log.Printf(..., r)
            if _sends(ctx, call):
                return f"{name} (sent with its context by {ctx.text(call.child_by_field_name('function'))})"
            if _reads_fields_only(ctx, call, ident):
                return None  # a helper that only reads r.URL, r.Header, ..., or one gofix cannot read
        return f"{name} (the request carries its context)"
    return None


_NON_OWNING = (CONTEXT, "fmt", "log", "net/http/httputil")


def _sends(ctx: FileContext, call: Node) -> bool:
    """An http.Client's Do or a RoundTripper's RoundTrip: the request is sent with its context."""
    fn = call.child_by_field_name("function")
    if fn is None or fn.type != "selector_expression" or ctx.call_name(call) not in ("Do", "RoundTrip"):
        return False
    t = types.type_of(ctx, fn.child_by_field_name("operand"))
    return t is not None and t.is_("net/http", "Client", "Transport", "RoundTripper")


def _reads_fields_only(ctx: FileContext, call: Node, arg: Node) -> bool:
    """Whether the callee does not reach the request's context through the argument: a
    function or method of the package whose parameter is only used to read fields (never
    its Context(), never handed on), or a callee whose body gofix cannot read (another
    package: unknown, and unknown is not a use)."""
    callee = call.child_by_field_name("function")
    if callee is not None and S.unparen(callee).type == S.FUNC_LITERAL:
        return False  # `go func(req *http.Request) { ... }(r)`: the literal's code is right here
    decl = types.func_decl(ctx, call)
    if decl is None:
        return True  # another package's function or an unknown method: not evidence
    args = [a for a in call.child_by_field_name("arguments").named_children if a.type != "comment"]
    index = next(i for i, a in enumerate(args) if S.is_within(arg, a))
    names: list[Node | None] = []
    plist = decl.node.child_by_field_name("parameters")
    for p in plist.named_children if plist is not None else ():
        if S.is_variadic_param(p):
            return False
        if p.type == S.PARAMETER_DECL:
            ns = list(p.children_by_field_name("name"))
            names.extend(ns if ns else [None])
    if index >= len(names) or names[index] is None:
        return False
    text = decl.unit.text
    pname = text(names[index])
    body = decl.node.child_by_field_name("body")
    if pname == "_" or body is None:
        return pname == "_"
    for n in S.walk(body):
        if n.type != "identifier" or text(n) != pname:
            continue
        p = n.parent
        if p is None or p.type != "selector_expression" or p.child_by_field_name("operand").id != n.id:
            return False  # handed on whole: it may reach the context
        if text(p.child_by_field_name("field")) in ("Context", "WithContext", "Clone"):
            return False
    return True


def _watches_done(ctx: FileContext, value: Node | None) -> bool:
    """value (a context expression) is only used as `value.Done()`: a goroutine that waits
    for the request's cancellation (to stop a watcher, say) uses it for exactly that."""
    if value is None:
        return False
    sel = value.parent
    if sel is None or sel.type != "selector_expression" or sel.child_by_field_name("operand") != value:
        return False
    fld = sel.child_by_field_name("field")
    call = sel.parent
    return fld is not None and ctx.text(fld) == "Done" and call is not None and call.type == "call_expression"


def _detached(ctx: FileContext, call: Node) -> bool:
    """call is the argument of context.WithoutCancel(...)."""
    args = call.parent
    return args is not None and args.type == S.ARGUMENTS and ctx.is_pkg_call(args.parent, CONTEXT, "WithoutCancel")


def _derived(ctx: FileContext, fn: Node, param: Node, before: int) -> dict[str, Node]:
    """Variables declared before `before` that hold r.Context() or a context derived from it
    with context.WithCancel/WithTimeout/... (not WithoutCancel): name -> declaring identifier."""
    found: dict[str, Node] = {}
    changed = True
    while changed:
        changed = False
        for n in S.walk(fn):
            if n.start_byte >= before or n.type not in ("short_var_declaration", "var_spec", S.ASSIGNMENT):
                continue
            left = n.child_by_field_name("left") or None
            names = list(left.named_children) if left is not None else list(n.children_by_field_name("name"))
            right = n.child_by_field_name("right") or n.child_by_field_name("value")
            if right is None or not names:
                continue
            values = [v for v in right.named_children if v.type != "comment"]
            if not values or not _holds_context(ctx, S.unparen(values[0]), param, found):
                continue
            target = names[0]
            if target.type != "identifier" or ctx.text(target) == "_":
                continue
            decl = target if n.type != S.ASSIGNMENT else declaration_of(ctx, target)
            if decl is not None and ctx.text(decl) not in found:
                found[ctx.text(decl)] = decl
                changed = True
    return found


def _holds_context(ctx: FileContext, value: Node, param: Node, found: dict[str, Node]) -> bool:
    if value.type != "call_expression":
        return False
    fn = value.child_by_field_name("function")
    if fn is not None and fn.type == "selector_expression":
        operand, fld = fn.child_by_field_name("operand"), fn.child_by_field_name("field")
        if operand is not None and operand.type == "identifier" and ctx.text(fld) == "Context" \
                and _is(declaration_of(ctx, operand), param):
            return True
    if ctx.is_pkg_call(value, CONTEXT, *CONTEXT_DERIVERS):
        args = value.child_by_field_name("arguments")
        first = next((a for a in args.named_children if a.type != "comment"), None) if args is not None else None
        if first is None:
            return False
        first = S.unparen(first)
        if first.type == "identifier" and ctx.text(first) in found:
            return _is(declaration_of(ctx, first), found[ctx.text(first)])
        return _holds_context(ctx, first, param, found)
    return False


def _waits_after(fn: Node, stmt: Node) -> bool:
    """A .Wait() call, a receive or a select follows stmt in fn (outside function literals)."""
    body = fn.child_by_field_name("body")
    stack = [body] if body is not None else []
    while stack:
        n = stack.pop()
        if n.type == S.FUNC_LITERAL and n.id != fn.id:
            continue
        if n.end_byte <= stmt.end_byte:
            continue
        if n.start_byte >= stmt.end_byte:
            if n.type == "select_statement":
                return True
            if n.type == "unary_expression":
                op = n.child_by_field_name("operator")
                if op is not None and op.type == "<-":
                    return True
            if n.type == "call_expression" and S.callee_parts(n)[1] == "Wait":
                return True
        stack.extend(n.named_children)
    return False


RULE = Rule(
    id=ID,
    doc=__doc__,
    find=find,
    triggers=(b"Request",),
    requires=((b"go",), (b"Context",)),
)
