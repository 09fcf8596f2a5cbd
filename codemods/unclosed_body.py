"""unclosed-body: an HTTP response body is never closed, or closed on some paths only

## What it does
Finds `resp, err := <call>` where the call is known from the declarations to return a
`*net/http.Response`: `http.Get` (also `Post`, `PostForm`, `Head`), the same methods and `Do`
of `http.DefaultClient` or of a value declared `*http.Client` / `http.Client` (a parameter,
local, struct field or package variable, in any file of the package), `Do`, `Get`, `Head`,
`Post` and `PostForm` of `golang.org/x/net/context/ctxhttp`, a same-package
function whose signature returns `*http.Response`, or a call whose result is stored in a
variable declared `*http.Response`; with no `resp.Body.Close()` in the function, or with a
`resp.Body.Close()` that an early return, `t.Fatal`, `panic`, `break` or `continue` between
the call and it skips. A discarded response (`_, err := http.Get(u)`, or `http.Get(u)` as a
statement) is a finding too. A `Get` whose receiver's type is unknown or not an HTTP client
(a key-value store's `Get` whose result has a `Header`) is not.

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
`t.Fatal*`, or `continue`/`break` of an enclosing loop), after `require.NoError(t, err)` or
`if !assert.NoError(t, err) { return }`, or first in `if err == nil { ... }`. A discarded
response declared with `:=` is named `resp` (or a fresh `resp2`, ...) first. Existing
`resp.Body.Close()` calls stay (closing a body twice returns nil); the last one is removed
only when it sits just before the function's final `return` and that return calls nothing.
Inside a loop body the fix is `resp.Body.Close()` at the end of the body, only when no early
exit follows the check. No fix (the message says why) when no such check follows (resp may
be nil; a bare `assert.NoError` lets the test go on), when `err` is `_`, when the response
is used by a goroutine or a callback, or for a bare `http.Get(u)` statement. No finding
when `resp` or `resp.Body` is returned, stored, sent or passed whole to a function of
another package (the callee may own the body) or to a same-package function that keeps it;
one that only reads it (`fmt.*`, `log.*`, `errors.*`, `httputil.Dump*`, `t.Log`, a method
call on it) is not an escape, and a same-package helper that closes the body on every path
counts as a close.
"""

from __future__ import annotations

from dataclasses import replace

from tree_sitter import Node

from codemods import _closers as C
from gofix.analysis import types
from gofix.analysis.context import FileContext
from gofix.analysis.model import Finding, Severity
from gofix.analysis.rule import PackageImports, Rule

ID = "unclosed-body"
CLIENT_METHODS = frozenset({"Do", "Get", "Post", "PostForm", "Head", "RoundTrip"})
RESPONSE_FIELDS = ("Body", "StatusCode", "Status", "Header", "ContentLength")
RESPONSE = types.GoType("net/http", "*Response")
NEVER = ("the response body is never closed: unless it is read to EOF, its connection is not "
         "returned to the pool and its read goroutine stays blocked; close {var}.Body")
DISCARDED = ("the response is discarded, so its body is never closed: its connection is not returned "
             "to the pool and its read goroutine stays blocked; name it and close {var}.Body")
BARE = ("the response of {call} is discarded, so its body is never closed: its connection is not "
        "returned to the pool and its read goroutine stays blocked (no automatic fix: the call's "
        "results are not assigned; assign them, check the error and close the body)")
HEAD = ("the response body of a HEAD request is never closed, but it is empty and its connection "
        "is reused anyway: style only; close {var}.Body to keep linters such as bodyclose quiet")


def find(ctx: FileContext) -> list[Finding]:
    out = []
    for call in ctx.entry_nodes("call_expression"):
        if not _returns_response(ctx, call):
            continue
        c = C.creation(ctx, call, True, blank=True)
        var = c.var if c is not None and c.var != "_" else ctx.fresh_name(call, "resp")
        if call.parent is not None and call.parent.type == "expression_statement":
            finding = ctx.finding(ID, call, BARE.format(call=_callee(ctx, call)), Severity.ERROR)
        else:
            res = C.Resource(ID, call, NEVER.format(var=var), member="Body", helpers=True,
                             blank=DISCARDED, fresh="resp")
            finding = C.check(ctx, res)
        if finding is not None and ctx.call_name(call) == "Head" and "closed on some paths" not in finding.message:
            # A HEAD response has no body: nothing leaks (measured with a Go program).
            why = finding.message[finding.message.find(" (no automatic fix"):] if "(no automatic fix" in finding.message else ""
            finding = replace(finding, severity=Severity.HINT, message=HEAD.format(var=var) + why)
        if finding is not None:
            out.append(finding)
    return out


def _callee(ctx: FileContext, call: Node) -> str:
    return ctx.text(call.child_by_field_name("function"))


def _returns_response(ctx: FileContext, call: Node) -> bool:
    """The call is known to return a *net/http.Response: http.Get & co., a method of a value
    declared *http.Client / http.Client (http.DefaultClient), a same-package function whose
    signature says so, or its result is stored in a variable declared *http.Response."""
    stmt = call.parent
    if stmt is None or stmt.type not in ("expression_list", "expression_statement", "parenthesized_expression"):
        return False  # nested in another expression: neither branch below holds (most calls end here)
    name = ctx.call_name(call)
    if name not in CLIENT_METHODS:
        # Other callees (same-package helpers) only when the result is assigned and used as a
        # response: a cheap filter before reading the package's declarations, not evidence.
        c = C.creation(ctx, call, True)
        if c is None or not C.used_as(ctx, c, RESPONSE_FIELDS):
            return False
    elif stmt.type == "parenthesized_expression":
        return False
    results = types.results_of(ctx, call)
    if results:
        return results[0] == RESPONSE and not types.is_type(ctx, C.receiver(call) or call, "net/http/httptest",
                                                             "ResponseRecorder")
    c = C.creation(ctx, call, True)
    if c is None or c.defines:
        return False
    lhs = c.stmt.child_by_field_name("left")
    return lhs is not None and types.type_of(ctx, lhs.named_children[0]) == RESPONSE


RULE = Rule(
    id=ID,
    doc=__doc__,
    find=find,
    triggers=(b"Get(", b"Post(", b"PostForm(", b"Head(", b"Do(", b"RoundTrip(", b".Body", b"StatusCode"),
    # Every *http.Response the declarations show comes from a library function of net/http,
    # net/http/httptest or ctxhttp, or from a declaration that names a net/http type: in
    # any case an import in some file of the package.
    requires=(PackageImports((b"net/http", b"ctxhttp")),),
    nolint=("bodyclose",),
)
