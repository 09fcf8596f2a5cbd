"""Package summaries: what the package's own functions do with the values handed to them.

- `closes(ctx, decl, index, member)`: the function closes its index-th parameter (or the
  parameter's `member`, e.g. `Body`) on every path: a `defer p.Body.Close()` (or a deferred
  literal calling it) at the top of its body, a plain `p.Body.Close()` statement at the top
  level of its body with no return, panic or jump before it, or the parameter passed on to
  another same-package function that closes it.
- `keeps(ctx, decl, index)`: the function lets the parameter escape (returns, stores, sends or
  assigns it, starts a goroutine with it, or passes it to a call outside the package): whoever
  receives it may own its cleanup.
- `returns(ctx, decl)`: the declared result types of the function (`*http.Response`,
  `*sql.Rows`, ...), read through gofix.analysis.types.

Each answer is computed once per package file and declaration, memoised on the context. The
summaries read every file of the package, so they are part of each file's cache key through
the package fingerprint (`PackageFile.fingerprint`).
"""

from __future__ import annotations

from typing import Any

from tree_sitter import Node

from gofix.analysis import syntax as S
from gofix.analysis import types as T
from gofix.analysis.context import FunctionFacts, is_declaration, literal_usage, use_kind
from gofix.analysis.lifetime import NON_OWNING_FUNCS, NON_OWNING_PACKAGES

_DEPTH = 4


def params(decl: T.Decl) -> list[str]:
    """The parameter names of a function declaration, one per position ("_" for unnamed)."""
    plist = decl.node.child_by_field_name("parameters")
    out: list[str] = []
    for p in plist.named_children if plist is not None else []:
        if p.type != S.PARAMETER_DECL:
            continue
        names = p.children_by_field_name("name")
        out.extend([decl.unit.text(n) for n in names] or ["_"])
    return out


def returns(ctx: Any, decl: T.Decl) -> tuple[T.GoType | None, ...]:
    """The declared result types of a same-package function."""
    return T._resolver(ctx).signature_results(decl.unit, decl.node)


def closes(ctx: Any, decl: T.Decl, index: int, member: str | None = "Body", method: str = "Close") -> bool:
    """decl closes its index-th parameter (`p.member.method()`) on every path."""
    key = ("summaries.closes", decl.unit.path, decl.node.start_byte, index, member, method)
    return T._memo(ctx, key, lambda: _closes(ctx, decl, index, member, method, 0))


def keeps(ctx: Any, decl: T.Decl, index: int) -> bool:
    """decl lets its index-th parameter escape (someone else may own its cleanup)."""
    key = ("summaries.keeps", decl.unit.path, decl.node.start_byte, index)
    return T._memo(ctx, key, lambda: _keeps(ctx, decl, index, 0))


def _param(decl: T.Decl, index: int) -> str | None:
    names = params(decl)
    name = names[index] if 0 <= index < len(names) else None
    return None if name in (None, "_") else name


def _uses(decl: T.Decl, name: str) -> list[Node]:
    body = decl.node.child_by_field_name("body")
    if body is None:
        return []
    return [u for u in FunctionFacts.compute(decl.node).uses.get(name, []) if S.is_within(u, body)]


def _cleanup_call(unit: T.Unit, ident: Node, member: str | None, method: str) -> Node | None:
    """The call `ident.member.method()` (or `ident.method()`) around ident, or None."""
    node = ident
    for name in ([member] if member else []) + [method]:
        p = node.parent
        if p is None or p.type != "selector_expression" or p.child_by_field_name("operand").id != node.id:
            return None
        if unit.text(p.child_by_field_name("field")) != name:
            return None
        node = p
    call = node.parent
    if call is None or call.type != "call_expression" or call.child_by_field_name("function").id != node.id:
        return None
    return call


