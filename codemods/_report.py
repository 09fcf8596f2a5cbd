"""Shared facts of the report rules (defer-in-loop, no-ctx-request, ...), on gofix.analysis.

Scope and types come from the analysis layer (`scope.binding`, `types.type_of`); what is
left here is the vocabulary these rules share on top of it:

- `declaration_of(ctx, ident)`: the identifier that declares the variable ident means
  (scope.binding), or None for package-level names and unknowns.
- `available_context(ctx, node)` is the context a call at `node` could use: the nearest
  function's `context.Context` parameter, else the `*http.Request` parameter of a handler
  (`r.Context()`, when the function also has an `http.ResponseWriter` parameter).
  Function literals invoked in place are looked through; a `go` statement, a `defer`, or a
  literal that is passed, stored or returned is a boundary (its code may run after the
  function returned, when that context is cancelled).
- `leaves_loop_after`, `display`, `prepend_argument`: loops, messages and edits.
"""

from __future__ import annotations

from dataclasses import dataclass

from tree_sitter import Node

from gofix.analysis import scope
from gofix.analysis import syntax as S
from gofix.analysis import types
from gofix.analysis.context import FileContext, literal_usage
from gofix.analysis.model import Edit

HTTP = "net/http"
SQL = "database/sql"
CONTEXT = "context"

CONTEXT_DERIVERS = ("WithCancel", "WithTimeout", "WithDeadline", "WithValue", "WithCancelCause",
                    "WithTimeoutCause", "WithDeadlineCause")


def unparen(node: Node) -> Node:
    """Like syntax.unparen, but looks through comments inside the parentheses too."""
    while node.type == "parenthesized_expression":
        inner = [c for c in node.named_children if c.type != "comment"]
        if len(inner) != 1:
            break
        node = inner[0]
    return node


# --- names and scopes -----------------------------------------------------------------------


def function_chain(node: Node) -> list[Node]:
    """The functions around node, innermost first."""
    return [a for a in S.ancestors(node) if a.type in S.FUNCTION_TYPES]


def declaration_of(ctx: FileContext, ident: Node, name: str | None = None) -> Node | None:
    """The identifier that declares the variable `ident` refers to (or `name`, as if written
    at ident's position), or None when it is declared at package level or not at all."""
    b = scope.binding(ctx, ident) if name is None else scope.declared_at(ctx, name, ident)
    return b.ident if b is not None else None


def declaring_statement(decl: Node) -> Node:
    """The statement (or spec) that holds a declaring identifier."""
    p = decl.parent
    if p is not None and p.type == "expression_list" and p.parent is not None:
        return p.parent
    return p if p is not None else decl


# --- types -------------------------------------------------------------------------------------


def named_type(ctx: FileContext, typ: Node | None) -> types.GoType | None:
    """The GoType a type node denotes (`*sql.DB`, `http.ResponseWriter`), or None."""
    return types.type_of_type(ctx, typ) if typ is not None else None


def is_type(ctx: FileContext, typ: Node | None, path: str, name: str) -> bool:
    """The type node denotes path's `name` or a pointer to it."""
    t = named_type(ctx, typ)
    return t is not None and t.is_(path, name)


def type_of(ctx: FileContext, expr: Node | None) -> types.GoType | None:
    return types.type_of(ctx, expr) if expr is not None else None


# --- the context a call could use -------------------------------------------------------------


@dataclass(frozen=True)
class ContextSource:
    fn: Node  # the function whose parameter it is
    kind: str  # "context" (a context.Context parameter) or "request" (an *http.Request)
    param: Node | None  # the parameter's name identifier (None when unnamed)

    def name(self, ctx: FileContext) -> str:
        return ctx.text(self.param) if self.param is not None else ""

    def expression(self, ctx: FileContext) -> str:
        name = self.name(ctx)
        return f"{name}.Context()" if self.kind == "request" else name


def parameters(fn: Node) -> list[tuple[Node | None, Node | None]]:
    """(name identifier or None, type node) for each parameter of fn (not the receiver)."""
    plist = fn.child_by_field_name("parameters")
    out: list[tuple[Node | None, Node | None]] = []
    if plist is None:
        return out
    for p in plist.named_children:
        if p.type != S.PARAMETER_DECL:
            continue
        typ = p.child_by_field_name("type")
        names = list(p.children_by_field_name("name"))
        if not names:
            out.append((None, typ))
        out.extend((n, typ) for n in names)
    return out


def context_param(ctx: FileContext, fn: Node) -> ContextSource | None:
    """fn's context.Context parameter, else the *http.Request parameter of a handler (fn
    also has an http.ResponseWriter parameter: another request's context is not fn's)."""
    params = parameters(fn)
    for name, typ in params:
        if is_type(ctx, typ, CONTEXT, "Context"):
            return ContextSource(fn, "context", name)
    if not any(is_type(ctx, typ, HTTP, "ResponseWriter") for _, typ in params):
        return None
    for name, typ in params:
        if typ is not None and typ.type == "pointer_type" and is_type(ctx, typ, HTTP, "Request"):
            return ContextSource(fn, "request", name)
    return None


def request_param(ctx: FileContext, fn: Node) -> Node | None:
    for name, typ in parameters(fn):
        if typ is not None and typ.type == "pointer_type" and is_type(ctx, typ, HTTP, "Request"):
            return name
    return None


def in_defer(node: Node) -> bool:
    """node is part of a defer statement of its function (or of a deferred literal)."""
    for a in S.ancestors(node):
        if a.type == "defer_statement":
            return True
        if a.type in S.FUNCTION_TYPES and not (a.type == S.FUNC_LITERAL and literal_usage(a) == "called"):
            return False
    return False


