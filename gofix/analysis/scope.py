"""Scope: which declaration an identifier means, inside functions.

    b = binding(ctx, ident)        # Binding | None
    b.ident, b.kind                # the declaring identifier; "var", "param", "result", ...
    references(ctx, b)             # every identifier bound to it, the declaration included
    shadowed(ctx, "len", at=node)  # does `len` mean something of this package at node?
    fresh_name(ctx, at, "cancel")  # cancel, cancel2, ... unused in the function

Go's rules, for the function-local names a syntax tree can settle:
- parameters, named results and the receiver are declared in the function's outermost
  block, the same block as the body's top-level statements (so `ctx, cancel :=
  context.WithTimeout(ctx, d)` at the top of a body reuses the parameter `ctx`);
- a `:=` / `var` / `const` name is visible from the end of its statement (or spec) to the
  end of the innermost block holding it: `x := x + 1` reads the outer x on the right;
- `if`, `for`, `switch` initializers scope over the whole statement; `for k, v := range e`
  over the loop (not `e`); `case v := <-ch:` over its clause; `switch v := x.(type)` over
  the clauses;
- `a, err := f()` where `err` is already declared in the same block assigns that `err`:
  its binding is the earlier declaration (`:=` redeclaration);
- function literals see the names of the functions around them.

Names declared at package level (in any file of the package), imports and predeclared
identifiers have no Binding here: binding() returns None for them.
Everything is computed once per outermost function and memoised on the context.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tree_sitter import Node

from gofix.analysis import syntax as S

if TYPE_CHECKING:
    from gofix.analysis.context import FileContext

_PARAM_DECLS = frozenset({S.PARAMETER_DECL})
_SPEC_DECLS = frozenset({"var_spec", "const_spec"})
_DEFINING = frozenset({"short_var_declaration", "receive_statement", "range_clause"})
# Statements whose initializer's names are visible in the whole statement.
_HEADER_SCOPES = frozenset({"if_statement", "expression_switch_statement", "type_switch_statement",
                            "for_statement", "select_statement"})


def is_declaration(ident: Node) -> bool:
    """Whether ident is being declared here: a `:=` left-hand side (also in a range clause or a
    select receive), a var/const spec name, a parameter, named result or receiver, or a type
    switch's `v` in `switch v := x.(type)`. (A `:=` redeclaration counts: see binding.)"""
    p = ident.parent
    if p is None or ident.type != "identifier":
        return False
    if p.type in _PARAM_DECLS:
        return any(c.id == ident.id for c in p.children_by_field_name("name"))
    if p.type in _SPEC_DECLS:
        return any(c.id == ident.id for c in p.children_by_field_name("name"))
    if p.type in ("function_declaration", "method_declaration", S.TYPE_DEFINITION):
        return False  # package-level names and type names: not local variables
    if p.type == "expression_list":
        gp = p.parent
        if gp is None:
            return False
        if gp.type in _DEFINING:
            left = gp.child_by_field_name("left")
            return left is not None and left.id == p.id and _is_define(gp)
        if gp.type == "type_switch_statement":  # a grammar that lists the name
            alias = gp.child_by_field_name(S.ALIAS)
            return alias is not None and alias.id == p.id
    if p.type == "type_switch_statement":  # `switch v := x.(type)`: the name itself
        alias = p.child_by_field_name(S.ALIAS)
        return alias is not None and alias.id == ident.id
    return False


def _is_define(stmt: Node) -> bool:
    if stmt.type == "short_var_declaration":
        return True
    return any(not c.is_named and c.type == ":=" for c in stmt.children)


@dataclass(frozen=True)
class Binding:
    """A function-local declaration.

    kind: "var" (`:=`, `var`), "const", "param", "result", "receiver", "range" (range clause),
    "recv" (`case v := <-ch`), "typeswitch" (`switch v := x.(type)`).
    scope: the byte range where the name means this declaration (start inclusive, end
    exclusive); block: the node whose block holds it (the same node for names declared in
    one block, which is how `:=` redeclaration is decided); function: the function
    (declaration or literal) it belongs to.
    """

    name: str
    ident: Node
    kind: str
    scope: tuple[int, int]
    block: Node
    function: Node

    @property
    def is_parameter(self) -> bool:
        return self.kind in ("param", "receiver")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Binding) and other.ident.id == self.ident.id

    def __hash__(self) -> int:
        return hash(self.ident.id)


