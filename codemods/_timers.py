"""Helpers shared by the timer rules (time-after-in-loop, unstopped-ticker).

Not a rule: no RULE here. Everything is a pure question about a FileContext.
"""

from __future__ import annotations

from fractions import Fraction

from tree_sitter import Node

from gofix.analysis import Edit, FileContext, insert_at_block_start
from gofix.analysis import syntax as S
from gofix.analysis.scope import is_declaration, shadowed

BUILTIN_TYPES = frozenset(
    "bool byte complex64 complex128 error float32 float64 int int8 int16 int32 int64 rune string "
    "uint uint8 uint16 uint32 uint64 uintptr any".split()
)
# time's exported types: a call of one of them is a conversion, not a call.
TIME_TYPES = frozenset({"Duration", "Month", "Weekday"})
DURATION_UNITS = {
    "Nanosecond": 1,
    "Microsecond": 1_000,
    "Millisecond": 1_000_000,
    "Second": 1_000_000_000,
    "Minute": 60_000_000_000,
    "Hour": 3_600_000_000_000,
}


def version_note(ctx: FileContext) -> str:
    """The sentence a timer finding ends with, saying what else removes the leak.

    Empty when timers are already collected: the engine then adds its own hint note.
    """
    if ctx.timers_collected:
        return ""
    if ctx.module.async_timers and ctx.module.go_version is not None and ctx.module.go_version >= (1, 23):
        return " (dropping `godebug asynctimerchan=1`, or building with Go >= 1.27, also removes the leak)"
    return " (raising the go line in go.mod to 1.23 or later, or building with Go >= 1.27, also removes the leak)"


# --- names -----------------------------------------------------------------------------------------


def file_type_names(ctx: FileContext) -> set[str]:
    """Every type name declared anywhere in the file (package level or local)."""
    return {ctx.text(n.child_by_field_name("name")) for n in ctx.nodes_of_type(S.TYPE_DEFINITION, S.TYPE_ALIAS)
            if n.type in (S.TYPE_DEFINITION, S.TYPE_ALIAS) and n.child_by_field_name("name") is not None}


# --- "free of calls and receives" ---------------------------------------------------------------


def is_quiet(ctx: FileContext, node: Node | None) -> bool:
    """Whether evaluating node can neither run code nor wait: no function or method calls
    (conversions, len, cap and a no-argument .Done() allowed), no receive expressions and no
    function literal that is called.
    """
    if node is None:
        return True
    types = None
    for n in S.walk(node):
        if n.type == "unary_expression":
            op = n.child_by_field_name("operator")
            if op is not None and op.type == "<-":
                return False
        elif n.type == "call_expression":
            if types is None:
                types = file_type_names(ctx)
            if not _harmless_call(ctx, n, types):
                return False
    return True


def _harmless_call(ctx: FileContext, call: Node, types: set[str]) -> bool:
    fn = S.unparen(call.child_by_field_name("function"))
    args = call.child_by_field_name("arguments")
    nargs = args.named_child_count if args is not None else 0
    if S.is_type_conversion(call):
        return True  # []byte("x"): a conversion, written as a call
    if fn.type == "identifier":
        name = ctx.text(fn)
        if name in types:
            return True  # conversion to a type of this file
        if name in BUILTIN_TYPES | {"len", "cap"}:
            return not shadowed(ctx, name, fn)
        return False
    if fn.type == "selector_expression":
        field = fn.child_by_field_name("field")
        if field is not None and ctx.text(field) == "Done" and nargs == 0:
            return True  # ctx.Done() hands back the context's channel at once
        return ctx.is_pkg_member(fn, "time", *TIME_TYPES)
    if fn.type == "unary_expression":  # (*T)(x)
        op = fn.child_by_field_name("operator")
        inner = fn.child_by_field_name("operand")
        return op is not None and op.type == "*" and inner is not None and inner.type == "identifier" \
            and ctx.text(inner) in types
    return False


# --- constant durations ---------------------------------------------------------------------------


def positive_constant(ctx: FileContext, expr: Node) -> bool:
    """Whether expr is a constant expression whose value is greater than zero: literals,
    time.Second and its siblings, products and sums of those, conversions to time.Duration, and
    named constants declared in this file with such a value."""
    value = constant_value(ctx, expr, set())
    return value is not None and value[0] > 0


