"""unclosed-pipe: one end of an io.Pipe is not closed on every path

## What it does
Finds `pr, pw := io.Pipe()` where one end can be left open:
- the writer end: a goroutine started with a function literal writes to `pw`, and some path
  out of that literal neither calls `pw.Close()` / `pw.CloseWithError(...)` nor defers
  either (the finding points at the `go` statement);
- the reader end: the function reads `pr` itself (`io.Copy`, `io.ReadAll`, a json, xml or
  csv decoder, a bufio reader or scanner, a gzip or zlib reader, `pr.Read`), can return
  after starting the writer goroutine before it has read to EOF, and never closes `pr`
  (the finding points at the `io.Pipe()` call).

## Why is this bad?
An `io.Pipe` has no buffer: a `Read` waits for a `Write` or a close of the writer, a `Write`
waits for a `Read` or a close of the reader. A writer goroutine that returns on an error
path without closing `pw` leaves the reader blocked in `Read` forever; a reader that gives
up early without closing `pr` leaves the writer goroutine blocked in `Write` forever. Both
goroutines, and whatever they hold, leak.

## Example
```go
func upload(ctx context.Context, c *http.Client, v any) error {
	pr, pw := io.Pipe()
	go func() {
		if err := json.NewEncoder(pw).Encode(v); err != nil {
			return
		}
		pw.Close()
	}()
	return send(ctx, c, pr)
}
```
Use instead:
```go
	go func() {
		defer pw.Close()
		if err := json.NewEncoder(pw).Encode(v); err != nil {
			return
		}
		pw.Close()
	}()
```

## Fix safety
Safe. Writer end: `defer pw.Close()` as the goroutine's first statement, when `pw` is used
after the `go` statement only inside that goroutine; explicit `CloseWithError(err)` calls
stay and still decide what the reader sees, because a pipe keeps the first error it is
closed with and a later `Close` returns nil. Reader end: `defer pr.Close()` right after the
`io.Pipe()` line, when neither `pr` nor a reader wrapping it is returned, stored, sent or
used by another goroutine or a callback: a `Write` on a pipe whose reader is closed returns
`io.ErrClosedPipe`, so the writer goroutine can finish. No fix when the pipe is created in
a loop or in a statement that cannot take a line after it.
"""

from __future__ import annotations

from tree_sitter import Node

from gofix.analysis import Applicability, FileContext, Finding, Fix, Rule, Severity, insert_after_statement
from gofix.analysis import insert_at_block_start
from gofix.analysis import syntax as S
from gofix.analysis.flow import paths_missing
from gofix.analysis.lifetime import escape
from gofix.analysis.scope import Binding, binding, references
from gofix.analysis.shapes import assignment_of, enclosing_loop

ID = "unclosed-pipe"
CLOSERS = ("Close", "CloseWithError")

# Calls that read a reader argument to its end (or until an error) without closing it:
# (import path, function) -> the index of the reader argument.
READERS: dict[tuple[str, str], int] = {
    ("io", "Copy"): 1, ("io", "CopyN"): 1, ("io", "CopyBuffer"): 1, ("io", "ReadAll"): 0,
    ("io", "ReadFull"): 0, ("io", "ReadAtLeast"): 0, ("io/ioutil", "ReadAll"): 0,
    ("encoding/json", "NewDecoder"): 0, ("encoding/xml", "NewDecoder"): 0,
    ("encoding/csv", "NewReader"): 0, ("encoding/gob", "NewDecoder"): 0,
    ("bufio", "NewReader"): 0, ("bufio", "NewReaderSize"): 0, ("bufio", "NewScanner"): 0,
    ("compress/gzip", "NewReader"): 0, ("compress/zlib", "NewReader"): 0,
}
# Calls that only write into a writer argument (they never close it).
WRITERS = frozenset({
    ("io", "Copy"), ("io", "CopyN"), ("io", "CopyBuffer"), ("io", "WriteString"),
    ("fmt", "Fprint"), ("fmt", "Fprintf"), ("fmt", "Fprintln"),
    ("encoding/json", "NewEncoder"), ("encoding/xml", "NewEncoder"), ("encoding/csv", "NewWriter"),
    ("encoding/gob", "NewEncoder"), ("bufio", "NewWriter"), ("bufio", "NewWriterSize"),
    ("compress/gzip", "NewWriter"), ("compress/gzip", "NewWriterLevel"), ("compress/zlib", "NewWriter"),
    ("archive/tar", "NewWriter"), ("archive/zip", "NewWriter"), ("mime/multipart", "NewWriter"),
})


