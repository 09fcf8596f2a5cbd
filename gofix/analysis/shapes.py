"""Shapes: the syntactic forms rules keep asking about.

    a = assignment_of(ctx, call)   # `x, err := call` / `x = call` / `var x = call`
    a.stmt, a.lhs, a.op, a.function, a.target(i)
    check = error_check_after(ctx, a.stmt)   # `if err != nil { return }`, require.NoError(t, err)
    enclosing_loop(node), enclosing_select(node), enclosing_go(node), enclosing_defer(node),
    enclosing_literal(node)

Parentheses around the call are looked through everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from tree_sitter import Node

from gofix.analysis import syntax as S

if TYPE_CHECKING:
    from gofix.analysis.context import FileContext

REQUIRE = "github.com/stretchr/testify/require"
ASSERT = "github.com/stretchr/testify/assert"
_NO_ERROR = ("NoError", "NoErrorf", "Nil", "Nilf")


@dataclass(frozen=True)
class Assignment:
    """A statement that assigns the value of one expression (usually a call).

    stmt: the statement: short_var_declaration, assignment, or var_declaration
    (a `var ( ... )` group with several specs is refused, see assignment_of); spec: the
    var_spec for a var declaration, else None. lhs: the left-hand expressions (identifiers,
    `_`, selectors, index expressions), in order. rhs: the right-hand expressions; index:
    the position of the expression asked about among them. op: ":=", "=", "var" (a
    var spec, with or without a type) or a compound operator such as "+=". function: the
    innermost function (declaration or literal) around the statement.
    """

    stmt: Node
    spec: Node | None
    lhs: tuple[Node, ...]
    rhs: tuple[Node, ...]
    index: int
    op: str
    function: Node | None

    @property
    def defines(self) -> bool:
        """`:=` or `var`: the statement declares (some of) its names."""
        return self.op in (":=", "var")

    @property
    def in_statement_list(self) -> bool:
        """The statement stands in a block or clause (not an if/for/switch initializer), so a
        fix can put lines before and after it."""
        return S.in_statement_list(self.stmt)

    def targets(self) -> tuple[Node, ...]:
        """The left-hand sides the asked-about expression's values go to: all of lhs for
        `a, b := f()`, the one at `index` for `a, b := f(), g()`."""
        if len(self.rhs) == 1:
            return self.lhs
        return (self.lhs[self.index],) if self.index < len(self.lhs) else ()


def outer_expression(node: Node) -> Node:
    """node, or the parentheses around it."""
    while node.parent is not None and node.parent.type == "parenthesized_expression":
        node = node.parent
    return node


def assignment_of(ctx: FileContext, expr: Node) -> Assignment | None:
    """The statement assigning expr (a call, or any expression) as one whole right-hand
    side, or None: `x := expr`, `x, err := expr`, `x = expr`, `a, b = expr, y`, `var x = expr`
    (alone in its declaration), `x += expr`. Not: expr nested in another expression, a
    grouped `var ( ... )` with several specs, a range clause or a select receive."""
    node = outer_expression(expr)
    rhs = node.parent
    if rhs is None or rhs.type != "expression_list":
        return None
    holder = rhs.parent
    if holder is None:
        return None
    index = next(i for i, c in enumerate(rhs.named_children) if c.id == node.id)
    values = tuple(rhs.named_children)
    fn = S.enclosing_function(holder)
    if holder.type == "var_spec":
        decl = holder.parent
        if decl is None or decl.type != "var_declaration" or len(S.specs(decl)) != 1:
            return None
        return Assignment(decl, holder, tuple(holder.children_by_field_name("name")), values, index, "var", fn)
    if holder.type not in ("short_var_declaration", S.ASSIGNMENT):
        return None
    right = holder.child_by_field_name("right")
    left = holder.child_by_field_name("left")
    if right is None or left is None or right.id != rhs.id:
        return None
    if holder.type == "short_var_declaration":
        op = ":="
    else:
        op_node = holder.child_by_field_name("operator")
        op = S.text(op_node) if op_node is not None else next(
            (c.type for c in holder.children if not c.is_named and c.type.endswith("=")), "=")
    return Assignment(holder, None, tuple(left.named_children), values, index, op, fn)


# --- the error check after a call ---------------------------------------------------------------------


@dataclass(frozen=True)
class ErrorCheck:
    """How the error of a statement is checked right after it.

    stmt: the checking statement (the `if`, or the `require.NoError(...)` statement);
    kind: "if" (`if err != nil { ... }`), "require" (`require.NoError(t, err)`, also
    `s.Require().NoError(err)`: stops the test goroutine on failure), "assert-if"
    (`if !assert.NoError(t, err) { ... }`); leaves: the failure branch always leaves the
    function (return, panic, t.Fatal, ...; always true for "require").
    """

    stmt: Node
    kind: str
    leaves: bool


def error_check_after(ctx: FileContext, stmt: Node, err: str | None = None) -> ErrorCheck | None:
    """The check of `err` (default: the last left-hand name of stmt, an assignment) in the
    statement that follows stmt, or None: a bare `assert.NoError(t, err)` is not a check
    (the test goes on), nor is a check of another variable."""
    if err is None:
        err = _last_name(stmt)
        if err is None:
            return None
    nxt = S.next_statement(stmt)
    if nxt is None:
        return None
    if nxt.type == "if_statement" and nxt.child_by_field_name(S.INIT) is None:
        cond = S.unparen(nxt.child_by_field_name("condition"))
        cons = nxt.child_by_field_name(S.THEN)
        leaves = S.is_terminating(cons, lenient=True)
        if _is_not_nil(ctx, cond, err):
            return ErrorCheck(nxt, "if", leaves)
        if cond.type == "unary_expression" and _op(cond) == "!":
            inner = S.unparen(cond.child_by_field_name("operand"))
            if inner.type == "call_expression" and ctx.is_pkg_call(inner, ASSERT, *_NO_ERROR) \
                    and _last_arg_is(ctx, inner, err):
                return ErrorCheck(nxt, "assert-if", leaves)
        return None
    if nxt.type == "expression_statement" and nxt.named_children:
        call = S.unparen(nxt.named_children[0])
        if call.type == "call_expression" and _is_require(ctx, call) and _last_arg_is(ctx, call, err):
            return ErrorCheck(nxt, "require", True)
    return None


def _last_name(stmt: Node) -> str | None:
    left = stmt.child_by_field_name("left")
    if left is None and stmt.type == "var_declaration":
        spec = next((c for c in stmt.named_children if c.type == "var_spec"), None)
        names = spec.children_by_field_name("name") if spec is not None else []
        return S.text(names[-1]) if names else None
    if left is None or not left.named_children:
        return None
    last = left.named_children[-1]
    return S.text(last) if last.type == "identifier" and S.text(last) != "_" else None


def _op(node: Node) -> str:
    op = node.child_by_field_name("operator")
    return op.type if op is not None else ""


def _is_not_nil(ctx: FileContext, cond: Node, err: str) -> bool:
    if cond.type != "binary_expression" or _op(cond) != "!=":
        return False
    a = S.unparen(cond.child_by_field_name("left"))
    b = S.unparen(cond.child_by_field_name("right"))
    names = {ctx.text(a), ctx.text(b)}
    return names == {err, "nil"} and all(n.type == "identifier" for n in (a, b))


def _last_arg_is(ctx: FileContext, call: Node, name: str) -> bool:
    args = call.child_by_field_name("arguments")
    values = [a for a in (args.named_children if args is not None else []) if a.type != "comment"]
    if not values:
        return False
    # require.NoError(t, err, msgAndArgs...): err is the second argument; s.Require().NoError(err): the first
    fn = call.child_by_field_name("function")
    operand = fn.child_by_field_name("operand") if fn is not None and fn.type == "selector_expression" else None
    pos = 0 if operand is not None and operand.type == "call_expression" else 1
    return len(values) > pos and values[pos].type == "identifier" and ctx.text(values[pos]) == name


def _is_require(ctx: FileContext, call: Node) -> bool:
    if ctx.is_pkg_call(call, REQUIRE, *_NO_ERROR):
        return True
    fn = call.child_by_field_name("function")
    if fn is None or fn.type != "selector_expression" or ctx.text(fn.child_by_field_name("field")) not in _NO_ERROR:
        return False
    operand = fn.child_by_field_name("operand")
    # s.Require().NoError(err): testify suites' require
    return operand is not None and operand.type == "call_expression" and S.callee_parts(operand)[1] == "Require" \
        and (operand.child_by_field_name("arguments") is None
             or operand.child_by_field_name("arguments").named_child_count == 0)


# --- enclosing constructs ---------------------------------------------------------------------------


def enclosing_function(node: Node) -> Node | None:
    """The innermost function declaration, method or function literal around node."""
    return S.enclosing_function(node)


def enclosing_literal(node: Node) -> Node | None:
    """The innermost function_literal around node, None when the innermost function is a declaration."""
    fn = S.enclosing_function(node)
    return fn if fn is not None and fn.type == S.FUNC_LITERAL else None


def enclosing_loop(node: Node) -> Node | None:
    """The innermost for statement whose body holds node, in the same function (the loop
    header, which runs outside the body, does not count)."""
    return S.innermost_loop(node)


def _enclosing_in_function(node: Node, types: frozenset[str]) -> Node | None:
    for a in S.ancestors(node):
        if a.type in S.FUNCTION_TYPES:
            return None
        if a.type in types:
            return a
    return None


def enclosing_select(node: Node) -> Node | None:
    """The innermost select statement around node, in the same function."""
    return _enclosing_in_function(node, frozenset({"select_statement"}))


def enclosing_go(node: Node) -> Node | None:
    """The go statement node is part of (its call, its arguments or its function literal's
    body), crossing function literals: a use inside `go func() { ... }()` is in that go."""
    return S.enclosing(node, frozenset({"go_statement"}))


def enclosing_defer(node: Node) -> Node | None:
    """The defer statement node is part of (crossing the deferred function literal)."""
    return S.enclosing(node, frozenset({"defer_statement"}))
