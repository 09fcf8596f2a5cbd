"""FileContext: what every rule may ask about one parsed Go file.

It is computed once per file and handed to every rule: the tree and bytes, the
import table, the module's Go version, and per-function facts computed lazily
(declarations, uses by name, how each use treats the value, gotos).
"""

from __future__ import annotations

import re
from dataclasses import replace
from collections.abc import Callable, Mapping
from functools import cached_property
from operator import attrgetter
from typing import TYPE_CHECKING, Any, TypeVar

from tree_sitter import Node, Tree

from gofix.analysis import syntax as S
from gofix.analysis.scope import is_declaration
from gofix.gomod import ModuleInfo
from gofix.analysis.model import Applicability, Edit, Finding, Fix, Position, Severity

if TYPE_CHECKING:
    from gofix.analysis.package import Package

T = TypeVar("T")

_IDENTS = S.query("[(identifier) @id (goto_statement) @goto]")


class FunctionFacts:
    """Facts about one function (declaration or literal), nested literals included.

    Identifiers are collected by one tree-sitter query (in C); which of them are
    declarations is worked out only when a rule asks.
    """

    def __init__(self, node: Node, uses: dict[str, list[Node]], has_goto: bool) -> None:
        self.node = node
        self.uses = uses  # every identifier, by name, in source order
        self.has_goto = has_goto
        self._declared: set[str] | None = None

    @classmethod
    def compute(cls, fn: Node) -> FunctionFacts:
        caps = S.captures(_IDENTS, fn)
        by_text: dict[bytes, list[Node]] = {}
        for n in sorted(caps.get("id", []), key=_start):
            by_text.setdefault(n.text, []).append(n)  # grouped by bytes: one decode per name
        return cls(fn, {t.decode("utf-8"): nodes for t, nodes in by_text.items()}, bool(caps.get("goto")))

    @property
    def declared(self) -> set[str]:
        if self._declared is None:
            self._declared = {name for name, nodes in self.uses.items() if any(is_declaration(n) for n in nodes)}
        return self._declared


_start = attrgetter("start_byte")


def _struct_literal(keyed: Node) -> bool:
    """Whether a keyed element is in a literal whose written type is a struct type (its keys
    are field names); a map literal's keys are values it stores."""
    body = keyed.parent
    lit = body.parent if body is not None else None
    if lit is None or lit.type != "composite_literal":
        return False
    t = lit.child_by_field_name("type")
    return t is not None and t.type == "struct_type"


def use_kind(ident: Node) -> str:
    """How an identifier use treats its value.

    One of: "member" (x.f, x.m()), "call" (x()), "returned", "assigned" (the
    right-hand side of =, := or var), "target" (left-hand side), "stored"
    (composite literal element), "sent", "channel" (the channel of a send or
    receive), "passed" (argument to a call), "address" (&x), "go", "defer",
    "declared", or "use" (anything else: comparisons, conditions, index, ...).
    """
    if is_declaration(ident):
        return "declared"
    node = ident
    p = node.parent
    while p is not None and p.type == "parenthesized_expression":
        node, p = p, p.parent
    if p is None:
        return "use"
    t = p.type
    if t == "selector_expression" and p.child_by_field_name("operand") is not None and p.child_by_field_name("operand").id == node.id:
        return "member"
    if t == "call_expression" and p.child_by_field_name("function").id == node.id:
        return "call"
    if t == S.ARGUMENTS:
        return "passed"
    if t in S.ELEMENT_HOLDERS:
        key = p.child_by_field_name("key") if t == "keyed_element" else None
        if key is not None and key.id == node.id and _struct_literal(p):
            return "use"  # a field name, not the variable
        return "stored"  # an element, or a key of a map literal (or of one whose type is not visible)
    if t == "send_statement":
        return "sent" if p.child_by_field_name("value").id == node.id else "channel"
    if t == "unary_expression":
        op = p.child_by_field_name("operator")
        if op is not None and op.type == "&":
            return "address"
        if op is not None and op.type == "<-":
            return "channel"
    if t == "expression_list":
        gp = p.parent
        if gp is None:
            return "use"
        if gp.type == "return_statement":
            return "returned"
        if gp.type in (S.ASSIGNMENT, "short_var_declaration", "var_spec", "range_clause"):
            left = gp.child_by_field_name("left") or gp.child_by_field_name("name")
            if left is not None and left.id == p.id:
                return "target"
            return "assigned"
    if t == "return_statement":
        return "returned"
    if t == "var_spec":
        return "assigned"
    if t in (S.ASSIGNMENT, "short_var_declaration"):
        left = p.child_by_field_name("left")
        return "target" if left is not None and left.id == node.id else "assigned"
    if t == S.INC_DEC:
        return "target"
    return "use"


