"""Lifetime: may a value be used after its function returns? (A deferred cleanup must not
outlive the value's users.)

    reason = escape(ctx, ident, after=stmt)          # None, or why a deferred cleanup is wrong
    reason = escape(ctx, ident, after=stmt, defer_at=edit.start, calls_own=False)

Uses are found through scope.references (a shadowing variable of the same name is another
variable). Reasons, in the source order of the first offending use after `after`:
returned; stored (composite literal element, struct field, map or slice element, package
variable); assigned to another variable; sent on a channel; address taken; passed whole to
a call that may own it (with calls_own=True; never for the known non-owning calls below);
used inside a `go` statement; used inside a function literal that is passed, stored,
returned or assigned (a callback that may run later); used inside the literal of a `defer`
registered before `defer_at` (defers run last-in first-out, so that literal runs after
the new cleanup).

Non-owning calls (they only read their arguments, during the call): fmt.*, log.*,
log/slog.*, errors.*, net/http/httputil.Dump*, the builtins len, cap, print, println, and
the logging and failure methods of testing.T/B (`t.Log`, `t.Errorf`, `t.Fatal`, ...).
A method call on the value itself (`v.Close()`, `resp.Body`) is a use, not an escape.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from tree_sitter import Node

from gofix.analysis import syntax as S
from gofix.analysis.context import literal_usage, use_kind
from gofix.analysis.scope import Binding, binding, references

if TYPE_CHECKING:
    from gofix.analysis.context import FileContext

NON_OWNING_PACKAGES = frozenset({"fmt", "log", "log/slog", "errors"})
NON_OWNING_FUNCS = {"net/http/httputil": ("DumpRequest", "DumpRequestOut", "DumpResponse")}
NON_OWNING_BUILTINS = frozenset({"len", "cap", "print", "println"})
_TEST_METHODS = frozenset({"Log", "Logf", "Error", "Errorf", "Fatal", "Fatalf", "Skip", "Skipf", "Helper"})


def non_owning(ctx: FileContext, call: Node) -> bool:
    """Whether call only reads its arguments while it runs (see the module docstring)."""
    fn = S.unparen(call.child_by_field_name("function")) if call.child_by_field_name("function") else None
    if fn is None:
        return False
    if fn.type == "identifier":
        from gofix.analysis.scope import shadowed

        return ctx.text(fn) in NON_OWNING_BUILTINS and not shadowed(ctx, ctx.text(fn), fn, package=False)
    if fn.type != "selector_expression":
        return False
    for path in NON_OWNING_PACKAGES:
        if ctx.is_pkg_member(fn, path):
            return True
    for path, names in NON_OWNING_FUNCS.items():
        if ctx.is_pkg_member(fn, path, *names):
            return True
    field = fn.child_by_field_name("field")
    operand = fn.child_by_field_name("operand")
    if field is not None and ctx.text(field) in _TEST_METHODS and operand is not None and operand.type == "identifier":
        t = ctx.type_of(operand)
        return t is not None and getattr(t, "path", None) == "testing"
    return False


def escape(ctx: FileContext, value: Node | Binding | Sequence[Node | Binding], after: Node | int,
           *, defer_at: int | None = None, calls_own: bool = True) -> str | None:
    """Why the value(s) may be used after the function returns, judging by their uses that
    start after `after` (a node: after its end; an int: that byte), or None.

    value: a declaring identifier, any identifier bound to the variable, or a Binding; a
    sequence for several (a value and the values derived from it). A value that is not a
    local variable (package level) is reported as such. defer_at: the byte where a new
    `defer` is inserted (None: no defer; earlier deferred literals then do not matter).
    calls_own: passing the value whole to a call (other than a non-owning one) counts."""
    values = list(value) if isinstance(value, (list, tuple)) else [value]
    start = after.end_byte if isinstance(after, Node) else after
    for v in values:
        b = v if isinstance(v, Binding) else binding(ctx, v)
        if b is None:
            name = ctx.text(v) if isinstance(v, Node) else "the value"
            return f"`{name}` is not a local variable, so it outlives the function"
        reason = _escape_one(ctx, b, start, defer_at, calls_own)
        if reason:
            return reason
    return None


def _escape_one(ctx: FileContext, b: Binding, start: int, defer_at: int | None, calls_own: bool) -> str | None:
    name = b.name
    for use in references(ctx, b):
        if use.start_byte < start or use.id == b.ident.id:
            continue
        kind = use_kind(use)
        if kind in ("returned", "sent"):
            return f"`{name}` is {kind} and may be used after the function returns"
        if kind == "stored":
            return f"`{name}` is stored in a composite literal and may be used after the function returns"
        if kind == "address":
            return f"the address of `{name}` is taken, so it may be used after the function returns"
        if kind == "assigned" and not _assigned_to_blank(use):
            return f"`{name}` is assigned to another variable or field"
        if kind == "passed" and calls_own:
            call = use.parent.parent if use.parent is not None else None
            if call is not None and call.type == "call_expression" and not non_owning(ctx, call):
                return f"`{name}` is passed to a call that may take over its cleanup"
        reason = _in_literal(use, b.function, defer_at)
        if reason:
            return f"`{name}` is used {reason}"
    return None


def _assigned_to_blank(use: Node) -> bool:
    """`_ = v` (or `_, _ = v, w`): the value goes nowhere."""
    stmt = use
    while stmt is not None and stmt.type not in (S.ASSIGNMENT, "short_var_declaration", "var_spec"):
        stmt = stmt.parent
    if stmt is None or stmt.type == "var_spec":
        return False
    left = stmt.child_by_field_name("left")
    return left is not None and all(c.type == "identifier" and S.text(c) == "_" for c in left.named_children)


def _in_literal(use: Node, fn: Node, defer_at: int | None) -> str | None:
    """Why a use inside a go statement or a function literal around it (up to fn, the
    variable's function) may run after fn returns."""
    for a in S.ancestors(use):
        if a.id == fn.id:
            return None
        if a.type == "go_statement":
            return "in a go statement"
        if a.type == S.FUNC_LITERAL:
            how = literal_usage(a)
            if how in ("passed", "stored", "returned", "assigned"):
                return f"in a function literal that is {how} (it may run after the function returns)"
            if how == "go":
                return "in a go statement"
            if how == "defer" and defer_at is not None and a.start_byte < defer_at:
                return "in a deferred function registered earlier (it runs after the new defer)"
    return None
