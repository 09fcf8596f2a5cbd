"""blocking-broadcast: a broadcast loop sends to each client with a blocking send

## What it does
Finds a send statement `c.ch <- msg` inside `for _, c := range clients` (or
`for c := range clients`) over a map or a slice, where the channel is the range variable
itself or a field or element reached from it, and the send is not a case of a `select`.

## Why is this bad?
The loop waits on every receiver in turn. One slow or gone client (a full buffer, a reader
goroutine that exited) blocks the whole broadcast, and every client after it. When the
loop runs with a mutex held, as hubs often do, every other goroutine that needs the lock
(register, unregister, the next broadcast) piles up behind it: the goroutine leak grows
with each message.

## Example
```go
func (h *Hub) Broadcast(msg []byte) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for c := range h.clients {
		c.send <- msg
	}
}
```
Use instead:
```go
func (h *Hub) Broadcast(msg []byte) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for c := range h.clients {
		select {
		case c.send <- msg:
		default:
			close(c.send)
			delete(h.clients, c)
		}
	}
}
```

## Fix safety
No automatic fix: whether a client that cannot keep up is skipped, disconnected, or given
a timeout (`case <-time.After(d)`, `case <-ctx.Done()`) depends on the protocol. The finding
is a warning, an error when a `Lock()`/`RLock()` of a `sync.Mutex`/`sync.RWMutex` is held
across the loop.
"""

from __future__ import annotations

from tree_sitter import Node

from gofix.analysis import FileContext, Finding, Rule, Severity
from gofix.analysis import syntax as S
from gofix.analysis.scope import Binding, binding

ID = "blocking-broadcast"
_CONTAINERS = frozenset({"map_type", "slice_type", "array_type"})
_LOCKS = {"Lock": "Unlock", "RLock": "RUnlock"}


def find(ctx: FileContext) -> list[Finding]:
    out: list[Finding] = []
    for send in ctx.token_nodes("<-", "send_statement"):
        if S.is_communication(send):
            continue  # a select case: it can give up
        loop, var = _range_loop(ctx, send)
        if loop is None:
            continue
        channel = send.child_by_field_name("channel")
        if channel is None or not _reached_from(ctx, channel, var):
            continue
        clause = next(c for c in loop.named_children if c.type == "range_clause")
        over = clause.child_by_field_name("right")
        if over is None or not _is_container(ctx, over):
            continue  # not known to range over a map or a slice
        if _buffered_reply_channels(ctx, channel, over):
            continue  # every channel sent to here is made with a buffer: reply channels, sent once
        lock = _held_lock(ctx, loop)
        ch = ctx.text(channel)
        message = (f"blocking send to {ch} in a loop over {ctx.text(over)}: one slow or gone receiver "
                   f"blocks the whole broadcast")
        severity = Severity.WARNING
        if lock is not None:
            severity = Severity.ERROR
            message += f", and {lock} is held across the loop, so every goroutine that needs it waits too"
        message += (f"; send with `select {{ case {ch} <- ...: default: <drop or disconnect the client> }}`, "
                    f"or with a timeout or ctx.Done() case (no automatic fix: which one depends on the protocol)")
        out.append(ctx.finding(ID, send, message, severity))
    return out


def _buffered_reply_channels(ctx: FileContext, channel: Node, over: Node) -> bool:
    """Every channel that can reach the send is made with a buffer (`make(chan T, n)`, n not
    0), judging by all the values the package assigns to the channel's field (`c.respCh`:
    composite literal keys and assignments, in every file; test files only for a test file),
    or, for the range value itself,
    by the values the function puts into the slice or map it ranges over. The pattern is a
    reply channel per waiter, sent to once: it cannot block. Unknown values: False."""
    channel = S.unparen(channel)
    values: list[tuple[FileContext | None, Node]] = []
    if channel.type == "selector_expression":
        field = channel.child_by_field_name("field")
        if field is None:
            return False
        values = _field_values(ctx, ctx.text(field))
    elif channel.type == "identifier":
        target = ctx.text(S.unparen(over))
        fn = S.outermost_function(over)
        values = _element_values(ctx, fn, target) if fn is not None else []
    return bool(values) and all(_is_buffered(ctx, v) for v in values)


def _is_buffered(ctx: FileContext, value: Node, depth: int = 0) -> bool:
    """_is_buffered_make, following a field read (`pair.resp`) to the values the package
    assigns to that field."""
    value = S.unparen(value)
    if value.type == "selector_expression" and depth < 2:
        field = value.child_by_field_name("field")
        values = _field_values(ctx, S.text(field)) if field is not None else []
        return bool(values) and all(_is_buffered(ctx, v, depth + 1) for v in values)
    return _is_buffered_make(ctx, value)


def _field_values(ctx: FileContext, field: str) -> list[Node]:
    """Values assigned to a field of that name in the package's files (keyed composite
    literal elements and `x.field = v`); only the current file's nodes can be resolved
    further, so values from other files count only when they are make calls."""
    return ctx.memo((ID, "field-values", field), lambda: _collect_field_values(ctx, field))