def constant_value(ctx: FileContext, expr: Node, seen: set[int]) -> tuple[Fraction, bool] | None:
    """(value, is_integer) of a constant expression, or None when it is not one we can evaluate."""
    e = S.unparen(expr)
    t = e.type
    if t == "int_literal":
        try:
            return Fraction(int(ctx.text(e).replace("_", ""), 0)), True
        except ValueError:
            return None
    if t == "float_literal":
        try:
            return Fraction(float(ctx.text(e).replace("_", ""))), False
        except ValueError:
            return None
    if t == "selector_expression":
        field = e.child_by_field_name("field")
        if field is not None and ctx.text(field) in DURATION_UNITS and ctx.is_pkg_member(e, "time"):
            return Fraction(DURATION_UNITS[ctx.text(field)]), True
        return None
    if t == "unary_expression":
        op = e.child_by_field_name("operator")
        inner = constant_value(ctx, e.child_by_field_name("operand"), seen)
        if op is None or inner is None or op.type not in ("-", "+"):
            return None
        return (-inner[0] if op.type == "-" else inner[0]), inner[1]
    if t == "binary_expression":
        op = e.child_by_field_name("operator")
        left = constant_value(ctx, e.child_by_field_name("left"), seen)
        right = constant_value(ctx, e.child_by_field_name("right"), seen)
        if op is None or left is None or right is None:
            return None
        is_int = left[1] and right[1]
        if op.type == "+":
            return left[0] + right[0], is_int
        if op.type == "-":
            return left[0] - right[0], is_int
        if op.type == "*":
            return left[0] * right[0], is_int
        if op.type == "/" and right[0] != 0:
            q = left[0] / right[0]
            if is_int:  # integer constant division truncates toward zero
                q = Fraction(int(q))
            return q, is_int
        return None
    if t == "call_expression":
        fn = e.child_by_field_name("function")
        args = e.child_by_field_name("arguments")
        if fn is None or args is None or args.named_child_count != 1:
            return None
        if ctx.is_pkg_member(fn, "time", "Duration"):
            inner = constant_value(ctx, args.named_children[0], seen)
            return (Fraction(int(inner[0])), True) if inner is not None else None
        return None
    if t == "identifier":
        spec = _const_spec_for(ctx, e)
        if spec is None or spec.id in seen:
            return None
        names = spec.children_by_field_name("name")
        value = spec.child_by_field_name("value")
        if value is None or len(names) != value.named_child_count:
            return None  # iota-style repetition: not evaluated
        idx = next((i for i, n in enumerate(names) if ctx.text(n) == ctx.text(e)), None)
        if idx is None:
            return None
        return constant_value(ctx, value.named_children[idx], seen | {spec.id})
    return None


def _const_spec_for(ctx: FileContext, ident: Node) -> Node | None:
    """The const_spec of this file that declares the constant ident refers to, or None when
    ident is (or may be) something else: a variable, a parameter, another file's name."""
    name = ctx.text(ident)
    for fn in (a for a in S.ancestors(ident) if a.type in S.FUNCTION_TYPES):
        if name not in ctx.facts(fn).declared:
            continue
        decls = [u for u in ctx.uses(fn, name) if is_declaration(u) and u.start_byte < ident.start_byte]
        if not decls:
            return None
        last = decls[-1]
        if last.parent is not None and last.parent.type == "const_spec" and len(decls) == 1:
            return last.parent
        return None  # a variable, or declared more than once: not sure which one this is
    specs = [n for d in ctx.root.named_children if d.type == "const_declaration"
             for n in S.walk(d) if n.type == "const_spec"
             and any(ctx.text(x) == name for x in n.children_by_field_name("name"))]
    return specs[0] if len(specs) == 1 else None


# --- statements and clauses ------------------------------------------------------------------------


def outer_statement(stmt: Node) -> Node:
    """stmt, or the labeled statement(s) around it: what a line inserted before it must precede."""
    while stmt.parent is not None and stmt.parent.type == "labeled_statement":
        stmt = stmt.parent
    return stmt


def clauses(select: Node) -> list[Node]:
    return [c for c in select.named_children if c.type in S.CASE_TYPES]


def insert_first_in_clauses(ctx: FileContext, per_clause: list[tuple[Node, list[str]]]) -> list[Edit] | None:
    """Edits putting each clause's lines first in it; None when a clause cannot take them
    (its first statement sits on the `case` line)."""
    edits = []
    for clause, lines in per_clause:
        if not lines:
            continue
        edit = insert_at_block_start(ctx, clause, lines)
        if edit is None:
            return None
        edits.append(edit)
    return edits