def _declare(ident: Node, name: str) -> Binding | None:
    """The Binding an identifier for which is_declaration() holds introduces (before
    redeclaration is taken into account)."""
    p = ident.parent
    if p.type in _PARAM_DECLS:
        fn = _function_of_params(p)
        body = fn.child_by_field_name("body") if fn is not None else None
        if fn is None or body is None:
            return None  # a function type's parameter names, or no body: nothing to bind
        where = p.parent
        kind = "param"
        if _same(where, fn.child_by_field_name("result")):
            kind = "result"
        elif fn.type == "method_declaration" and _same(where, fn.child_by_field_name("receiver")):
            kind = "receiver"
        return Binding(name, ident, kind, (body.start_byte, body.end_byte), body, fn)
    if p.type in _SPEC_DECLS:
        kind = "const" if p.type == "const_spec" else "var"
        stmt = p.parent
        while stmt is not None and stmt.type not in ("var_declaration", "const_declaration"):
            stmt = stmt.parent
        if stmt is None:
            return None
        return _statement_binding(name, ident, kind, stmt, start=p.end_byte)
    if p.type == "type_switch_statement":  # `switch v := x.(type)`: v names the statement's own
        p = ident  # treat as the grammars that wrap it in an expression_list: gp is the switch
    gp = p.parent  # p is an expression_list
    if gp.type == "short_var_declaration":
        return _statement_binding(name, ident, "var", gp, start=gp.end_byte)
    if gp.type == "range_clause":
        loop = gp.parent
        fn = S.enclosing_function(loop)
        return Binding(name, ident, "range", (gp.end_byte, loop.end_byte), loop, fn) if fn is not None else None
    if gp.type == "receive_statement":
        clause = gp.parent
        fn = S.enclosing_function(gp)
        if clause is None or clause.type != S.COMMUNICATION_CASE or fn is None:
            return None
        return Binding(name, ident, "recv", (gp.end_byte, clause.end_byte), clause, fn)
    if gp.type == "type_switch_statement":
        value = gp.child_by_field_name(S.SWITCH_OPERAND)
        fn = S.enclosing_function(gp)
        start = value.end_byte if value is not None else ident.end_byte
        return Binding(name, ident, "typeswitch", (start, gp.end_byte), gp, fn) if fn is not None else None
    return None


def _same(a: Node | None, b: Node | None) -> bool:
    return a is not None and b is not None and a.id == b.id


def _function_of_params(param_decl: Node) -> Node | None:
    plist = param_decl.parent
    fn = plist.parent if plist is not None else None
    return fn if fn is not None and fn.type in S.FUNCTION_TYPES else None


def _statement_binding(name: str, ident: Node, kind: str, stmt: Node, start: int) -> Binding | None:
    fn = S.enclosing_function(stmt)
    holder = stmt.parent
    if fn is None or holder is None:
        return None
    if holder.type == "for_clause":
        holder = holder.parent
    if holder.type in _HEADER_SCOPES:
        return Binding(name, ident, kind, (start, holder.end_byte), holder, fn)
    if holder.type == "block" or holder.type in S.CASE_TYPES:  # a statement of a block or clause
        return Binding(name, ident, kind, (start, holder.end_byte), holder, fn)
    return None


_DECLARATIONS = S.query("""[
  (short_var_declaration left: (expression_list (identifier) @d))
  (var_spec name: (identifier) @d)
  (const_spec name: (identifier) @d)
  (parameter_declaration name: (identifier) @d)
  (range_clause left: (expression_list (identifier) @d))
  (receive_statement left: (expression_list (identifier) @d))
  (type_switch_statement name: (identifier) @d)
]""")


class FunctionScopes:
    """Bindings of one outermost function (nested literals included): every declaration,
    and for every identifier the binding it resolves to. Built once, on first question."""

    def __init__(self, ctx: FileContext, fn: Node) -> None:
        self.fn = fn
        self._by_name: dict[str, list[Binding]] = {}
        self._canonical: dict[int, Binding] = {}  # declaring ident id -> binding after redeclaration
        self._resolved: dict[int, Binding | None] = {}
        self._refs: dict[int, list[Node]] | None = None
        self.uses = ctx.facts(fn).uses
        # the declaring identifiers, found by one query (in C) instead of asking every identifier
        found = S.captures(_DECLARATIONS, fn).get("d", [])
        for ident in sorted(found, key=lambda n: n.start_byte):
            if not is_declaration(ident):
                continue  # a range or receive with `=`, not `:=`
            name = S.text(ident)
            b = _declare(ident, name)
            if b is None:
                continue
            earlier = self._redeclares(b) if b.ident.parent.parent is not None \
                and b.ident.parent.parent.type == "short_var_declaration" else None
            self._canonical[ident.id] = earlier or b
            if earlier is None:
                self._by_name.setdefault(name, []).append(b)

    def _redeclares(self, b: Binding) -> Binding | None:
        """For `:=`, the declaration of the same name already in the same block (reused)."""
        for d in self._by_name.get(b.name, ()):
            if d.block.id == b.block.id and d.ident.start_byte < b.ident.start_byte:
                return self._canonical.get(d.ident.id, d)
            if d.kind == "typeswitch" and b.block.parent is not None and b.block.parent.id == d.block.id:
                return d  # `v, err := ...` in a clause of `switch v := x.(type)`
        return None

    def resolve(self, ident: Node) -> Binding | None:
        if ident.id in self._resolved:
            return self._resolved[ident.id]
        found = self._canonical.get(ident.id)
        if found is None:
            found = self.at(ident.text.decode() if ident.text is not None else "", ident.start_byte)
        self._resolved[ident.id] = found
        return found

    def at(self, name: str, pos: int) -> Binding | None:
        """The binding `name` has at byte `pos` (innermost scope that contains pos)."""
        best: Binding | None = None
        for b in self._by_name.get(name, ()):
            lo, hi = b.scope
            if lo <= pos < hi and (best is None or lo >= best.scope[0] and hi <= best.scope[1]):
                best = b
        return best

    def references(self, b: Binding) -> list[Node]:
        if self._refs is None:
            refs: dict[int, list[Node]] = {}
            for idents in self.uses.values():
                for ident in idents:
                    r = self.resolve(ident)
                    if r is not None:
                        refs.setdefault(r.ident.id, []).append(ident)
            self._refs = refs
        return list(self._refs.get(b.ident.id, ()))

    def bindings(self, name: str | None = None) -> list[Binding]:
        if name is not None:
            return list(self._by_name.get(name, ()))
        return [b for bs in self._by_name.values() for b in bs]