def available_context(ctx: FileContext, node: Node) -> ContextSource | None:
    """The context a call at node could be given (see the module docstring)."""
    if in_defer(node):
        return None  # cleanup at return: the function's context may be cancelled by then
    for fn in function_chain(node):
        src = context_param(ctx, fn)
        if src is not None:
            return src
        if fn.type == S.FUNC_LITERAL and literal_usage(fn) == "called":
            continue
        return None
    return None


def usable_expression(ctx: FileContext, src: ContextSource, at: Node) -> str | None:
    """The context expression to write at `at`, or None when the parameter is unnamed, `_`,
    or re-declared (shadowed) where `at` sees it (a `ctx, cancel := context.WithTimeout(ctx,
    d)` in between is fine: it derives from the same context)."""
    name = src.name(ctx)
    if name in ("", "_"):
        return None
    if not _refers_to(ctx, at, name, src.param, src.kind == "context", 0):
        return None
    return src.expression(ctx)


def _refers_to(ctx: FileContext, at: Node, name: str, param: Node, allow_derived: bool, depth: int) -> bool:
    decl = declaration_of(ctx, at, name)
    if decl is None:
        return False
    if decl.id == param.id:
        return True
    if not allow_derived or depth > 8:
        return False
    holder = declaring_statement(decl)
    if holder.type not in ("short_var_declaration", S.ASSIGNMENT):
        return False
    left, right = holder.child_by_field_name("left"), holder.child_by_field_name("right")
    if left is None or right is None or left.named_children[0].id != decl.id or right.named_child_count != 1:
        return False
    call = S.unparen(right.named_children[0])
    if not ctx.is_pkg_call(call, CONTEXT, *CONTEXT_DERIVERS):
        return False
    args = call.child_by_field_name("arguments")
    first = args.named_children[0] if args is not None and args.named_children else None
    if first is None or first.type != "identifier" or ctx.text(first) != name:
        return False
    return _refers_to(ctx, first, name, param, allow_derived, depth + 1)


def import_uses(ctx: FileContext, path: str) -> list[Node]:
    """Identifiers and type package names in the file that refer to the import of `path`."""
    name = ctx.local_name(path)
    if name is None:
        return []
    out = []
    for n in ctx.nodes_of_type("package_identifier", "identifier"):
        if n.type == "package_identifier" and ctx.text(n) == name and n.parent is not None \
                and n.parent.type == S.QUALIFIED_TYPE:
            out.append(n)
        elif n.type == "identifier" and ctx.text(n) == name and n.parent is not None \
                and n.parent.type == "selector_expression" and ctx.resolves_to_import(n, path):
            out.append(n)
    return out


# --- loops ---------------------------------------------------------------------------------------


def leaves_loop_after(stmt: Node, loop: Node) -> bool:
    """Whether every path from stmt (a statement in loop's body) leaves the loop before the
    next iteration: a `return`, `goto`, a terminating statement or a `break` out of the loop
    follows it, with no `continue` in between."""
    body = loop.child_by_field_name("body")
    if body is None:
        return False
    cur = stmt
    region: list[Node] = []
    while True:
        for s in S.following_statements(cur):
            if _leaves(s, loop):
                conts = [e for e in S.exits_leaving(region, body) if e.type == "continue_statement"]
                return not conts
            region.append(s)
        container = S.block_of(cur)
        if container is None or container.id == body.id:
            return False
        cur = S.statement_of(container)
        if cur.id == loop.id or not S.is_within(cur, body):
            return False


def _leaves(s: Node, loop: Node) -> bool:
    if s.type in ("return_statement", "goto_statement"):
        return True
    if s.type == "break_statement":
        target = S.jump_target(s)
        return target is None or not S.is_within(target, loop.child_by_field_name("body"))
    return S.is_terminating(s, lenient=True) and s.type not in ("for_statement",)


def display(ctx: FileContext, node: Node, limit: int = 60) -> str:
    """node's source for a message: comments dropped, whitespace collapsed (none around `.`)."""
    out = bytearray()
    pos = node.start_byte
    for n in S.walk(node):
        if n.type == "comment":
            out += ctx.src[pos:n.start_byte]
            pos = n.end_byte
    out += ctx.src[pos:node.end_byte]
    text = " ".join(out.decode("utf-8", "replace").split())
    text = text.replace(". ", ".").replace(" .", ".").replace("( ", "(").replace(" )", ")")
    if len(text) > limit and node.type == "call_expression":
        fn = node.child_by_field_name("function")
        text = display(ctx, fn, limit) + "(...)" if fn is not None else text
    return text


# --- edits -----------------------------------------------------------------------------------------


def prepend_argument(ctx: FileContext, call: Node, text: str) -> Edit | None:
    """The edit that makes `text` the first argument of call, keeping gofmt layout: after the
    `(` when the first argument is on the same line, on its own line otherwise."""
    args = call.child_by_field_name("arguments")
    if args is None or not args.children or args.children[0].type != "(":
        return None
    open_paren = args.children[0]
    real = [c for c in args.named_children if c.type != "comment"]
    if not real:
        if args.named_children:
            return None  # only comments between the parentheses: leave the layout to a human
        return Edit(open_paren.end_byte, open_paren.end_byte, text.encode())
    row = open_paren.end_point.row
    if real[0].start_point.row == row:
        return Edit(open_paren.end_byte, open_paren.end_byte, f"{text}, ".encode())
    first = next(c for c in args.named_children if c.start_point.row > row)
    if not S.starts_line(ctx.src, first):
        return None
    at = S.line_start(ctx.src, first.start_byte)
    return Edit(at, at, S.indent_of(ctx.src, first) + f"{text},\n".encode())