def _collect_field_values(ctx: FileContext, field: str) -> list[Node]:
    out: list[Node] = []
    testing = ctx.path.endswith("_test.go")
    for f in ctx.package.files:
        if f.path.endswith("_test.go") and not testing:
            continue  # test files are not part of the program this file runs in
        tree = f.tree
        if tree is None:
            return []
        for n in S.walk(tree.root_node):
            if n.type == "keyed_element" and n.child_by_field_name("key") is not None \
                    and n.child_by_field_name("element") is not None:
                if S.text(n.child_by_field_name("key")).strip() == field:
                    out.append(n.child_by_field_name("element"))
            elif n.type == S.ASSIGNMENT:
                left, right = n.child_by_field_name("left"), n.child_by_field_name("right")
                if left is None or right is None or len(left.named_children) != len(right.named_children):
                    continue
                for l, r in zip(left.named_children, right.named_children):
                    if l.type == "selector_expression" and S.text(l.child_by_field_name("field")) == field:
                        out.append(r)
    return out


def _element_values(ctx: FileContext, fn: Node, target: str) -> list[Node]:
    """Values the function stores into `target`: `target[i] = v`, `target = append(target, v...)`."""
    out: list[Node] = []
    for n in S.walk(fn):
        if n.type != S.ASSIGNMENT:
            continue
        left, right = n.child_by_field_name("left"), n.child_by_field_name("right")
        if left is None or right is None or len(left.named_children) != 1 or len(right.named_children) != 1:
            continue
        l, r = left.named_children[0], S.unparen(right.named_children[0])
        if l.type == "index_expression" and S.text(l.child_by_field_name("operand")) == target:
            out.append(r)
        elif S.text(l) == target and r.type == "call_expression" and S.text(r.child_by_field_name("function")) == "append":
            args = r.child_by_field_name("arguments")
            out.extend(args.named_children[1:] if args is not None else [])
    return out


def _is_buffered_make(ctx: FileContext, value: Node) -> bool:
    """value is `make(chan T, n)` with n not 0, or a variable the function around it last
    defined as one before value (`ch := make(chan T, 1)`). Read from the syntax alone, so it
    works for nodes of the package's other files too."""
    value = S.unparen(value)
    if value.type == "identifier":
        value = _last_definition(value)
        if value is None:
            return False
    if value.type != "call_expression" or S.text(value.child_by_field_name("function")) != "make":
        return False
    args = value.child_by_field_name("arguments")
    size = args.named_children[1] if args is not None and len(args.named_children) > 1 else None
    return size is not None and S.text(size).strip() != "0"


def _last_definition(ident: Node) -> Node | None:
    fn = S.enclosing_function(ident)
    name = S.text(ident)
    found = None
    for n in S.walk(fn) if fn is not None else []:
        if n.type != "short_var_declaration" or n.start_byte >= ident.start_byte:
            continue
        left, right = n.child_by_field_name("left"), n.child_by_field_name("right")
        if left is None or right is None or len(left.named_children) != len(right.named_children):
            continue
        for l, r in zip(left.named_children, right.named_children):
            if S.text(l) == name:
                found = S.unparen(r)
    return found


def _range_loop(ctx: FileContext, send: Node) -> tuple[Node | None, list[Binding]]:
    """The innermost range loop around send in the same function (no goroutine or
    literal in between), and the bindings of its range variables."""
    for a in S.ancestors(send):
        if a.type in S.FUNCTION_TYPES or a.type == "go_statement":
            return None, []
        if a.type == "select_statement":
            return None, []
        if a.type != "for_statement":
            continue
        clause = next((c for c in a.named_children if c.type == "range_clause"), None)
        if clause is None:
            continue
        left = clause.child_by_field_name("left")
        names = [n for n in left.named_children if n.type == "identifier" and ctx.text(n) != "_"] \
            if left is not None else []
        bindings = [b for b in (binding(ctx, n) for n in names) if b is not None]
        return (a, bindings) if bindings else (None, [])
    return None, []


def _reached_from(ctx: FileContext, expr: Node, vars: list[Binding]) -> bool:
    """expr is a range variable, or a field, element or value reached from one
    (`c`, `c.send`, `c.conn.out`, `chans[i]`, `subs[c].ch`)."""
    expr = S.unparen(expr)
    if expr.type == "identifier":
        return binding(ctx, expr) in vars
    if expr.type == "selector_expression":
        operand = expr.child_by_field_name("operand")
        return operand is not None and _reached_from(ctx, operand, vars)
    if expr.type == "index_expression":
        operand, index = expr.child_by_field_name("operand"), expr.child_by_field_name("index")
        return (operand is not None and _reached_from(ctx, operand, vars)) or \
            (index is not None and _reached_from(ctx, index, vars))
    return False


def _is_container(ctx: FileContext, expr: Node) -> bool:
    """expr is declared as a map, slice or array (a local, a parameter, a struct field or a
    package variable; through a named type of the package too)."""
    expr = S.unparen(expr)
    typ = _declared_type(ctx, expr)
    return typ is not None and _container_type(ctx, typ, depth=0)