def _closes(ctx: Any, decl: T.Decl, index: int, member: str | None, method: str, depth: int) -> bool:
    name = _param(decl, index)
    body = decl.node.child_by_field_name("body")
    if name is None or body is None or depth > _DEPTH:
        return False
    top = S.statements(body)
    for use in _uses(decl, name):
        if _rebinds(use):
            return False  # the parameter is declared again or reassigned: too clever to judge
    for stmt in top:
        if _stmt_closes(ctx, decl, stmt, name, member, method, depth):
            return True
        if _nil_guard(decl.unit, stmt, name, member):
            continue  # `if p == nil { return }`: nothing to close on that path
        if _may_leave(stmt):
            return False  # a path leaves before we reached a closing statement
    return False


def _nil_guard(unit: T.Unit, stmt: Node, name: str, member: str | None) -> bool:
    if stmt.type != "if_statement" or stmt.child_by_field_name(S.ELSE) is not None \
            or stmt.child_by_field_name(S.INIT) is not None:
        return False
    cond = S.unparen(stmt.child_by_field_name("condition"))
    allowed = {f"{name} == nil"} | ({f"{name}.{member} == nil"} if member else set())
    parts = [unit.text(S.unparen(p)) for p in _or_operands(cond)]
    if not parts or any(" ".join(p.split()) not in allowed for p in parts):
        return False
    body = S.statements(stmt.child_by_field_name(S.THEN))
    return len(body) == 1 and body[0].type == "return_statement"


def _or_operands(cond: Node) -> list[Node]:
    if cond.type == "binary_expression" and cond.child_by_field_name("operator").type == "||":
        return _or_operands(S.unparen(cond.child_by_field_name("left"))) + _or_operands(
            S.unparen(cond.child_by_field_name("right")))
    return [cond]


def _rebinds(use: Node) -> bool:
    return is_declaration(use) and (use.parent is None or use.parent.type != S.PARAMETER_DECL) or use_kind(use) == "target"


def _stmt_closes(ctx: Any, decl: T.Decl, stmt: Node, name: str, member: str | None, method: str, depth: int) -> bool:
    """A top-level statement that closes the parameter whenever it runs."""
    inner = S.go_call(stmt) if stmt.type == "defer_statement" else None
    if stmt.type == "defer_statement" and inner is not None and inner.type == "call_expression":
        fn = inner.child_by_field_name("function")
        if fn is not None and fn.type == S.FUNC_LITERAL:
            lit_body = fn.child_by_field_name("body")
            return any(_is_cleanup_stmt(ctx, decl, s, name, member, method, depth) for s in S.statements(lit_body))
        return _is_cleanup_call(ctx, decl, inner, name, member, method, depth)
    if stmt.type in ("expression_statement", S.ASSIGNMENT, "short_var_declaration", "return_statement"):
        return _is_cleanup_stmt(ctx, decl, stmt, name, member, method, depth)
    if stmt.type in ("if_statement", "expression_switch_statement"):  # `if err := p.Body.Close(); err != nil`
        init = stmt.child_by_field_name(S.INIT)
        return init is not None and _is_cleanup_stmt(ctx, decl, init, name, member, method, depth)
    return False


def _is_cleanup_stmt(ctx: Any, decl: T.Decl, stmt: Node, name: str, member: str | None, method: str, depth: int) -> bool:
    """`p.Body.Close()`, `_ = p.Body.Close()`, `err := p.Body.Close()`, `return p.Body.Close()`,
    or `helper(p)` with a same-package helper that closes it."""
    for n in S.walk(stmt):
        if n.type == S.FUNC_LITERAL:
            return False
        if n.type == "call_expression" and _is_cleanup_call(ctx, decl, n, name, member, method, depth):
            return True
    return False