class FileContext:
    """One parsed file and everything rules may ask about it.

    `package`: the file's Package (gofix.analysis.package); when not given, the siblings are
    read from the file's directory on disk, and only if a rule asks. `nolint`: rule id ->
    the linter names whose directives also suppress it (Rule.nolint), for `suppressed`.
    """

    def __init__(
        self,
        path: str,
        src: bytes,
        tree: Tree,
        module: ModuleInfo,
        options: dict[str, dict[str, Any]] | None = None,
        *,
        package: Package | None = None,
        nolint: Mapping[str, tuple[str, ...]] | None = None,
    ) -> None:
        self.path = path
        self.src = src
        self.tree = tree
        self.root = tree.root_node
        self.module = module
        self.options = options or {}
        self.extra_resources: dict[str, str] = {}  # config catalog for unclosed-resource
        self.nolint: Mapping[str, tuple[str, ...]] = nolint or {}
        self._package = package
        self._memo: dict[Any, Any] = {}
        # The byte ranges (top-level declarations) the rules search in, None: the whole file.
        # Set by gofix.analysis.incremental; read through captures/matches/entry_nodes.
        self.ranges: tuple[tuple[int, int], ...] | None = None

    # --- memoised facts -----------------------------------------------------------------

    def memo(self, key: Any, compute: Callable[[], T]) -> T:
        """compute(), once per file: the value is kept on this context under `key` (any
        hashable; start it with your module's name, e.g. ("gofix.analysis.scope", fn.id)).
        The way to keep a fact: never in a module-level cache, which outlives the file."""
        try:
            return self._memo[key]
        except KeyError:
            value = self._memo[key] = compute()
            return value

    def memo_clear(self) -> None:
        """Forget the memoised facts (the engine, once the rules are done: many of them refer
        back to this context, and the cycles would keep the tree until a garbage collection)."""
        self._memo.clear()
        self.__dict__.pop("imports", None)
        self.__dict__.pop("package_level_names", None)

    @property
    def package(self) -> Package:
        """The package this file belongs to (gofix.analysis.package.Package)."""
        if self._package is None:
            from gofix.analysis.package import Package

            self._package = Package.of_file(self.path, self.src, self.tree)
        return self._package

    def suppressed(self, rule_id: str, at: Any) -> bool:
        """Whether a finding of rule_id at `at` (a Node or a Finding) is silenced by a
        `//gofix:ignore` / `//nolint` / `//lint:ignore` comment (gofix.analysis.suppression)."""
        from gofix.analysis.suppression import suppressed

        return suppressed(self, rule_id, at)

    def type_of(self, expr: Node) -> Any:
        """The declared type of expr (gofix.analysis.types.type_of), None when unknown."""
        try:
            from gofix.analysis import types
        except ImportError:
            return None
        return types.type_of(self, expr)

    # --- basics -----------------------------------------------------------------

    def text(self, node: Node) -> str:
        return self.src[node.start_byte : node.end_byte].decode("utf-8")

    def bytes_of(self, node: Node) -> bytes:
        return self.src[node.start_byte : node.end_byte]

    def option(self, rule: str, key: str, default: Any = None) -> Any:
        return self.options.get(rule, {}).get(key, default)

    @property
    def timers_collected(self) -> bool:
        """Go >= 1.23 timer semantics apply (unstopped timers and tickers are collected)."""
        return self.module.timers_collected

    def finding(
        self,
        rule: str,
        node: Node,
        message: str,
        severity: Severity = Severity.ERROR,
        fix: Fix | None = None,
    ) -> Finding:
        sp, ep = node.start_point, node.end_point
        if fix is not None:
            from gofix.analysis.edits import CommentRows, realign_trailing_comments  # edits imports this module

            rows = self.memo(("edits.comment_rows",), lambda: CommentRows(self.src, self.root))
            extra = realign_trailing_comments(self.src, self.root, fix.edits, rows)
            if extra:
                fix = replace(fix, edits=fix.edits + extra)
        return Finding(
            rule=rule,
            severity=severity,
            message=message,
            start_byte=node.start_byte,
            end_byte=node.end_byte,
            start=Position(sp.row + 1, sp.column + 1),
            end=Position(ep.row + 1, ep.column + 1),
            fix=fix,
        )

    def nodes_of_type(self, *types: str) -> list[Node]:
        """Every node of the given types in the file, in source order (one query in C,
        cached per file): use it instead of walking the whole tree in Python."""
        q = S.kinds(*types)

        def compute() -> list[Node]:
            caps = self._batched(q, None)
            if caps is None:
                caps = S.captures(q, self.root)
            return sorted(caps.get("n", []), key=_source_order)

        return self.memo(("nodes_of_type", q.text), compute)

    # --- where a rule's search starts ----------------------------------------------------

    def captures(self, q: Any, name: str) -> list[Node]:
        """The nodes q captures as `name` in the file, or only in the top-level declarations
        being analysed (`ranges`: gofix.analysis.incremental re-analyses the declarations an
        edit touched), in source order (outer before inner at the same start). What a rule
        iterates over to find its candidates; a fact about the whole file (every use of a
        name, every comment) reads S.captures(q, ctx.root).

        An entry query (S.entry_query) is answered from one walk of the tree for all of them
        (S.entry_batch), done once per file and `ranges`. (The order tree-sitter gives
        captures in depends on the other patterns run with them: hence the sort.)"""
        caps = self._batched(q, self.ranges)
        if caps is not None:
            found = caps.get(name, [])
        elif self.ranges is None:
            found = S.captures(q, self.root).get(name, [])
        else:
            found = [n for start, end in self.ranges
                     for n in S.captures(q, self.root, (start, end)).get(name, []) if start <= n.start_byte < end]
        return sorted(found, key=_source_order)

    def _batched(self, q: Any, ranges: tuple[tuple[int, int], ...] | None) -> dict[str, list[Node]] | None:
        """q's captures from the entry batch (limited to ranges), None when q is not an entry query."""
        batch = S.entry_batch()
        if q not in batch:
            return None

        def compute() -> list[dict[str, list[Node]]]:
            if ranges is None:
                return batch.run(self.root)
            merged: list[dict[str, list[Node]]] = [{} for _ in batch.queries]
            for start, end in ranges:
                for per, caps in zip(merged, batch.run(self.root, (start, end))):
                    for name, nodes in caps.items():
                        per.setdefault(name, []).extend(n for n in nodes if start <= n.start_byte < end)
            return merged

        return self.memo(("entry_batch", len(batch.queries), ranges), compute)[batch.position(q)]

    def matches(self, q: Any) -> list[tuple[int, dict[str, list[Node]]]]:
        """S.matches over the file, or over `ranges` (see captures): matches whose first
        capture starts there."""
        if self.ranges is None:
            return S.matches(q, self.root)
        out = []
        for start, end in self.ranges:
            for m in S.matches(q, self.root, (start, end)):
                first = min((n.start_byte for nodes in m[1].values() for n in nodes), default=-1)
                if start <= first < end:
                    out.append(m)
        return out

    def selector_calls(self, *names: str) -> list[Node]:
        """Calls `x.Name(...)` with Name in names, in source order, limited to `ranges` (see
        captures): a rule's candidates, found where the names occur in the bytes (no walk of
        the tree, which costs a third of parsing it)."""
        key = tuple(sorted(set(names)))
        found = self.memo(("selector_calls", key), lambda: S.selector_calls(self.root, self.src, key))
        return self._in_ranges(found)

    def token_nodes(self, token: str, parent_type: str) -> list[Node]:
        """The parent_type nodes holding `token` (e.g. "defer" -> every defer_statement, "go",
        "range" -> range_clause, "<-" -> send_statement), in source order, limited to `ranges`:
        like selector_calls, found from the bytes."""
        found = self.memo(("token_nodes", token, parent_type),
                          lambda: sorted(S.token_nodes(self.root, self.src, token, parent_type), key=_source_order))
        return self._in_ranges(found)

    def identifier_calls(self, name: str) -> list[Node]:
        """Calls `name(...)` of a plain identifier (e.g. make), in source order, limited to `ranges`."""
        found = self.memo(("identifier_calls", name),
                          lambda: sorted(S.identifier_calls(self.root, self.src, name), key=_source_order))
        return self._in_ranges(found)

    def _in_ranges(self, nodes: list[Node]) -> list[Node]:
        if self.ranges is None:
            return list(nodes)
        return [n for n in nodes if any(start <= n.start_byte < end for start, end in self.ranges)]

    def entry_nodes(self, *types: str) -> list[Node]:
        """nodes_of_type(*types), limited to `ranges` (see captures): a rule's candidates.
        The types' query is an entry query from its first use on (S.kinds(entry=True))."""
        q = S.kinds(*types, entry=True)
        if self.ranges is None:
            return self.nodes_of_type(*types)
        return self.captures(q, "n")

    # --- imports ------------------------------------------------------------------

    @cached_property
    def imports(self) -> dict[str, str]:
        """Local name -> import path. Dot imports map "." and blank imports "_" (last wins)."""
        table: dict[str, str] = {}
        for decl in self.root.named_children:
            if decl.type != "import_declaration":
                continue
            for spec in S.walk(decl):
                if spec.type != "import_spec":
                    continue
                path_node = spec.child_by_field_name("path")
                if path_node is None:
                    continue
                path = self.text(path_node).strip('"`')
                name_node = spec.child_by_field_name("name")
                if name_node is not None:
                    name = self.text(name_node)
                else:
                    name = default_package_name(path)
                table[name] = path
        return table

    def package_imports(self, *paths: bytes) -> bool:
        """Whether some file of the package (this one first) imports one of paths (byte
        strings of an import spec, b'context"': gofix.analysis.package.imports_one_of). A
        type of a package can only be named where it is imported: without such an import
        anywhere in the package, no declaration in it has one of its types."""
        from gofix.analysis.package import imports_one_of

        def compute() -> bool:
            return imports_one_of(self.src, paths) or self.package.others_import(paths)

        return self.memo(("package-imports", paths), compute)

    def local_name(self, import_path: str) -> str | None:
        """The name this file uses for import_path, or None if it is not imported by name."""
        for name, path in self.imports.items():
            if path == import_path and name not in ("_", "."):
                return name
        return None

    @cached_property
    def package_level_names(self) -> set[str]:
        names: set[str] = set()
        for decl in self.root.named_children:
            if decl.type in ("function_declaration",):
                n = decl.child_by_field_name("name")
                if n is not None:
                    names.add(self.text(n))
            elif decl.type in ("var_declaration", "const_declaration", "type_declaration"):
                for spec in S.walk(decl):
                    if spec.type in S.SPEC_TYPES:
                        for c in spec.children_by_field_name("name"):
                            names.add(self.text(c))
        return names

    def resolves_to_import(self, ident: Node, import_path: str) -> bool:
        """Whether identifier `ident` (the operand of pkg.Name) names the import of import_path,
        not a local variable, parameter or package-level declaration that shadows it."""
        name = self.text(ident)
        if self.imports.get(name) != import_path:
            return False
        if name in self.package_level_names:
            return False
        outer = S.outermost_function(ident)
        if outer is None or not self._declares(outer, name):
            return True  # the function declares no such name: no need to work out scopes
        from gofix.analysis.scope import declared_at

        return declared_at(self, name, ident) is None

    def _declares(self, fn: Node, name: str) -> bool:
        """Whether fn (nested literals included) declares name anywhere (once per function and
        name: a function with 78 context.Background() calls asked it 78 times over every use)."""
        return self.memo(("declares", fn.id, name),
                         lambda: any(is_declaration(u) for u in self.facts(fn).uses.get(name, ())))

    def is_pkg_member(self, node: Node, import_path: str, *names: str) -> bool:
        """node is a selector `pkg.Name` with pkg resolving to import_path and Name in names
        (any name when names is empty)."""
        node = S.unparen(node)
        if node.type != "selector_expression":
            return False
        operand = node.child_by_field_name("operand")
        fld = node.child_by_field_name("field")
        if operand is None or fld is None or operand.type != "identifier":
            return False
        if names and self.text(fld) not in names:
            return False
        return self.resolves_to_import(operand, import_path)

    def is_pkg_call(self, call: Node, import_path: str, *names: str) -> bool:
        if call is None or call.type != "call_expression":
            return False
        fn = call.child_by_field_name("function")
        return fn is not None and self.is_pkg_member(fn, import_path, *names)

    def call_name(self, call: Node) -> str:
        """The called function's or method's own name (After in time.After)."""
        return S.callee_parts(call)[1]

    # --- functions ------------------------------------------------------------------

    def facts(self, fn: Node) -> FunctionFacts:
        return self.memo(("facts", fn.id), lambda: FunctionFacts.compute(fn))

    def uses(self, fn: Node, name: str, after: int = -1) -> list[Node]:
        """Identifier nodes named `name` in fn (nested literals included) starting at or after `after`."""
        return [u for u in self.facts(fn).uses.get(name, []) if u.start_byte >= after]

    def fresh_name(self, at: Node, base: str, taken: set[str] | frozenset[str] = frozenset()) -> str:
        """gofix.analysis.scope.fresh_name: base, base2, ... unused in the function around `at`."""
        from gofix.analysis.scope import fresh_name

        return fresh_name(self, at, base, taken)

    def has_goto(self, at: Node) -> bool:
        fn = S.enclosing_function(at) if at.type not in S.FUNCTION_TYPES else at
        return fn is not None and self.facts(fn).has_goto

    # --- "a deferred cleanup must not outlive its users" -----------------------------

    def lifetime_blocker(
        self,
        fn: Node,
        names: list[str],
        after: int,
        defer_at: int | None,
        allow_passed: bool = True,
    ) -> str | None:
        """Why cleaning up the values held in `names` when fn returns would be wrong, or None.

        Looks at uses of each name in fn starting at byte `after`: returned, stored,
        assigned, sent, address taken, used inside a `go` statement, inside a function
        literal that is passed, stored or returned, or inside a literal deferred before
        `defer_at` (pass None when no defer is inserted). With allow_passed=False, passing
        the value whole to a call is a blocker too (the callee may own its cleanup).
        """
        for name in names:
            for use in self.uses(fn, name, after):
                kind = use_kind(use)
                if kind in ("returned", "stored", "sent", "address"):
                    return f"`{name}` is {kind} and may be used after the function returns"
                if kind == "assigned":
                    return f"`{name}` is assigned to another variable"
                if kind == "passed" and not allow_passed:
                    return f"`{name}` is passed to a call that may take over its cleanup"
                reason = self._literal_blocker(use, fn, defer_at)
                if reason:
                    return f"`{name}` is used {reason}"
        return None

    def _literal_blocker(self, use: Node, fn: Node, defer_at: int | None) -> str | None:
        for a in S.ancestors(use):
            if a.id == fn.id:
                return None
            if a.type == "go_statement":
                return "in a go statement"
            if a.type == S.FUNC_LITERAL:
                how = literal_usage(a)
                if how in ("passed", "stored", "returned", "assigned"):
                    return f"in a function literal that is {how} (it may run after the function returns)"
                if how == "defer" and defer_at is not None and a.start_byte < defer_at:
                    return "in a deferred function registered earlier (it runs after the new defer)"
        return None