def _container_type(ctx: FileContext, typ: Node, depth: int) -> bool:
    if typ.type in _CONTAINERS:
        return True
    if typ.type in ("type_identifier", "identifier") and depth < 4:  # `make(Conns)`: an identifier
        for d in ctx.package.decls(S.text(typ)):
            if d.kind == "type":
                t = d.node.child_by_field_name("type")
                if t is not None and _container_type(ctx, t, depth + 1):
                    return True
    return False


def _declared_type(ctx: FileContext, expr: Node) -> Node | None:
    """The type node (or `make`/composite literal type) that declares expr."""
    if expr.type == "identifier":
        b = binding(ctx, expr)
        if b is None:
            for d in ctx.package.decls(ctx.text(expr)):
                if d.kind == "var":
                    return _spec_type(d.node, d.ident)
            return None
        decl = b.ident.parent
        if decl is None:
            return None
        if decl.type in ("parameter_declaration", "var_spec"):
            t = decl.child_by_field_name("type")
            return t if t is not None else _spec_type(decl, b.ident)
        if decl.type == "expression_list" and decl.parent is not None and decl.parent.type == "short_var_declaration":
            stmt = decl.parent
            i = next(i for i, c in enumerate(decl.named_children) if c.id == b.ident.id)
            right = stmt.child_by_field_name("right")
            values = right.named_children if right is not None else []
            return _value_type(values[i]) if i < len(values) and len(values) == len(decl.named_children) else None
        return None
    if expr.type == "selector_expression":
        operand, field = expr.child_by_field_name("operand"), expr.child_by_field_name("field")
        t = ctx.type_of(operand) if operand is not None else None
        if t is None or t.path != "" or field is None:
            return None
        return _field_type(ctx, t.base, ctx.text(field))
    return None


def _spec_type(spec: Node, ident: Node) -> Node | None:
    t = spec.child_by_field_name("type")
    if t is not None:
        return t
    names = spec.children_by_field_name("name")
    value = spec.child_by_field_name("value")
    if value is None:
        return None
    i = next((i for i, n in enumerate(names) if n.id == ident.id), None)
    values = value.named_children
    return _value_type(values[i]) if i is not None and i < len(values) else None


def _value_type(value: Node) -> Node | None:
    """The type written in `make(T, ...)`, `T{...}` or `&T{...}`."""
    value = S.unparen(value)
    if value.type == "call_expression":
        fn = value.child_by_field_name("function")
        args = value.child_by_field_name("arguments")
        if fn is not None and S.text(fn) == "make" and args is not None and args.named_children:
            return args.named_children[0]
    if value.type == "composite_literal":
        return value.child_by_field_name("type")
    return None


def _field_type(ctx: FileContext, type_name: str, field: str) -> Node | None:
    for d in ctx.package.decls(type_name):
        if d.kind != "type":
            continue
        struct = d.node.child_by_field_name("type")
        if struct is None or struct.type != "struct_type":
            continue
        for fd in (n for n in S.walk(struct) if n.type == "field_declaration"):
            if any(S.text(n) == field for n in fd.children_by_field_name("name")):
                return fd.child_by_field_name("type")
    return None


def _held_lock(ctx: FileContext, loop: Node) -> str | None:
    """`x.mu` when `x.mu.Lock()` (or RLock) runs before loop in the blocks around it, x.mu
    is declared as a sync.Mutex or sync.RWMutex, and no matching Unlock runs in between
    (a deferred Unlock runs after the loop)."""
    stmt = loop
    while stmt is not None and stmt.type not in S.FUNCTION_TYPES:
        parent = stmt.parent
        if parent is not None and S.in_statement_list(stmt):
            before = [s for s in S.statements(parent) if s.end_byte <= stmt.start_byte]
            held: dict[str, str] = {}
            for s in before:
                call = _call_statement(s)
                if call is None:
                    continue
                recv, method = _receiver_method(ctx, call)
                if recv is None:
                    continue
                if method in _LOCKS and _is_mutex(ctx, call):
                    held[recv] = _LOCKS[method]
                elif recv in held and method == held[recv]:
                    del held[recv]
            if held:
                return next(iter(held))
        stmt = parent
    return None


def _call_statement(stmt: Node) -> Node | None:
    if stmt.type != "expression_statement" or not stmt.named_children:
        return None
    call = stmt.named_children[0]
    return call if call.type == "call_expression" else None


def _receiver_method(ctx: FileContext, call: Node) -> tuple[str | None, str | None]:
    fn = call.child_by_field_name("function")
    if fn is None or fn.type != "selector_expression":
        return None, None
    operand, field = fn.child_by_field_name("operand"), fn.child_by_field_name("field")
    if operand is None or field is None:
        return None, None
    return ctx.text(operand), ctx.text(field)


def _is_mutex(ctx: FileContext, call: Node) -> bool:
    operand = call.child_by_field_name("function").child_by_field_name("operand")
    t = ctx.type_of(operand)
    return t is not None and t.is_("sync", "Mutex", "RWMutex")


RULE = Rule(
    id=ID,
    doc=__doc__,
    find=find,
    triggers=(b"<-",),
    requires=((b"range",),),
    reads_across=("field-values",),  # a channel field's values, assigned in other functions
)