def find(ctx: FileContext) -> list[Finding]:
    out: list[Finding] = []
    for call in ctx.selector_calls("Pipe"):
        if not ctx.is_pkg_call(call, "io", "Pipe"):
            continue
        a = assignment_of(ctx, call)
        if a is None or len(a.lhs) != 2 or a.function is None:
            continue  # not `pr, pw := io.Pipe()`: not ours
        ends = [binding(ctx, n) if n.type == "identifier" and ctx.text(n) != "_" else None for n in a.lhs]
        pr, pw = ends
        if pw is None:
            continue
        writer = _writer_goroutine(ctx, pw, a.stmt)
        if writer is None:
            continue  # no goroutine writes to pw: nobody waits on the pipe here
        w = _writer_end(ctx, pw, writer)
        if w is not None:
            out.append(w)
        if pr is not None:
            r = _reader_end(ctx, call, a, pr, writer)
            if r is not None:
                out.append(r)
    return out


# --- the writer end ------------------------------------------------------------------------------


def _writer_goroutine(ctx: FileContext, pw: Binding, after: Node) -> Node | None:
    """The one `go func() { ... }()` statement after `after` whose literal uses pw."""
    found: list[Node] = []
    for use in references(ctx, pw):
        if use.start_byte < after.end_byte:
            continue
        go = _enclosing_go(use, pw.function)
        if go is not None and all(g.id != go.id for g in found):
            found.append(go)
    return found[0] if len(found) == 1 else None


def _enclosing_go(node: Node, fn: Node) -> Node | None:
    """The go statement directly in fn whose function literal holds node."""
    for a in S.ancestors(node):
        if a.id == fn.id:
            return None
        if a.type == "go_statement":
            outer = S.enclosing_function(a)
            return a if _go_literal(a) is not None and outer is not None and outer.id == fn.id else None
    return None


def _go_literal(go: Node) -> Node | None:
    call = next((c for c in go.named_children if c.type == "call_expression"), None)
    fn = S.unparen(call.child_by_field_name("function")) if call is not None else None
    return fn if fn is not None and fn.type == S.FUNC_LITERAL else None


def _is_close_of(ctx: FileContext, call: Node, end: Binding, names=CLOSERS) -> bool:
    fn = call.child_by_field_name("function")
    if fn is None or fn.type != "selector_expression":
        return False
    operand, field = fn.child_by_field_name("operand"), fn.child_by_field_name("field")
    if operand is None or field is None or operand.type != "identifier" or ctx.text(field) not in names:
        return False
    return binding(ctx, operand) == end


def _passed_to_unknown(ctx: FileContext, use: Node, known: frozenset | dict) -> bool:
    """use is an argument of a call other than the known ones and the non-closing methods
    of the pipe end itself: that call may close it."""
    args = use.parent
    if args is None or args.type != S.ARGUMENTS:
        return False
    call = args.parent
    fn = call.child_by_field_name("function") if call is not None else None
    if fn is not None and fn.type == "selector_expression":
        return not any(ctx.is_pkg_member(fn, path, name) for path, name in known)
    return True


def _writer_end(ctx: FileContext, pw: Binding, go: Node) -> Finding | None:
    lit = _go_literal(go)
    body = lit.child_by_field_name("body") if lit is not None else None
    if body is None:
        return None
    uses = [u for u in references(ctx, pw) if u.id != pw.ident.id]
    inside = [u for u in uses if S.is_within(u, lit)]
    outside = [u for u in uses if not S.is_within(u, lit)]
    if any(_close_call(ctx, u, pw) for u in outside):
        return None  # the creating function closes the writer itself
    if any(_passed_to_unknown(ctx, u, WRITERS) for u in inside):
        return None  # handed to a call that may close it: not known to leak
    missing = paths_missing(ctx, lit, lambda c: _is_close_of(ctx, c, pw))
    missing = [e for e in missing if e.kind != "goto"]
    if not missing:
        return None
    leak = missing[0]
    where = f"the return at line {leak.line}" if leak.kind == "return" else "the end of the goroutine"
    name = pw.name
    message = (f"the goroutine writing to {name} can leave ({where}) without closing it, so the reader "
               f"of the pipe blocks in Read forever; close {name} on every path")
    fix, reason = None, None
    after_go = [u for u in outside if u.start_byte > go.end_byte]
    if after_go:
        reason = f"{name} is also used after the go statement, outside the goroutine"
    else:
        edit = insert_at_block_start(ctx, body, [f"defer {name}.Close()"])
        if edit is None:
            reason = "the goroutine's body does not start on its own line"
        else:
            fix = Fix(f"Add defer {name}.Close() to the goroutine", (edit,), Applicability.SAFE)
    if fix is None:
        message += f" (no automatic fix: {reason})"
    return ctx.finding(ID, go, message, Severity.ERROR, fix)


