"""no-ctx-request: HTTP or SQL I/O started without a context

## What it does
Finds I/O that takes no context at all:
- `http.Get`, `http.Post`, `http.PostForm`, `http.Head` and `http.NewRequest` of
  `net/http` (under any import alias; a local variable named `http` does not count);
- the methods `Get`, `Post`, `PostForm`, `Head` on an `*http.Client`;
- `Query`, `QueryRow`, `Exec`, `Prepare` on a `*sql.DB` or `*sql.Tx`, and `Query`,
  `QueryRow`, `Exec` on a `*sql.Stmt` (`database/sql`).

Without type information, the receiver's type comes from the file: a parameter, a `var`
or a struct field declared with that type (`db *sql.DB`, `client *http.Client`, any import
alias), or a variable assigned from `&http.Client{...}`, `new(http.Client)`,
`http.DefaultClient`, `sql.Open(...)`, `db.Begin()`/`BeginTx(...)` (a `*sql.Tx`),
`db.Prepare(...)`/`tx.Prepare(...)` (a `*sql.Stmt`), or another such variable. A struct field
counts when every struct field of that name in the file has the same type (`s.db.Query`
with `db *sql.DB` in the file's struct). Receivers of unknown type are not reported.

Severity `warning` when a context is in scope: a `context.Context` parameter of the
enclosing function, or `r.Context()` of its `*http.Request` parameter `r` (a function
literal called in place sees its enclosing function's context; a `go` statement, a `defer`
or a literal that is passed, stored or returned does not). `hint` when there is no
context there to pass.

## Why is this bad?
Nothing can cancel such a call or bound it with a deadline: when the client disconnects or
the server shuts down, the request or query keeps its connection and goroutine busy until
it finishes on its own, or forever against a server that never answers (the default
`http.Client` has no timeout). When the function was given a context, the caller's
cancellation is silently dropped.

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
Unsafe, and only when a context is in scope: the call now stops when the caller's context
is cancelled, which changes behaviour (a write that used to finish after the client left is
aborted). `http.NewRequest(m, u, b)` becomes `http.NewRequestWithContext(ctx, m, u, b)`, and
`db.Query(q, args...)` becomes `db.QueryContext(ctx, q, args...)` (likewise `QueryRow`,
`Exec`, `Prepare`). The context is the `context.Context` parameter's name, or `r.Context()`
for an `*http.Request` parameter `r`. Not offered when that parameter is unnamed or `_`,
or re-declared where the call is. `http.Get`/`Post`/`PostForm`/`Head` and the client methods
have no context form with the same shape (the request must be built and sent with `Do`):
finding only, with the replacement spelled out in the message.
"""

from __future__ import annotations

from tree_sitter import Node

from codemods._report import (
    HTTP,
    SQL,
    available_context,
    context_param,
    display,
    function_chain,
    prepend_argument,
    type_of,
    usable_expression,
)
from gofix import syntax as S
from gofix.context import FileContext
from gofix.edits import replace_node
from gofix.model import Applicability, Finding, Fix, Severity
from gofix.rules import Rule

ID = "no-ctx-request"
HTTP_SENDS = ("Get", "Post", "PostForm", "Head")
SQL_METHODS = {
    (SQL, "DB"): ("Query", "QueryRow", "Exec", "Prepare"),
    (SQL, "Tx"): ("Query", "QueryRow", "Exec", "Prepare"),
    (SQL, "Stmt"): ("Query", "QueryRow", "Exec"),
}

CALLS = S.query(
    """((call_expression
         function: (selector_expression field: (field_identifier) @name)) @call
        (#match? @name "^(Get|Post|PostForm|Head|NewRequest|Query|QueryRow|Exec|Prepare)$"))"""
)

_HOW = {
    "Get": ("http.MethodGet", "url, nil", ""),
    "Head": ("http.MethodHead", "url, nil", ""),
    "Post": ("http.MethodPost", "url, body", ", set the Content-Type header"),
    "PostForm": ("http.MethodPost", "url, strings.NewReader(data.Encode())",
                 ", set Content-Type to application/x-www-form-urlencoded"),
}