def _source_order(n: Node) -> tuple[int, int]:
    return n.start_byte, -n.end_byte


def literal_usage(lit: Node) -> str:
    """How a function literal is used: "called" (invoked in place), "go", "defer", or a use_kind."""
    p = lit.parent
    node = lit
    while p is not None and p.type == "parenthesized_expression":
        node, p = p, p.parent
    if p is not None and p.type == "call_expression" and p.child_by_field_name("function").id == node.id:
        gp = p.parent
        if gp is not None and gp.type == "go_statement":
            return "go"
        if gp is not None and gp.type == "defer_statement":
            return "defer"
        return "called"
    # reuse use_kind's view of the value position
    if p is None:
        return "use"
    if p.type == S.ARGUMENTS:
        return "passed"
    if p.type in S.ELEMENT_HOLDERS:
        return "stored"
    if p.type == "expression_list" and p.parent is not None:
        if p.parent.type == "return_statement":
            return "returned"
        if p.parent.type in (S.ASSIGNMENT, "short_var_declaration", "var_spec"):
            return "assigned"
    if p.type in ("return_statement",):
        return "returned"
    if p.type in ("var_spec", S.ASSIGNMENT, "short_var_declaration", "send_statement"):
        return "assigned"
    return "use"


def _function_chain(node: Node) -> list[Node]:
    return [a for a in S.ancestors(node) if a.type in S.FUNCTION_TYPES]


_MAJOR_VERSION = re.compile(r"^v\d+$")


def default_package_name(path: str) -> str:
    """The package name an import path is used under by convention (last element,
    skipping a /vN major-version suffix, dropping a go- prefix or .go/-go suffix)."""
    parts = path.split("/")
    last = parts[-1]
    if _MAJOR_VERSION.match(last) and len(parts) > 1:
        last = parts[-2]
    if last.startswith("gopkg.in") or "." in last:
        last = last.split(".")[0]
    for prefix in ("go-",):
        if last.startswith(prefix):
            last = last[len(prefix) :]
    for suffix in ("-go",):
        if last.endswith(suffix):
            last = last[: -len(suffix)]
    return last.replace("-", "_")


__all__ = [
    "Applicability",
    "Edit",
    "FileContext",
    "Finding",
    "Fix",
    "FunctionFacts",
    "Severity",
    "literal_usage",
    "use_kind",
]