def _is_cleanup_call(ctx: Any, decl: T.Decl, call: Node, name: str, member: str | None, method: str, depth: int) -> bool:
    unit = decl.unit
    fn = call.child_by_field_name("function")
    if fn is None:
        return False
    for n in S.walk(fn):
        if n.type == "identifier" and unit.text(n) == name and _cleanup_call(unit, n, member, method) is not None:
            return _cleanup_call(unit, n, member, method).id == call.id
    callee = _same_package_callee(ctx, decl.unit, call)
    if callee is None:
        return False
    args = call.child_by_field_name("arguments")
    for i, arg in enumerate(a for a in (args.named_children if args else []) if a.type != "comment"):
        arg = S.unparen(arg)
        if arg.type == "identifier" and unit.text(arg) == name:
            return _closes(ctx, callee, i, member, method, depth + 1)
        if member and arg.type == "selector_expression" and unit.text(arg) == f"{name}.{member}":
            return _closes(ctx, callee, i, None, method, depth + 1)
    return False


def _same_package_callee(ctx: Any, unit: T.Unit, call: Node) -> T.Decl | None:
    """A plain call `f(...)` of a package-level function (methods are not followed here)."""
    fn = call.child_by_field_name("function")
    if fn is None or S.unparen(fn).type != "identifier":
        return None
    return T.package_index(ctx).funcs.get(unit.text(S.unparen(fn)))


def _may_leave(stmt: Node) -> bool:
    """stmt (top level of the body) may end the function before the statements after it."""
    stack = [stmt]
    while stack:
        n = stack.pop()
        if n.type == S.FUNC_LITERAL:
            continue
        if n.type in ("return_statement", "goto_statement"):
            return True
        if n.type == "call_expression":
            name = S.callee_parts(n)[1]
            if name == "panic" or name in ("Fatal", "Fatalf", "FailNow", "Exit", "Goexit"):
                return True
        stack.extend(n.named_children)
    return False


def _keeps(ctx: Any, decl: T.Decl, index: int, depth: int) -> bool:
    name = _param(decl, index)
    if name is None:
        return False
    if depth > _DEPTH:
        return True
    unit = decl.unit
    for use in _uses(decl, name):
        kind = use_kind(use)
        if kind in ("returned", "stored", "sent", "address", "assigned"):
            return True
        if any(a.type == "go_statement" for a in _ancestors_within(use, decl.node)):
            return True
        lit = next((a for a in _ancestors_within(use, decl.node) if a.type == S.FUNC_LITERAL), None)
        if lit is not None and literal_usage(lit) in ("passed", "stored", "returned", "assigned"):
            return True
        if kind == "passed":
            call = use.parent.parent
            callee = _same_package_callee(ctx, unit, call)
            if callee is not None:
                args = [a for a in use.parent.named_children if a.type != "comment"]
                i = next(k for k, a in enumerate(args) if a.id == use.id)
                if _keeps(ctx, callee, i, depth + 1):
                    return True
                continue
            if not non_owning(unit, call):
                return True
    return False


def _ancestors_within(node: Node, stop: Node):
    for a in S.ancestors(node):
        if a.id == stop.id:
            return
        yield a


# Calls that only read a value handed to them (never close or keep it): the lifetime layer's
# list, plus the io readers and writers.
NON_OWNING_FUNCS = {
    **NON_OWNING_FUNCS,
    "io": ("ReadAll", "Copy", "CopyN", "CopyBuffer", "ReadFull", "ReadAtLeast", "WriteString"),
}


def non_owning(unit: T.Unit, call: Node) -> bool:
    """call (in another file of the package) only reads the values passed to it: fmt.*,
    log.*, errors.*, httputil.Dump*, io.ReadAll, ... (judged through that file's imports)."""
    fn = call.child_by_field_name("function")
    if fn is None or fn.type != "selector_expression":
        return False
    operand = fn.child_by_field_name("operand")
    if operand is None or operand.type != "identifier":
        return False
    path = unit.imports.get(unit.text(operand))
    name = unit.text(fn.child_by_field_name("field"))
    return path in NON_OWNING_PACKAGES or name in NON_OWNING_FUNCS.get(path or "", ())
