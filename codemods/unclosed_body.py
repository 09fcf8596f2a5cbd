"""unclosed-body: an HTTP response body is never closed, or closed on some paths only

## What it does
Finds `resp, err := http.Get(url)` (also `Post`, `PostForm`, `Head`, the same methods of
`http.DefaultClient`, and `c.Do(req)`, `c.Get(url)`, ... where `c` is declared or typed as
an `*http.Client` in the function or file, or `resp` is used as a response) with no
`resp.Body.Close()` in the function, and with a `resp.Body.Close()` that an early return,
`t.Fatal`, `panic`, `break` or `continue` between the call and it skips.

## Why is this bad?
Until its body is closed (or read to EOF), the response holds its connection: the
connection is not returned to the pool, and its read goroutine stays blocked. Under load the process runs
out of connections, file descriptors and memory.

A HEAD response has an empty body and its connection is reused without `Close`: such a
finding is a hint (style, for linters such as bodyclose), not an error.

## Example
```go
resp, err := client.Do(req)
if err != nil {
	return err
}
if resp.StatusCode != http.StatusOK {
	return fmt.Errorf("status %d", resp.StatusCode)
}
body, err := io.ReadAll(resp.Body)
resp.Body.Close()
```
Use instead:
```go
resp, err := client.Do(req)
if err != nil {
	return err
}
defer resp.Body.Close()
if resp.StatusCode != http.StatusOK {
	return fmt.Errorf("status %d", resp.StatusCode)
}
body, err := io.ReadAll(resp.Body)
resp.Body.Close()
```

## Fix safety
Safe. `defer resp.Body.Close()` goes directly after the `if err != nil { ... }` that
follows the call, when that check always leaves (return, panic, `log.Fatal*`, `os.Exit`,
`t.Fatal*`, or `continue`/`break` of an enclosing loop), or first in `if err == nil { ... }`.
Existing `resp.Body.Close()` calls stay (closing a body twice returns nil); the last one is
removed only when it sits just before the function's final `return` and that return calls
nothing. Inside a loop body the fix is `resp.Body.Close()` at the end of the body, only when
no early exit follows the check. No fix when no such check follows (resp may be nil), when
`err` is `_`, when the body is handed to a helper named like close/drain, or when the
response is used by a goroutine or a callback. No finding when `resp` or `resp.Body` is
returned, stored, sent or passed whole to another function: the callee may own the body.
"""

from __future__ import annotations

from dataclasses import replace

from tree_sitter import Node

from codemods import _closers as C
from gofix import syntax as S
from gofix.context import FileContext
from gofix.model import Finding, Severity
from gofix.rules import Rule

ID = "unclosed-body"
PACKAGE_FUNCS = ("Get", "Post", "PostForm", "Head")
CLIENT_METHODS = ("Do", "Get", "Post", "PostForm", "Head")
RESPONSE_FIELDS = ("Body", "StatusCode", "Status", "Header", "ContentLength")
NEVER = ("the response body is never closed: unless it is read to EOF, its connection is not "
         "returned to the pool and its read goroutine stays blocked; close {var}.Body")
HEAD = ("the response body of a HEAD request is never closed, but it is empty and its connection "
        "is reused anyway: style only; close {var}.Body to keep linters such as bodyclose quiet")


def find(ctx: FileContext) -> list[Finding]:
    out = []
    for call in C.selector_calls(ctx, CLIENT_METHODS):
        source = _source(ctx, call)
        if source is None:
            continue
        res = C.Resource(ID, call, NEVER.format(var=_var(ctx, call) or "resp"),
                         member="Body", helpers=True)
        finding = C.check(ctx, res)
        if finding is not None and ctx.call_name(call) == "Head" and finding.message.startswith("the response"):
            # A HEAD response has no body: nothing leaks (measured with a Go program).
            finding = replace(finding, severity=Severity.HINT,
                              message=HEAD.format(var=_var(ctx, call) or "resp"))
        if finding is not None:
            out.append(finding)
    return out


def _var(ctx: FileContext, call: Node) -> str | None:
    c = C.creation(ctx, call, True)
    return c.var if c is not None else None


def _source(ctx: FileContext, call: Node) -> str | None:
    """What makes the call an HTTP request: "package", "default-client", "client", or None."""
    name = ctx.call_name(call)
    if name in PACKAGE_FUNCS and ctx.is_pkg_call(call, "net/http", *PACKAGE_FUNCS):
        return "package"
    fn = call.child_by_field_name("function")
    recv = S.unparen(fn.child_by_field_name("operand"))
    if ctx.is_pkg_member(recv, "net/http", "DefaultClient"):
        return "default-client"
    if recv.type == "selector_expression" and recv.child_by_field_name("operand").type == "identifier":
        if ctx.resolves_to_import(recv.child_by_field_name("operand"), "net/http"):
            return None  # another member of package http: not a client we know
    if _is_client(ctx, call, recv) or _used_as_response(ctx, call):
        return "client"
    return None


def _is_client(ctx: FileContext, call: Node, recv: Node) -> bool:
    """recv is declared or typed as an *http.Client in the function chain or the file."""
    pattern = C.pkg_type_pattern(ctx, {"net/http": ("Client", "DefaultClient")})
    return pattern is not None and C.declared_as(ctx, call, recv, pattern)


def _used_as_response(ctx: FileContext, call: Node) -> bool:
    c = C.creation(ctx, call, True)
    return c is not None and C.used_as(ctx, c, RESPONSE_FIELDS)


RULE = Rule(
    id=ID,
    doc=__doc__,
    find=find,
    triggers=(b"Get(", b"Post(", b"PostForm(", b"Head(", b"Do("),
    nolint=("bodyclose",),
)
