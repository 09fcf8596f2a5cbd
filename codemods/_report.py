"""Shared syntax facts for the report-only rules (defer-in-loop, no-ctx-request, ...).

Without type information, "x is an *http.Client" and "ctx is the function's context" are
decided from declarations in the file:

- `declaration_of(ctx, ident)` resolves an identifier use to the identifier that declares
  it (parameters, `:=`, `var`, range, receive, type switch), honouring Go's block scopes and
  shadowing; None for package-level names and unknowns.
- `type_of(ctx, expr)` names the (import path, type name) of an expression when the file
  says so: a parameter, `var` or struct field typed `*sql.DB` (any import alias), a
  composite literal `&http.Client{...}`, `new(http.Client)`, `http.DefaultClient`,
  `sql.Open(...)`, `db.Begin()`/`BeginTx` (a `*sql.Tx`), `db.Prepare(...)`/`tx.Stmt(...)`
  (a `*sql.Stmt`), and variables assigned from any of these. Pointer and value are not
  told apart (their method sets agree for our purposes).
- `available_context(ctx, node)` is the context a call at `node` could use: the nearest
  function's `context.Context` parameter, else the `*http.Request` parameter of a handler
  (`r.Context()`, when the function also has an `http.ResponseWriter` parameter).
  Function literals invoked in place are looked through; a `go` statement, a `defer`, or a
  literal that is passed, stored or returned is a boundary (its code may run after the
  function returned, when that context is cancelled).
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

from tree_sitter import Node

from gofix import syntax as S
from gofix.context import FileContext, is_declaration, literal_usage
from gofix.model import Edit

HTTP = "net/http"
SQL = "database/sql"
CONTEXT = "context"

_SCOPE_TYPES = frozenset(
    {"block", "for_statement", "if_statement", "expression_switch_statement", "type_switch_statement"}
    | S.CASE_TYPES
    | S.FUNCTION_TYPES
)
_DECL_HOLDERS = frozenset(
    {"short_var_declaration", "var_spec", "const_spec", "range_clause", "receive_statement",
     "parameter_declaration", "variadic_parameter_declaration", "type_switch_statement",
     "assignment_statement"}
)
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


def _holder(decl: Node) -> Node:
    p = decl.parent
    if p is not None and p.type == "expression_list" and p.parent is not None:
        return p.parent
    return p if p is not None else decl


def _scope_of(decl: Node) -> Node | None:
    holder = _holder(decl)
    for a in S.ancestors(holder):
        if a.type in _SCOPE_TYPES:
            return a
    return None


def declaration_of(ctx: FileContext, ident: Node, name: str | None = None) -> Node | None:
    """The identifier that declares the variable `ident` refers to (or `name`, as if used at
    ident's position), or None when it is declared at package level or not at all."""
    name = name if name is not None else ctx.text(ident)
    fn = S.outermost_function(ident) or (ident if ident.type in S.FUNCTION_TYPES else None)
    if fn is None:
        return None
    best: Node | None = None
    best_scope: Node | None = None
    for d in ctx.uses(fn, name):
        if not is_declaration(d):
            continue
        if d.start_byte > ident.start_byte:
            continue
        holder = _holder(d)
        if holder.type not in ("parameter_declaration", "variadic_parameter_declaration") and \
                S.is_within(ident, holder) and d.id != ident.id:
            continue  # `x := x + 1`: the right side still sees the outer x
        scope = _scope_of(d)
        if scope is None or not S.is_within(ident, scope):
            continue
        if best_scope is None or S.is_within(scope, best_scope):
            best, best_scope = d, scope
    return best


def is_parameter(decl: Node | None) -> bool:
    return decl is not None and decl.parent is not None and decl.parent.type in (
        "parameter_declaration", "variadic_parameter_declaration")


def package_var_spec(ctx: FileContext, name: str) -> tuple[Node, int] | None:
    """The top-level var_spec declaring `name`, and the name's index in it."""
    for decl in ctx.root.named_children:
        if decl.type != "var_declaration":
            continue
        for spec in S.walk(decl):
            if spec.type != "var_spec":
                continue
            for i, n in enumerate(spec.children_by_field_name("name")):
                if ctx.text(n) == name:
                    return spec, i
    return None


# --- types -------------------------------------------------------------------------------------

TypeName = tuple[str, str]  # (import path, type name), e.g. ("database/sql", "DB")


def named_type(ctx: FileContext, typ: Node | None) -> TypeName | None:
    """(path, Name) for a type node `pkg.Name` or `*pkg.Name` whose pkg is an import."""
    if typ is None:
        return None
    while typ.type in ("pointer_type", "parenthesized_type") and typ.named_children:
        typ = typ.named_children[0]
    if typ.type != "qualified_type":
        return None
    pkg, name = typ.child_by_field_name("package"), typ.child_by_field_name("name")
    if pkg is None or name is None:
        return None
    path = ctx.imports.get(ctx.text(pkg))
    if path is None or ctx.text(pkg) in ctx.package_level_names:
        return None
    return path, ctx.text(name)


def is_type(ctx: FileContext, typ: Node | None, path: str, name: str) -> bool:
    return named_type(ctx, typ) == (path, name)


_RESULTS: dict[tuple[TypeName | None, str], TypeName] = {
    # (receiver type or None for a package function of the path in the key) -> first result
    ((SQL, ""), "Open"): (SQL, "DB"),
    ((SQL, ""), "OpenDB"): (SQL, "DB"),
    ((SQL, "DB"), "Begin"): (SQL, "Tx"),
    ((SQL, "DB"), "BeginTx"): (SQL, "Tx"),
    ((SQL, "Conn"), "BeginTx"): (SQL, "Tx"),
    ((SQL, "DB"), "Conn"): (SQL, "Conn"),
    ((SQL, "DB"), "Prepare"): (SQL, "Stmt"),
    ((SQL, "DB"), "PrepareContext"): (SQL, "Stmt"),
    ((SQL, "Tx"), "Prepare"): (SQL, "Stmt"),
    ((SQL, "Tx"), "PrepareContext"): (SQL, "Stmt"),
    ((SQL, "Conn"), "PrepareContext"): (SQL, "Stmt"),
    ((SQL, "Tx"), "Stmt"): (SQL, "Stmt"),
    ((SQL, "Tx"), "StmtContext"): (SQL, "Stmt"),
    (("crypto/tls", ""), "Client"): ("crypto/tls", "Conn"),
    (("crypto/tls", ""), "Server"): ("crypto/tls", "Conn"),
    (("crypto/tls", ""), "Dial"): ("crypto/tls", "Conn"),
    (("crypto/tls", ""), "DialWithDialer"): ("crypto/tls", "Conn"),
    **{((CONTEXT, ""), name): (CONTEXT, "Context") for name in (
        "Background", "TODO", "WithoutCancel", "WithCancel", "WithTimeout", "WithDeadline", "WithValue",
        "WithCancelCause", "WithTimeoutCause", "WithDeadlineCause")},
}


def type_of(ctx: FileContext, expr: Node | None, depth: int = 0) -> TypeName | None:
    """The named type of expr as far as the file shows it (see the module docstring)."""
    if expr is None or depth > 8:
        return None
    expr = S.unparen(expr)
    t = expr.type
    if t == "unary_expression":
        op = expr.child_by_field_name("operator")
        if op is not None and op.type == "&":
            return type_of(ctx, expr.child_by_field_name("operand"), depth + 1)
        return None
    if t == "composite_literal":
        return named_type(ctx, expr.child_by_field_name("type"))
    if t == "call_expression":
        return _call_result(ctx, expr, 0, depth)
    if t == "selector_expression":
        operand = expr.child_by_field_name("operand")
        fld = expr.child_by_field_name("field")
        if operand is None or fld is None:
            return None
        if operand.type == "identifier" and ctx.resolves_to_import(operand, HTTP) and ctx.text(fld) == "DefaultClient":
            return HTTP, "Client"
        if operand.type == "identifier" and ctx.imports.get(ctx.text(operand)) and declaration_of(ctx, operand) is None \
                and ctx.text(operand) not in ctx.package_level_names:
            return None  # another package's variable
        return struct_field_type(ctx, ctx.text(fld))
    if t == "identifier":
        decl = declaration_of(ctx, expr)
        if decl is not None:
            return _declared_type(ctx, decl, depth + 1)
        spec = package_var_spec(ctx, ctx.text(expr))
        if spec is not None:
            return _spec_type(ctx, spec[0], spec[1], depth + 1)
    return None


def _call_result(ctx: FileContext, call: Node, index: int, depth: int) -> TypeName | None:
    if index != 0:
        return None
    fn = call.child_by_field_name("function")
    if fn is None:
        return None
    fn = S.unparen(fn)
    if fn.type == "identifier" and ctx.text(fn) == "new":
        args = call.child_by_field_name("arguments")
        arg = args.named_children[0] if args is not None and args.named_children else None
        return _type_argument(ctx, arg)
    if fn.type != "selector_expression":
        return None
    name = ctx.call_name(call)
    operand = fn.child_by_field_name("operand")
    if operand is not None and operand.type == "identifier":
        path = ctx.imports.get(ctx.text(operand))
        if path is not None and ctx.resolves_to_import(operand, path):
            return _RESULTS.get(((path, ""), name))
    recv = type_of(ctx, fn.child_by_field_name("operand"), depth + 1)
    if recv is None:
        return None
    return _RESULTS.get((recv, name))


def _type_argument(ctx: FileContext, arg: Node | None) -> TypeName | None:
    """The type named by new's argument (parsed as a type or as a selector expression)."""
    if arg is None:
        return None
    if arg.type in ("qualified_type", "pointer_type"):
        return named_type(ctx, arg)
    if arg.type == "selector_expression":
        operand, fld = arg.child_by_field_name("operand"), arg.child_by_field_name("field")
        if operand is not None and fld is not None and operand.type == "identifier":
            path = ctx.imports.get(ctx.text(operand))
            if path is not None and ctx.resolves_to_import(operand, path):
                return path, ctx.text(fld)
    return None


def _declared_type(ctx: FileContext, decl: Node, depth: int) -> TypeName | None:
    holder = _holder(decl)
    if holder.type in ("parameter_declaration", "variadic_parameter_declaration"):
        return named_type(ctx, holder.child_by_field_name("type"))
    if holder.type == "var_spec":
        names = list(holder.children_by_field_name("name"))
        return _spec_type(ctx, holder, next(i for i, n in enumerate(names) if n.id == decl.id), depth)
    if holder.type in ("short_var_declaration", "assignment_statement"):
        left = holder.child_by_field_name("left")
        right = holder.child_by_field_name("right")
        if left is None or right is None:
            return None
        idx = next((i for i, n in enumerate(left.named_children) if n.id == decl.id), None)
        return _value_type(ctx, right, idx, len(left.named_children), depth)
    return None


def _spec_type(ctx: FileContext, spec: Node, idx: int, depth: int) -> TypeName | None:
    typ = spec.child_by_field_name("type")
    if typ is not None:
        return named_type(ctx, typ)
    value = spec.child_by_field_name("value")
    if value is None:
        return None
    return _value_type(ctx, value, idx, len(list(spec.children_by_field_name("name"))), depth)


def _value_type(ctx: FileContext, values: Node, idx: int | None, n_left: int, depth: int) -> TypeName | None:
    if idx is None:
        return None
    vals = [v for v in values.named_children if v.type != "comment"] if values.type == "expression_list" else [values]
    if len(vals) == n_left:
        return type_of(ctx, vals[idx], depth)
    if len(vals) == 1 and S.unparen(vals[0]).type == "call_expression":
        return _call_result(ctx, S.unparen(vals[0]), idx, depth)
    return None


_FIELD_TYPES: weakref.WeakKeyDictionary[FileContext, dict[str, set[TypeName | None]]] = weakref.WeakKeyDictionary()


def struct_field_type(ctx: FileContext, field: str) -> TypeName | None:
    """The type of struct fields named `field` in this file, when every such field agrees."""
    table = _FIELD_TYPES.get(ctx)
    if table is None:
        table = {}
        for n in ctx.nodes_of_type("field_declaration"):
            if n.type == "field_declaration":
                typ = named_type(ctx, n.child_by_field_name("type"))
                for f in n.children_by_field_name("name"):
                    table.setdefault(ctx.text(f), set()).add(typ)
        _FIELD_TYPES[ctx] = table
    found = table.get(field, set())
    if len(found) == 1:
        return next(iter(found))
    return None


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
        if p.type not in ("parameter_declaration", "variadic_parameter_declaration"):
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
        if a.type in S.FUNCTION_TYPES and not (a.type == "func_literal" and literal_usage(a) == "called"):
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
        if fn.type == "func_literal" and literal_usage(fn) == "called":
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
    holder = _holder(decl)
    if holder.type not in ("short_var_declaration", "assignment_statement"):
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
                and n.parent.type == "qualified_type":
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
