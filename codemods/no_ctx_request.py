"""no-ctx-request: I/O started without a context

## What it does
Finds I/O that takes no context at all, when a form that takes one exists:
- `net/http`: `http.NewRequest`, and `Get`, `Post`, `PostForm`, `Head` (the package
  functions and the methods of an `*http.Client`); `httptest.NewRequest`;
- `database/sql`: `Query`, `QueryRow`, `Exec`, `Prepare`, `Ping` and `Begin` on a `*sql.DB`,
  `Query`, `QueryRow`, `Exec`, `Prepare` and `Stmt` on a `*sql.Tx`, `Query`, `QueryRow`,
  `Exec` on a `*sql.Stmt`;
- `net`: `Dial`, `DialTimeout`, `Listen`, `ListenPacket`, the `Lookup*` functions, and
  `Dial` on a `net.Dialer`; `crypto/tls`: `Dial`, `DialWithDialer`, `Dial` on a
  `tls.Dialer`, `Handshake` on a `*tls.Conn`; `os/exec`: `Command`.

Package functions are resolved through the imports (any alias; a local variable named
`http` does not count). A receiver counts only when its type is known from declarations: a
parameter, `var` or struct field declared with that type, or a variable assigned from a call
whose result type is known (`sql.Open`, `db.Begin()`, `tls.Client`, `&net.Dialer{...}`, ...).
A method promoted from an embedded field counts too (`struct{ *http.Client }`'s `Get`),
unless the package's type declares a method of that name itself.
The shape of a use is never evidence: receivers of unknown type are not reported.

Not reported: a request that receives a context later (`req = req.WithContext(ctx)`,
`c.Do(req.WithContext(ctx))`, `req.Clone(ctx)`, a stored template `s.req = req` used as
`s.req.WithContext(ctx)`), one handed to a call together with a context (`send(ctx, c,
req)`: the callee can attach it), and one that is never sent (only its fields are used, or
it is passed to `httputil.Dump*`, `fmt` or `log`); a `Handshake` after a `SetDeadline` (or
`SetReadDeadline`) on the same connection: it is bounded.

Severity `warning` when a context is in scope, `hint` otherwise, and `hint` in a `_test.go`
file whose only context is `t.Context()` (a test is short-lived; the fix still applies when
the rule is selected). The context in scope is,
for the enclosing function: its `context.Context` parameter; `r.Context()` of its
`*http.Request` parameter when it is a handler (it also has an `http.ResponseWriter`
parameter); `t.Context()` of its `*testing.T`/`B`/`F` or `testing.TB` parameter (Go >=
1.24); or a context variable declared in it before the call. A function literal called in
place sees its enclosing function's context; a `go` statement, a `defer`, or a literal that
is passed, stored or returned does not (its code may run after the function returned).

## Why is this bad?
Nothing can cancel such a call or bound it with a deadline: when the client disconnects or
the server shuts down, the request, query, dial or command keeps its connection and
goroutine busy until it finishes on its own, or forever against a peer that never answers.
When the function was given a context, the caller's cancellation is silently dropped.

## Example
```go
func load(ctx context.Context, db *sql.DB, id int) error {
	_, err := db.Exec("UPDATE t SET seen = 1 WHERE id = ?", id)
	return err
}
```
Use instead:
```go
func load(ctx context.Context, db *sql.DB, id int) error {
	_, err := db.ExecContext(ctx, "UPDATE t SET seen = 1 WHERE id = ?", id)
	return err
}
```

## Fix safety
Unsafe, and only when a context is in scope: the call now stops when that context is
cancelled, which changes behaviour (a write that used to finish after the client left is
aborted). `http.NewRequest(m, u, b)` becomes `http.NewRequestWithContext(ctx, m, u, b)`,
`db.Query(q, args...)` becomes `db.QueryContext(ctx, q, args...)` (likewise `QueryRow`,
`Exec`, `Prepare`, `Ping`, `tx.Stmt`), `db.Begin()` becomes `db.BeginTx(ctx, nil)`,
`net.Dial(n, a)` becomes `(&net.Dialer{}).DialContext(ctx, n, a)` (`DialTimeout`'s timeout
goes into the Dialer, an existing Dialer's `Dial` becomes its `DialContext`), `net.Listen`
becomes `(&net.ListenConfig{}).Listen(ctx, ...)`, `net.LookupX(...)` becomes
`net.DefaultResolver.LookupX(ctx, ...)`, `tls.Dial(n, a, cfg)` becomes
`(&tls.Dialer{Config: cfg}).DialContext(ctx, n, a)` (only when the connection is used as a
`net.Conn`: `DialContext` returns one), `conn.Handshake()` becomes
`conn.HandshakeContext(ctx)`, `exec.Command` becomes `exec.CommandContext` and
`httptest.NewRequest` becomes `httptest.NewRequestWithContext` (Go >= 1.23).

No fix, and the message says why, when: no context is in scope; the context parameter is
unnamed or re-declared at the call; the request is stored in a struct field, map or package
variable (a template reused across calls would keep this call's context); `http.Get` and
the client methods (the request must be built and sent with `Do`, spelled out in the
message); `net.LookupIP` (the resolver's method takes a network argument); the call's
layout is unusual (comments among its arguments).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tree_sitter import Node

from codemods._report import (
    CONTEXT,
    HTTP,
    SQL,
    declaration_of,
    display,
    function_chain,
    in_defer,
    is_type,
    named_type,
    parameters,
    prepend_argument,
    type_of,
)
from gofix.analysis import syntax as S
from gofix.analysis import types
from gofix.analysis.context import FileContext, is_declaration, literal_usage, use_kind
from gofix.analysis.edits import replace_node
from gofix.analysis.model import Applicability, Edit, Finding, Fix, Severity
from gofix.analysis.rule import Imports, Rule

ID = "no-ctx-request"
NET, TLS, EXEC, HTTPTEST = "net", "crypto/tls", "os/exec", "net/http/httptest"
HTTP_SENDS = ("Get", "Post", "PostForm", "Head")
LOOKUPS = ("LookupAddr", "LookupCNAME", "LookupHost", "LookupMX", "LookupNS", "LookupPort", "LookupSRV",
           "LookupTXT")
_NET_CONN_METHODS = frozenset({"Read", "Write", "Close", "LocalAddr", "RemoteAddr", "SetDeadline",
                               "SetReadDeadline", "SetWriteDeadline"})


@dataclass(frozen=True)
class Api:
    """What a context-free call is, and how it is written with a context."""

    what: str  # the verb of the message: "runs", "dials", ...
    instead: Callable[[FileContext, Node, str], str]  # (ctx, call, context text) -> the replacement, shown
    rewrite: Callable[[FileContext, Node, str], tuple[Edit, ...] | str] | None
    # rewrite -> the edits, or why there is none; None: no context form of the same shape
    request: bool = False  # builds an *http.Request (WithContext/Clone later, stored templates)
    min_go: tuple[tuple[int, int], str] | None = None  # the context form needs this Go version: (version, its name)


# --- rewrites -------------------------------------------------------------------------------------


def _callee(call: Node) -> Node:
    return call.child_by_field_name("function")


def _field(call: Node) -> Node:
    return _callee(call).child_by_field_name("field")


def _recv_text(ctx: FileContext, call: Node) -> str:
    return display(ctx, _callee(call).child_by_field_name("operand"), 40)


def _renamed(new: str, extra: str = ""):
    """`x.Name(args)` -> `x.<new>(ctx, args)` (`extra` appended after ctx: BeginTx's nil)."""

    def rewrite(ctx: FileContext, call: Node, expr: str) -> tuple[Edit, ...] | str:
        arg = prepend_argument(ctx, call, expr + extra)
        if arg is None:
            return "comments among the arguments"
        return replace_node(_field(call), new), arg

    return rewrite


def _new_callee(make: Callable[[FileContext, Node, list[str]], str | None], drop_first: int = 0,
                drop_last: int = 0):
    """Replace the whole callee (`net.Dial` -> `(&net.Dialer{}).DialContext`) and prepend ctx;
    arguments moved into the callee (`DialTimeout`'s timeout) are dropped from the list."""

    def rewrite(ctx: FileContext, call: Node, expr: str) -> tuple[Edit, ...] | str:
        args = call.child_by_field_name("arguments")
        real = [c for c in args.named_children if c.type != "comment"]
        if S.has_spread(args):
            return "the arguments are spread from a slice"
        moved = [ctx.text(c) for c in real[:drop_first]] + [ctx.text(c) for c in real[len(real) - drop_last:]]
        callee = make(ctx, call, moved)
        if callee is None:
            return "the moved argument would need reformatting"
        if not drop_first and not drop_last:
            arg = prepend_argument(ctx, call, expr)
            if arg is None:
                return "comments among the arguments"
            return replace_node(_callee(call), callee), arg
        if args.start_point.row != args.end_point.row or len(real) != args.named_child_count:
            return "the arguments span several lines or hold comments"
        kept = [ctx.text(c) for c in real[drop_first:len(real) - drop_last]]
        return (Edit(_callee(call).start_byte, args.end_byte,
                     f"{callee}({', '.join([expr, *kept])})".encode()),)

    return rewrite


def _pkg(ctx: FileContext, call: Node) -> str:
    return ctx.text(_callee(call).child_by_field_name("operand"))


def _composite_value(text: str) -> str | None:
    """An argument as gofmt writes it alone in a composite literal: `5*time.Second` becomes
    `5 * time.Second`; None when the expression mixes operators (left to a human)."""
    tree = S.parse(f"package p\nvar _ = {text}\n".encode())
    spec = next(n for n in S.walk(tree.root_node) if n.type == "var_spec")
    value = spec.child_by_field_name("value").named_children[0]
    if value.type != "binary_expression":
        return None if any(n.type == "binary_expression" for n in S.walk(value)) else text
    left, right = value.child_by_field_name("left"), value.child_by_field_name("right")
    op = value.child_by_field_name("operator")
    if any(n.type == "binary_expression" for x in (left, right) for n in S.walk(x)):
        return None
    return f"{S.text(left)} {S.text(op)} {S.text(right)}"


def _dialer(ctx: FileContext, call: Node, moved: list[str]) -> str | None:
    if not moved:
        return f"(&{_pkg(ctx, call)}.Dialer{{}}).DialContext"
    timeout = _composite_value(moved[0])
    return None if timeout is None else f"(&{_pkg(ctx, call)}.Dialer{{Timeout: {timeout}}}).DialContext"


def _tls_dialer(ctx: FileContext, call: Node, moved: list[str]) -> str | None:
    *net_dialer, config = moved
    fields = [f"NetDialer: {net_dialer[0]}"] if net_dialer and net_dialer[0] != "nil" else []
    fields += [f"Config: {config}"] if config != "nil" else []
    return f"(&{_pkg(ctx, call)}.Dialer{{{', '.join(fields)}}}).DialContext"


def _tls_dial(drop_first: int):
    inner = _new_callee(_tls_dialer, drop_first=drop_first, drop_last=1)

    def rewrite(ctx: FileContext, call: Node, expr: str) -> tuple[Edit, ...] | str:
        why = _used_beyond_net_conn(ctx, call)
        return why if why is not None else inner(ctx, call, expr)

    return rewrite


def _used_beyond_net_conn(ctx: FileContext, call: Node) -> str | None:
    """DialContext returns a net.Conn: the connection may only be used as one."""
    stmt = call.parent.parent if call.parent is not None and call.parent.type == "expression_list" else None
    if stmt is None or stmt.type != "short_var_declaration" or stmt.child_by_field_name("right").named_child_count != 1:
        return "DialContext returns a net.Conn and the result is not a new variable"
    conn = stmt.child_by_field_name("left").named_children[0]
    name = ctx.text(conn)
    if name == "_":
        return None
    fn = S.enclosing_function(call)
    for use in ctx.uses(fn, name, stmt.end_byte):
        if declaration_of(ctx, use) is None or declaration_of(ctx, use).id != conn.id:
            continue
        p = use.parent
        if use_kind(use) == "member" and ctx.text(p.child_by_field_name("field")) in _NET_CONN_METHODS:
            continue
        if p.type == "binary_expression":
            continue  # conn != nil
        return f"DialContext returns a net.Conn and {name} is used as a *tls.Conn"
    return None


def _shown_pkg(path: str) -> str:
    return path.rsplit("/", 1)[-1]


def _as_instead(template: str):
    """A message's replacement from a template: {recv} the receiver, {ctx} the context."""
    return lambda ctx, call, c: template.format(recv=_recv_text(ctx, call), ctx=c)


def _newer(template: str, version: tuple[int, int], older: str):
    """_as_instead's template from that Go version on; before it (or unknown), older."""
    def instead(ctx: FileContext, call: Node, c: str) -> str:
        v = ctx.module.go_version
        return _as_instead(template if v is not None and v >= version else older)(ctx, call, c)
    return instead


_HOW = {
    "Get": ("http.MethodGet", "url, nil", ""),
    "Head": ("http.MethodHead", "url, nil", ""),
    "Post": ("http.MethodPost", "url, body", ", set the Content-Type header"),
    "PostForm": ("http.MethodPost", "url, strings.NewReader(data.Encode())",
                 ", set Content-Type to application/x-www-form-urlencoded"),
}


def _send(name: str) -> Api:
    method, args, extra = _HOW[name]

    def instead(ctx: FileContext, call: Node, c: str) -> str:
        sender = "http.DefaultClient" if ctx.is_pkg_call(call, HTTP) else _recv_text(ctx, call)
        return (f"req, err := http.NewRequestWithContext({c}, {method}, {args}){extra} and send it "
                f"with {sender}.Do(req)")

    return Api("sends a request", instead, None)


def _method(name: str, what: str = "runs", new: str | None = None, extra: str = "", shown: str | None = None) -> Api:
    new = new or name + "Context"
    more = ", ..." if not extra and name not in ("Ping", "Handshake") else ""
    shown = shown or f"{{recv}}.{new}({{ctx}}{extra}{more})"
    return Api(what, _as_instead(shown), _renamed(new, extra))


def _no_fix(why: str):
    return lambda ctx, call, expr: why


_SQL_COMMON = {n: _method(n) for n in ("Query", "QueryRow", "Exec")}
PACKAGE_CALLS: dict[tuple[str, str], Api] = {
    (HTTP, "NewRequest"): Api("creates a request", _as_instead("http.NewRequestWithContext({ctx}, ...)"),
                              _renamed("NewRequestWithContext"), request=True),
    **{(HTTP, n): _send(n) for n in HTTP_SENDS},
    (HTTPTEST, "NewRequest"): Api("creates a request", _newer("httptest.NewRequestWithContext({ctx}, ...)", (1, 23),
                                                          "httptest.NewRequest(...).WithContext({ctx})"),
                                  _renamed("NewRequestWithContext"), request=True,
                                  min_go=((1, 23), "httptest.NewRequestWithContext")),
    (NET, "Dial"): Api("dials", _as_instead("(&net.Dialer{{}}).DialContext({ctx}, ...)"), _new_callee(_dialer)),
    (NET, "DialTimeout"): Api(
        "dials",
        lambda ctx, call, c: f"(&net.Dialer{{Timeout: {_timeout_shown(ctx, call)}}}).DialContext({c}, ...)",
        _new_callee(_dialer, drop_last=1)),
    **{(NET, n): Api("listens", _as_instead(f"(&net.ListenConfig{{{{}}}}).{n}({{ctx}}, ...)"),
                     _new_callee(lambda ctx, call, _, n=n: f"(&{_pkg(ctx, call)}.ListenConfig{{}}).{n}"))
       for n in ("Listen", "ListenPacket")},
    **{(NET, n): Api("resolves", _as_instead(f"net.DefaultResolver.{n}({{ctx}}, ...)"),
                     _new_callee(lambda ctx, call, _, n=n: f"{_pkg(ctx, call)}.DefaultResolver.{n}"))
       for n in LOOKUPS},
    (NET, "LookupIP"): Api("resolves", _as_instead('net.DefaultResolver.LookupIP({ctx}, "ip", host)'),
                           _no_fix("net.DefaultResolver.LookupIP takes a network argument and treats "
                                   "address literals its own way")),
    (TLS, "Dial"): Api(
        "dials", lambda ctx, call, c: f"(&tls.Dialer{{{_tls_fields(ctx, call, 0)}}}).DialContext({c}, ...)",
        _tls_dial(0)),
    (TLS, "DialWithDialer"): Api(
        "dials", lambda ctx, call, c: f"(&tls.Dialer{{{_tls_fields(ctx, call, 1)}}}).DialContext({c}, ...)",
        _tls_dial(1)),
    (EXEC, "Command"): Api("starts a command", _as_instead("exec.CommandContext({ctx}, ...)"),
                           _renamed("CommandContext")),
}
METHODS: dict[tuple[str, str], dict[str, Api]] = {
    (HTTP, "Client"): {n: _send(n) for n in HTTP_SENDS},
    (SQL, "DB"): {**_SQL_COMMON, "Prepare": _method("Prepare"), "Ping": _method("Ping"),
                  "Begin": _method("Begin", new="BeginTx", extra=", nil")},
    (SQL, "Tx"): {**_SQL_COMMON, "Prepare": _method("Prepare"), "Stmt": _method("Stmt")},
    (SQL, "Stmt"): dict(_SQL_COMMON),
    (NET, "Dialer"): {"Dial": _method("Dial", what="dials")},
    (TLS, "Dialer"): {"Dial": _method("Dial", what="dials")},
    (TLS, "Conn"): {"Handshake": _method("Handshake")},
}


def _args(ctx: FileContext, call: Node) -> list[str]:
    return [ctx.text(c) for c in call.child_by_field_name("arguments").named_children if c.type != "comment"]


def _timeout_shown(ctx: FileContext, call: Node) -> str:
    args = _args(ctx, call)
    return args[-1] if args else "timeout"


def _tls_fields(ctx: FileContext, call: Node, dialer: int) -> str:
    args = [display(ctx, c, 30) for c in call.child_by_field_name("arguments").named_children if c.type != "comment"]
    if len(args) < 3 + dialer or any(len(a) > 30 or "\n" in a for a in args[:dialer] + args[-1:]):
        return "NetDialer: d, Config: config" if dialer else "Config: config"
    return _tls_dialer(ctx, call, args[:dialer] + [args[-1]]).split("{", 1)[1].rsplit("}", 1)[0]


# --- which call -------------------------------------------------------------------------------------

NAMES = sorted({n for _, n in PACKAGE_CALLS} | {n for m in METHODS.values() for n in m})


def _api(ctx: FileContext, call: Node) -> tuple[Api, str] | None:
    """The API a call is, and how the message shows it (`db.Query`, `net.Dial`)."""
    name = ctx.call_name(call)
    operand = _callee(call).child_by_field_name("operand")
    if operand.type == "identifier":
        path = ctx.imports.get(ctx.text(operand))
        if path is not None and (path, name) in PACKAGE_CALLS and ctx.is_pkg_call(call, path, name):
            return PACKAGE_CALLS[(path, name)], f"{_shown_pkg(path)}.{name}"
    recv = type_of(ctx, operand)
    api = METHODS.get((recv.path, recv.base), {}).get(name) if recv is not None else None
    if api is None and recv is not None:
        api = _promoted(ctx, recv, name)
    if api is None:
        return None  # unknown receiver: never a guess
    return api, f"{display(ctx, operand, 40)}.{name}"


def _promoted(ctx: FileContext, recv: types.GoType, name: str) -> Api | None:
    """The API of a method promoted from an embedded field (`struct{ *http.Client }`'s Get),
    unless the package's type declares a method of that name itself."""
    if recv.path != types.LOCAL or (recv.base, name) in types.package_index(ctx).methods:
        return None
    for (path, base), apis in METHODS.items():
        embedded = types.field_type(ctx, recv, base) if name in apis else None
        if embedded is not None and embedded.is_(path, base):
            return apis[name]
    return None


def _deadline_before(ctx: FileContext, call: Node) -> bool:
    """`c.SetDeadline(...)` (or SetReadDeadline) on the same receiver earlier in the function."""
    recv = ctx.text(_callee(call).child_by_field_name("operand"))
    fn = S.enclosing_function(call)
    for n in S.walk(fn) if fn is not None else ():
        if n.start_byte >= call.start_byte:
            break
        if n.type == "call_expression" and ctx.call_name(n) in ("SetDeadline", "SetReadDeadline"):
            f = _callee(n)
            if f.type == "selector_expression" and ctx.text(f.child_by_field_name("operand")) == recv:
                return True
    return False


# --- requests that get their context later, or are kept ----------------------------------------


def _request_variable(ctx: FileContext, call: Node) -> tuple[Node | None, Node | None]:
    """(the identifier the request is assigned to, the target when it is not a local)."""
    node = call
    while node.parent is not None and node.parent.type == "parenthesized_expression":
        node = node.parent
    p = node.parent
    if p is None or p.type != "expression_list" or p.parent is None:
        return None, None
    stmt = p.parent
    if stmt.type not in ("short_var_declaration", S.ASSIGNMENT, "var_spec"):
        return None, None
    left = stmt.child_by_field_name("left") if stmt.type != "var_spec" else None
    targets = list(left.named_children) if left is not None else list(stmt.children_by_field_name("name"))
    if not targets:
        return None, None
    target = targets[0]
    if target.type != "identifier":
        return None, target  # s.tmpl, m[k]
    if ctx.text(target) == "_":
        return None, None
    if stmt.type == "var_spec" and S.enclosing_function(stmt) is None:
        return None, target  # a package-level template
    if declaration_of(ctx, target) is None and not is_declaration(target):
        return None, target if ctx.text(target) in ctx.package_level_names else None
    return target, None


def _request_uses(ctx: FileContext, call: Node, var: Node) -> list[Node]:
    """The uses of the request variable after the call (same declaration)."""
    fn = S.outermost_function(call)
    if fn is None:
        return []  # a call outside any function (tree-sitter accepts it, Go does not)
    decl = var if is_declaration(var) else declaration_of(ctx, var)
    out = []
    for use in ctx.uses(fn, ctx.text(var), call.end_byte):
        d = declaration_of(ctx, use)
        if d is not None and decl is not None and d.id == decl.id:
            out.append(use)
    return out


_NON_SENDING = (("net/http/httputil", None), ("fmt", None), ("log", None), ("errors", None))


def _context_later(ctx: FileContext, call: Node, var: Node | None, target: Node | None) -> str | None:
    """Why the request needs no context now (None: it does): it gets one later
    (`WithContext`, `Clone`), is handed on together with a context, or is never sent."""
    node = call
    while node.parent is not None and node.parent.type == "parenthesized_expression":
        node = node.parent
    p = node.parent
    if p is not None and p.type == "selector_expression" and ctx.text(p.child_by_field_name("field")) in (
            "WithContext", "Clone"):
        return "chained"  # http.NewRequest(...).WithContext(ctx)
    fn = S.outermost_function(call)
    if target is not None and fn is not None and _template_gets_context(ctx, fn, ctx.text(target)):
        return "template"
    if var is None:
        return None
    uses = _request_uses(ctx, call, var)
    sendable = False
    for use in uses:
        kind = use_kind(use)
        if kind == "member":
            field = ctx.text(use.parent.child_by_field_name("field"))
            if field in ("WithContext", "Clone"):
                return "later"
            sendable |= field in ("Write", "WriteProxy")
            continue
        if kind == "passed":
            callee = use.parent.parent
            if any(ctx.is_pkg_call(callee, path) for path, _ in _NON_SENDING):
                continue  # httputil.DumpRequestOut, fmt.Println: nothing sends it
            if any(_is_context(ctx, a) for a in use.parent.named_children if a.id != use.id):
                return "handed on with a context"
        if kind == "assigned" and target is None:
            stored = _assigned_to(ctx, use)
            if stored is not None and fn is not None and _template_gets_context(ctx, fn, ctx.text(stored)):
                return "template"
        sendable = True
    return None if sendable else "never sent"


def _template_gets_context(ctx: FileContext, fn: Node, text: str) -> bool:
    """`<text>.WithContext(...)` or `.Clone(...)` somewhere in fn (a stored template)."""
    for n in S.walk(fn):
        if n.type == "selector_expression" and ctx.text(n.child_by_field_name("field")) in ("WithContext", "Clone"):
            operand = n.child_by_field_name("operand")
            if operand is not None and ctx.text(operand) == text:
                return True
    return False


def _is_context(ctx: FileContext, expr: Node) -> bool:
    t = type_of(ctx, expr)
    return t is not None and t.is_(CONTEXT, "Context")


def _assigned_to(ctx: FileContext, use: Node) -> Node | None:
    """For `x = use` (one of several), the left-hand side that receives use."""
    stmt = use.parent.parent if use.parent.type == "expression_list" else use.parent
    if stmt is None or stmt.type != S.ASSIGNMENT:
        return None
    left, right = stmt.child_by_field_name("left"), stmt.child_by_field_name("right")
    if left is None or right is None or left.named_child_count != right.named_child_count:
        return None
    i = next((i for i, c in enumerate(right.named_children) if c.id == use.id), None)
    return left.named_children[i] if i is not None else None


def _stored_in(ctx: FileContext, call: Node, var: Node | None, target: Node | None) -> str | None:
    """Where a request is kept beyond this call (a field, map or package variable), or None."""
    if target is not None:
        return display(ctx, target, 40)
    if var is None:
        return None
    for use in _request_uses(ctx, call, var):
        kind = use_kind(use)
        if kind == "stored":
            return "a composite literal"
        if kind == "assigned":
            lhs = _assigned_to(ctx, use)
            if lhs is not None and (lhs.type != "identifier" or (declaration_of(ctx, lhs) is None
                                                                 and ctx.text(lhs) in ctx.package_level_names)):
                return display(ctx, lhs, 40)
    return None


# --- the context in scope ----------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    expr: str | None  # what the fix passes; None when no fix can use it
    why: str | None = None  # why there is no usable expression
    test: bool = False  # t.Context() of a test: the only context there


def _param_named(ctx: FileContext, fn: Node, test) -> list[Node | None]:
    return [name for name, typ in parameters(fn) if test(typ)]


def _usable_param(ctx: FileContext, call: Node, param: Node | None, context_ok: bool) -> str | None:
    """Why the parameter cannot be named at call (None: it can)."""
    if param is None or ctx.text(param) in ("", "_"):
        return "name the function's context.Context parameter" if context_ok else "the parameter is unnamed"
    decl = declaration_of(ctx, call, ctx.text(param))
    if decl is not None and decl.id == param.id:
        return None
    if context_ok and decl is not None and _is_context(ctx, decl):
        return None  # `ctx, cancel := context.WithTimeout(ctx, d)`: a context declared here
    return f"{ctx.text(param)} is re-declared here"


def _local_context(ctx: FileContext, fn: Node, call: Node) -> str | None:
    """The name of the latest context variable declared in fn (not in a nested literal)
    before the call and visible at it."""
    best: Node | None = None
    for d in _context_locals(ctx, fn):
        if d.start_byte >= call.start_byte:
            break
        seen = declaration_of(ctx, call, ctx.text(d))
        if seen is not None and seen.id == d.id:
            best = d
    return ctx.text(best) if best is not None else None


def _context_locals(ctx: FileContext, fn: Node) -> list[Node]:
    """The declaring identifiers of fn's own context variables, in source order (once per fn)."""

    def compute() -> list[Node]:
        if b"Context" not in ctx.src[fn.start_byte : fn.end_byte] and not ctx.package_imports(*_CONTEXT_IMPORTS):
            # a context.Context is named only where context is imported; without that, only
            # a library method named Context (t.Context(), r.Context()) hands one over
            return []
        found = [d for idents in ctx.facts(fn).uses.values() for d in idents
                 if is_declaration(d) and S.enclosing_function(d).id == fn.id and _is_context(ctx, d)]
        return sorted(found, key=lambda n: n.start_byte)

    return ctx.memo(("no-ctx-request.context-locals", fn.id), compute)


# context and the older paths of the same package (gofix.analysis.types.SAME_PACKAGE), as
# an import spec ends them
_CONTEXT_IMPORTS = (b'context"', b"context`")
_TESTING = (("testing", "T"), ("testing", "B"), ("testing", "F"), ("testing", "TB"))


def context_source(ctx: FileContext, call: Node) -> tuple[Source | None, str]:
    """The context in scope at call (None: none), and why there is none."""
    if in_defer(call):
        return None, "deferred"
    note = "no context in scope"
    for fn in function_chain(call):
        params = parameters(fn)
        for name, typ in params:
            if is_type(ctx, typ, CONTEXT, "Context"):
                why = _usable_param(ctx, call, name, True)
                return Source(ctx.text(name) if why is None else None, why), ""
        if any(is_type(ctx, typ, HTTP, "ResponseWriter") for _, typ in params):
            for name, typ in params:
                if typ is not None and typ.type == "pointer_type" and is_type(ctx, typ, HTTP, "Request"):
                    why = _usable_param(ctx, call, name, False)
                    return Source(f"{ctx.text(name)}.Context()" if why is None else None, why), ""
        for name, typ in params:
            t = named_type(ctx, typ)
            if t is not None and (t.path, t.base) in _TESTING:
                if ctx.module.go_version is None or ctx.module.go_version < (1, 24):
                    note = f"{ctx.text(name) if name is not None else 't'}.Context() needs Go >= 1.24"
                    break
                why = _usable_param(ctx, call, name, False)
                return Source(f"{ctx.text(name)}.Context()" if why is None else None, why, test=True), ""
        local = _local_context(ctx, fn, call)
        if local is not None:
            return Source(local), ""
        if fn.type == S.FUNC_LITERAL and literal_usage(fn) == "called":
            continue
        if fn.type == S.FUNC_LITERAL:
            return None, "detached"
        return None, note
    return None, note


def _outer_context(ctx: FileContext, call: Node) -> str | None:
    """The context of a function around a detached literal (for the message)."""
    for fn in function_chain(call):
        for name, typ in parameters(fn):
            if is_type(ctx, typ, CONTEXT, "Context") and name is not None and ctx.text(name) != "_":
                return ctx.text(name)
    return None


# --- the finding -------------------------------------------------------------------------------------


def find(ctx: FileContext) -> list[Finding]:
    out = []
    for call in ctx.selector_calls(*NAMES):
        finding = _check(ctx, call)
        if finding is not None:
            out.append(finding)
    return out


def _check(ctx: FileContext, call: Node) -> Finding | None:
    found = _api(ctx, call)
    if found is None:
        return None  # not one of the APIs, as far as the declarations show
    api, shown = found
    if ctx.call_name(call) == "Handshake" and _deadline_before(ctx, call):
        return None  # conn.SetDeadline(...) first: the handshake is bounded
    var, target = _request_variable(ctx, call) if api.request else (None, None)
    if api.request and _context_later(ctx, call, var, target) is not None:
        return None  # gets a context later (WithContext, Clone, a sender given ctx) or is never sent
    source, note = context_source(ctx, call)
    problem = f"{shown} {api.what} with no context, so nothing can cancel it or bound it with a deadline"
    if source is None:
        instead = api.instead(ctx, call, "ctx")
        outer = _outer_context(ctx, call) if note in ("deferred", "detached") else None
        if outer is not None:
            message = (f"{problem}; this code may run after the function returns (a goroutine, a defer or a "
                       f"callback), so give it a context that outlives the call, e.g. context.WithoutCancel({outer}) "
                       f"(Go >= 1.21), and use {instead}; no automatic fix: the function's context may be "
                       "cancelled by then")
        else:
            why = note if note not in ("deferred", "detached") else "no context in scope"
            message = f"{problem}; if the caller can be cancelled, accept a context.Context and use {instead}; " \
                      f"no automatic fix: {why}"
        return ctx.finding(ID, call, message, Severity.HINT)
    instead = api.instead(ctx, call, source.expr or "ctx")
    if source.expr is None:
        message = f"{problem}, dropping this function's context; use {instead}; no automatic fix: {source.why}"
        return ctx.finding(ID, call, message, Severity.WARNING)
    message = f"{problem}, dropping this function's context ({source.expr}); use {instead}"
    fix, why = _fix(ctx, call, api, source.expr, var, target)
    if fix is None:
        message += f"; no automatic fix: {why}"
    # a test whose only context is t.Context(): short-lived, a hint (its fix applies when selected)
    severity = Severity.HINT if source.test and ctx.path.endswith("_test.go") else Severity.WARNING
    return ctx.finding(ID, call, message, severity, fix)


def _fix(ctx: FileContext, call: Node, api: Api, expr: str, var: Node | None,
         target: Node | None) -> tuple[Fix | None, str]:
    if api.rewrite is None:
        return None, "there is no context form of the same shape (build the request and send it with Do)"
    if api.min_go is not None and (ctx.module.go_version is None or ctx.module.go_version < api.min_go[0]):
        version, name = api.min_go
        return None, f"{name} needs Go >= {version[0]}.{version[1]}"
    if api.request:
        stored = _stored_in(ctx, call, var, target)
        if stored is not None:
            return None, (f"the request is stored in {stored}, a template reused across calls that would keep "
                          "this call's context")
    edits = api.rewrite(ctx, call, expr)
    if isinstance(edits, str):
        return None, edits
    return Fix(f"Use {api.instead(ctx, call, expr)}", edits, Applicability.UNSAFE), ""


RULE = Rule(
    id=ID,
    doc=__doc__,
    find=find,
    triggers=(b"Get", b"Post", b"Head", b"NewRequest", b"Query", b"Exec", b"Prepare", b"Ping", b"Begin",
              b"Stmt", b"Dial", b"Listen", b"Lookup", b"Handshake", b"Command"),
    requires=(Imports((b"net/http", b"database/sql", b"jmoiron/sqlx", b'"net"', b"crypto/tls", b"os/exec")),),
)