def scopes(ctx: FileContext, node: Node) -> FunctionScopes | None:
    """The FunctionScopes of the outermost function around node (node itself if it is one)."""
    fn = S.outermost_function(node)
    if fn is None and node.type in S.FUNCTION_TYPES:
        fn = node
    if fn is None:
        return None
    return ctx.memo(("gofix.analysis.scope", fn.id), lambda: FunctionScopes(ctx, fn))


def binding(ctx: FileContext, ident: Node) -> Binding | None:
    """The function-local declaration `ident` (an identifier node) refers to, or declares;
    None when it is not declared in a function around it (package level, imported,
    predeclared, undefined) or is not an identifier."""
    if ident.type != "identifier":
        return None
    sc = scopes(ctx, ident)
    return sc.resolve(ident) if sc is not None else None


def declared_at(ctx: FileContext, name: str, at: Node) -> Binding | None:
    """The binding `name` would have if it were written at the start of node `at`."""
    sc = scopes(ctx, at)
    return sc.at(name, at.start_byte) if sc is not None else None


def references(ctx: FileContext, decl: Binding | Node) -> list[Node]:
    """Every identifier bound to decl (a Binding, or its declaring identifier), in source
    order: the declaration itself, `:=` redeclarations and all uses, nested literals included."""
    b = decl if isinstance(decl, Binding) else binding(ctx, decl)
    if b is None:
        return []
    sc = scopes(ctx, b.ident)
    return sorted(sc.references(b), key=lambda n: n.start_byte) if sc is not None else []


def shadowed(ctx: FileContext, name: str, at: Node, package: bool = True) -> bool:
    """Whether `name` at node `at` means a declaration of this package rather than an import
    of this file or a predeclared identifier: a local declaration in scope there, a top-level
    declaration of this file, or (package=True) of another file of the package (which reads
    the other files)."""
    if declared_at(ctx, name, at) is not None:
        return True
    if name in ctx.package_level_names:
        return True
    return package and bool(ctx.package.decls(name))


def names_in(ctx: FileContext, fn: Node) -> set[str]:
    """Every name that appears in the outermost function around fn: identifiers, fields,
    types, packages and labels (what a new name must not collide with)."""
    outer = S.outermost_function(fn) or fn

    def compute() -> set[str]:
        used = set(ctx.facts(outer).uses)
        named = ctx.nodes_of_type("field_identifier", "type_identifier", "package_identifier", S.LABEL)
        starts = ctx.memo(("gofix.analysis.scope.name_starts",), lambda: [n.start_byte for n in named])
        # the file's names in source order: only those inside outer (scanning them all for
        # every function made a large file quadratic)
        lo = bisect.bisect_left(starts, outer.start_byte)
        hi = bisect.bisect_left(starts, outer.end_byte)
        used |= {ctx.text(n) for n in named[lo:hi]}
        return used

    return ctx.memo(("gofix.analysis.scope.names", outer.id), compute)


def fresh_name(ctx: FileContext, at: Node, base: str, taken: Iterable[str] = ()) -> str:
    """base, or base2, base3, ...: the first that appears nowhere in the outermost function
    around `at` (identifiers, fields, types, labels) and is not a top-level name of the file
    or an import name, nor in `taken`."""
    fn = S.outermost_function(at) or (at if at.type in S.FUNCTION_TYPES else None)
    used = set(names_in(ctx, fn)) if fn is not None else set()
    used |= ctx.package_level_names | set(ctx.imports) | set(taken)
    if base not in used:
        return base
    i = 2
    while f"{base}{i}" in used:
        i += 1
    return f"{base}{i}"