def find(ctx: FileContext) -> list[Finding]:
    out = []
    for call in S.captures(CALLS, ctx.root).get("call", []):
        finding = _check(ctx, call)
        if finding is not None:
            out.append(finding)
    return out


def _check(ctx: FileContext, call: Node) -> Finding | None:
    name = ctx.call_name(call)
    fn = call.child_by_field_name("function")
    operand = fn.child_by_field_name("operand")
    kind = None  # "request" (NewRequest), "send" (http.Get & co, client methods), "sql"
    if ctx.is_pkg_call(call, HTTP, "NewRequest"):
        kind, shown = "request", "http.NewRequest"
    elif ctx.is_pkg_call(call, HTTP, *HTTP_SENDS):
        kind, shown, sender = "send", f"http.{name}", "http.DefaultClient"
    elif name != "NewRequest":
        recv = type_of(ctx, operand)
        if recv == (HTTP, "Client") and name in HTTP_SENDS:
            sender = display(ctx, operand, 40)
            kind, shown = "send", f"{sender}.{name}"
        elif recv in SQL_METHODS and name in SQL_METHODS[recv]:
            kind, shown = "sql", f"{display(ctx, operand, 40)}.{name}"
    if kind is None:
        return None  # not net/http or database/sql as far as this file shows

    source = available_context(ctx, call)
    expr = usable_expression(ctx, source, call) if source is not None else None
    ctx_text = expr or "ctx"
    if kind == "request":
        instead = f"http.NewRequestWithContext({ctx_text}, ...)"
    elif kind == "sql":
        instead = f"{shown}Context({ctx_text}, ...)"
    else:
        method, args, extra = _HOW[name]
        instead = (f"req, err := http.NewRequestWithContext({ctx_text}, {method}, {args}){extra} and send it "
                   f"with {sender}.Do(req)")
    what = "creates a request" if kind == "request" else "sends a request" if kind == "send" else "runs"
    problem = f"{shown} {what} with no context, so nothing can cancel it or bound it with a deadline"
    if source is None:
        outer = next((c for c in map(lambda f: context_param(ctx, f), function_chain(call)) if c is not None), None)
        if outer is not None and outer.name(ctx) not in ("", "_"):
            detached = f"context.WithoutCancel({outer.expression(ctx)})"
            message = (f"{problem}; this code may run after the function returns (a goroutine, a defer or a "
                       f"callback), so give it a context that outlives the call, e.g. {detached} (Go >= 1.21), "
                       f"and use {instead}")
        else:
            message = (f"{problem}; if the caller can be cancelled, accept a context.Context and use {instead}")
        return ctx.finding(ID, call, message, Severity.HINT)
    if expr is None:
        reason = ("name the function's context.Context parameter" if source.name(ctx) in ("", "_")
                  else f"{source.name(ctx)} is re-declared here")
        message = f"{problem}, dropping this function's context; use {instead} ({reason})"
        return ctx.finding(ID, call, message, Severity.WARNING)
    message = f"{problem}, dropping this function's context ({expr}); use {instead}"
    return ctx.finding(ID, call, message, Severity.WARNING, _fix(ctx, call, kind, expr))


def _fix(ctx: FileContext, call: Node, kind: str, expr: str) -> Fix | None:
    if kind == "send":
        return None  # no context form of the same shape
    field = call.child_by_field_name("function").child_by_field_name("field")
    new_name = "NewRequestWithContext" if kind == "request" else ctx.text(field) + "Context"
    arg = prepend_argument(ctx, call, expr)
    if arg is None:
        return None
    return Fix(f"Use {new_name}({expr}, ...)", (replace_node(field, new_name), arg), Applicability.UNSAFE)


RULE = Rule(
    id=ID,
    doc=__doc__,
    find=find,
    triggers=(b"Get", b"Post", b"Head", b"NewRequest", b"Query", b"Exec", b"Prepare"),
    requires=((b"net/http", b"database/sql", b"jmoiron/sqlx"),),
)