def _close_call(ctx: FileContext, use: Node, end: Binding) -> bool:
    sel = use.parent
    call = sel.parent if sel is not None and sel.type == "selector_expression" else None
    return call is not None and call.type == "call_expression" and _is_close_of(ctx, call, end)


# --- the reader end ------------------------------------------------------------------------------


def _reader_end(ctx: FileContext, pipe: Node, a, pr: Binding, go: Node) -> Finding | None:
    fn = pr.function
    uses = [u for u in references(ctx, pr) if u.id != pr.ident.id]
    if any(_close_call(ctx, u, pr) for u in uses):
        return None
    reads = [u for u in uses if _reads(ctx, u, fn)]
    if not reads:
        return None  # the function does not read the pipe itself
    if any(_passed_to_unknown(ctx, u, READERS) for u in uses if u not in reads
           and not _method_use(u)):
        return None  # handed to an owner (a request body, a helper): not this rule's business
    body = fn.child_by_field_name("body")
    last = S.statements(body)[-1] if body is not None and S.statements(body) else None
    early = [r for r in _returns(fn) if r.start_byte > go.end_byte and (last is None or r.id != last.id)]
    if not early:
        return None
    message = (f"the function can return (line {early[0].start_point.row + 1}) before reading {pr.name} "
               f"to EOF and never closes it, so the goroutine writing to the pipe blocks in Write forever; "
               f"close {pr.name}")
    fix, reason = None, None
    if enclosing_loop(a.stmt) is not None:
        reason = "the pipe is created in a loop"
    elif not a.in_statement_list:
        reason = "the io.Pipe() call is not a statement of its own"
    else:
        edit = insert_after_statement(ctx, a.stmt, [f"defer {pr.name}.Close()"])
        if edit is None:
            reason = "the io.Pipe() line cannot take a line after it"
        else:
            derived = [pr.ident, *_derived(ctx, reads)]
            reason = escape(ctx, derived, after=a.stmt, defer_at=edit.start, calls_own=False)
            if reason is None:
                fix = Fix(f"Add defer {pr.name}.Close()", (edit,), Applicability.SAFE)
    if fix is None:
        message += f" (no automatic fix: {reason})"
    return ctx.finding(ID, pipe, message, Severity.ERROR, fix)


def _method_use(use: Node) -> bool:
    p = use.parent
    return p is not None and p.type == "selector_expression"


def _reads(ctx: FileContext, use: Node, fn: Node) -> bool:
    """use reads the pipe in fn itself (not in a nested literal)."""
    if S.enclosing_function(use) is None or S.enclosing_function(use).id != fn.id:
        return False
    p = use.parent
    if p is not None and p.type == "selector_expression":
        field = p.child_by_field_name("field")
        return field is not None and ctx.text(field) == "Read"
    if p is None or p.type != S.ARGUMENTS:
        return False
    call = p.parent
    f = call.child_by_field_name("function") if call is not None else None
    if f is None or f.type != "selector_expression":
        return False
    index = next(i for i, c in enumerate(p.named_children) if c.id == use.id)
    return any(ctx.is_pkg_member(f, path, name) and index == at for (path, name), at in READERS.items())


def _derived(ctx: FileContext, reads: list[Node]) -> list[Node]:
    """The variables holding readers built on the pipe: `dec := json.NewDecoder(pr)`."""
    out = []
    for use in reads:
        call = use.parent.parent if use.parent is not None and use.parent.type == S.ARGUMENTS else None
        a = assignment_of(ctx, call) if call is not None else None
        if a is not None:
            out.extend(n for n in a.targets() if n.type == "identifier" and ctx.text(n) != "_")
    return out


def _returns(fn: Node) -> list[Node]:
    out, stack = [], [fn.child_by_field_name("body")]
    while stack:
        n = stack.pop()
        if n is None or n.type == S.FUNC_LITERAL:
            continue
        if n.type == "return_statement":
            out.append(n)
            continue
        stack.extend(n.named_children)
    return sorted(out, key=lambda n: n.start_byte)


RULE = Rule(
    id=ID,
    doc=__doc__,
    find=find,
    triggers=(b"Pipe(",),
)
