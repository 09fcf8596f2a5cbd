"""Parsing and small facts about Go syntax trees.

tree-sitter-go shapes worth knowing: a `block` holds its statements in one
`statement_list` child (absent when the block is empty); case clauses
(`expression_case`, `communication_case`, `default_case`, `type_case`) hold a
`statement_list` directly; comments are ordinary named nodes among statements.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import tree_sitter_go
from tree_sitter import Language, Node, Parser, Query, QueryCursor, Tree

GO = Language(tree_sitter_go.language())

FUNCTION_TYPES = frozenset({"function_declaration", "method_declaration", "func_literal"})
LOOP_TYPES = frozenset({"for_statement"})
CASE_TYPES = frozenset({"expression_case", "communication_case", "default_case", "type_case"})
BREAKABLE_TYPES = frozenset(
    {"for_statement", "expression_switch_statement", "type_switch_statement", "select_statement"}
)


def parse(src: bytes) -> Tree:
    return Parser(GO).parse(src)


class LazyQuery:
    """A query compiled on first use: rules keep their queries as module constants, and a
    run that never needs a rule (warm cache, prefilter) never pays for compiling it."""

    __slots__ = ("text", "_query")

    def __init__(self, text: str) -> None:
        self.text = text
        self._query: Query | None = None

    @property
    def query(self) -> Query:
        if self._query is None:
            self._query = Query(GO, self.text)
        return self._query


def query(text: str) -> LazyQuery:
    return LazyQuery(text)


def captures(q: LazyQuery | Query, node: Node) -> dict[str, list[Node]]:
    return QueryCursor(q.query if isinstance(q, LazyQuery) else q).captures(node)


def matches(q: LazyQuery | Query, node: Node) -> list[tuple[int, dict[str, list[Node]]]]:
    return QueryCursor(q.query if isinstance(q, LazyQuery) else q).matches(node)


def first_syntax_error(tree: Tree) -> Node | None:
    """The first ERROR or MISSING node, or None when the tree is clean."""
    root = tree.root_node
    if not root.has_error:
        return None
    stack = [root]
    while stack:
        node = stack.pop()
        if node.is_error or node.is_missing:
            return node
        stack.extend(c for c in reversed(node.children) if c.has_error or c.is_missing)
    return root


def text(node: Node) -> str:
    return node.text.decode("utf-8") if node.text is not None else ""


def walk(node: Node) -> Iterator[Node]:
    """Pre-order walk over named descendants, including node itself."""
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        stack.extend(reversed(n.named_children))


# The root of the tree being analysed and the parents found so far (node id -> parent), set
# for the length of one file's analysis by `rooted`. tree-sitter keeps no parent pointers:
# `node.parent` descends from the root, so a walk up through `.parent` costs depth squared
# (83 s on a file nested 10,000 deep). With the root known, one descent gives the whole
# chain, and each node's parent is remembered for the rest of that analysis.
_ROOTED: ContextVar[tuple[Node, dict[int, Node]] | None] = ContextVar("gofix_rooted", default=None)


@contextmanager
def rooted(root: Node) -> Iterator[None]:
    """Within the block, ancestor walks under root cost the depth, not its square."""
    token = _ROOTED.set((root, {}))
    try:
        yield
    finally:
        _ROOTED.reset(token)


def _parents(node: Node) -> dict[int, Node] | None:
    """The parent table of the current analysis, holding node's whole chain up to the root;
    None when no analysis is rooted or node is not under its root (another file's tree)."""
    state = _ROOTED.get()
    if state is None:
        return None
    root, parents = state
    if node.id in parents or node == root:
        return parents
    if not (root.start_byte <= node.start_byte and node.end_byte <= root.end_byte):
        return None
    chain = [root]
    cur = root
    while cur != node:
        nxt = cur.child_with_descendant(node)
        if nxt is None:
            return None  # not in this tree after all
        chain.append(nxt)
        cur = nxt
    for parent, child in zip(chain, chain[1:]):
        parents[child.id] = parent
    return parents


def ancestors(node: Node) -> Iterator[Node]:
    parents = _parents(node)
    if parents is not None:
        p = parents.get(node.id)
        while p is not None:
            yield p
            p = parents.get(p.id)
        return
    p = node.parent
    while p is not None:
        yield p
        p = p.parent


def enclosing(node: Node, types: frozenset[str] | set[str]) -> Node | None:
    for a in ancestors(node):
        if a.type in types:
            return a
    return None


def enclosing_function(node: Node) -> Node | None:
    return enclosing(node, FUNCTION_TYPES)


def outermost_function(node: Node) -> Node | None:
    outer = None
    for a in ancestors(node):
        if a.type in FUNCTION_TYPES:
            outer = a
    return outer


def is_within(node: Node, outer: Node) -> bool:
    return outer.start_byte <= node.start_byte and node.end_byte <= outer.end_byte


def statements(container: Node | None) -> list[Node]:
    """Statements of a block, a case clause or a statement_list (comments skipped)."""
    if container is None:
        return []
    if container.type == "block" or container.type in CASE_TYPES:
        lst = next((c for c in container.named_children if c.type == "statement_list"), None)
        if lst is None:
            return []
        container = lst
    return [c for c in container.named_children if c.type != "comment"]


def statement_of(node: Node) -> Node:
    """The statement that contains node and sits directly in a statement_list."""
    cur = node
    for parent in ancestors(node):
        if parent.type == "statement_list":
            break
        cur = parent
    return cur


def next_statement(stmt: Node) -> Node | None:
    sib = stmt.next_named_sibling
    while sib is not None and sib.type == "comment":
        sib = sib.next_named_sibling
    return sib


def following_statements(stmt: Node) -> list[Node]:
    out = []
    sib = next_statement(stmt)
    while sib is not None:
        out.append(sib)
        sib = next_statement(sib)
    return out


def block_of(stmt: Node) -> Node | None:
    """The block or case clause whose statement list holds stmt."""
    lst = stmt.parent
    if lst is None or lst.type != "statement_list":
        return None
    return lst.parent


def function_body(fn: Node) -> Node | None:
    return fn.child_by_field_name("body")


def innermost_loop(node: Node, stop: Node | None = None) -> Node | None:
    """The closest for statement around node, not crossing a function boundary."""
    for a in ancestors(node):
        if (stop is not None and a == stop) or a.type in FUNCTION_TYPES:
            return None
        if a.type == "for_statement":
            # The loop header (init/cond/post, range expression) runs outside the body.
            body = a.child_by_field_name("body")
            if body is not None and is_within(node, body):
                return a
    return None


def callee_parts(call: Node) -> tuple[str | None, str]:
    """For a call_expression: ("pkg_or_recv", "Name") for x.Name(...), (None, "name") for name(...)."""
    fn = call.child_by_field_name("function")
    if fn is None:
        return None, ""
    if fn.type == "selector_expression":
        operand = fn.child_by_field_name("operand")
        field = fn.child_by_field_name("field")
        return (text(operand) if operand is not None else None), text(field) if field else ""
    if fn.type == "identifier":
        return None, text(fn)
    return None, ""


def unparen(node: Node) -> Node:
    while node.type == "parenthesized_expression" and node.named_child_count == 1:
        node = node.named_children[0]
    return node


def line_start(src: bytes, pos: int) -> int:
    return src.rfind(b"\n", 0, pos) + 1


def line_end(src: bytes, pos: int) -> int:
    end = src.find(b"\n", pos)
    return len(src) if end < 0 else end


def indent_of(src: bytes, node: Node) -> bytes:
    """The leading whitespace of the line on which node starts."""
    start = line_start(src, node.start_byte)
    i = start
    while i < len(src) and src[i] in b" \t":
        i += 1
    return src[start:i]


def starts_line(src: bytes, node: Node) -> bool:
    """True when only whitespace precedes node on its line."""
    return src[line_start(src, node.start_byte) : node.start_byte].strip() == b""


def rest_of_line_is_trivia(src: bytes, pos: int) -> bool:
    """True when only whitespace and comments follow pos on its line."""
    rest = src[pos : line_end(src, pos)].strip()
    while rest.startswith(b"/*") and b"*/" in rest:
        rest = rest.split(b"*/", 1)[1].strip()
    return rest == b"" or rest.startswith(b"//")


# --- terminating statements (Go spec, "Terminating statements") -------------

_FATAL_PACKAGE_FUNCS = {("log", "Fatal"), ("log", "Fatalf"), ("log", "Fatalln"), ("log", "Panic"),
                        ("log", "Panicf"), ("log", "Panicln"), ("os", "Exit")}
_FATAL_METHODS = {"Fatal", "Fatalf", "FailNow", "Skip", "Skipf", "SkipNow"}


def is_terminating(stmt: Node | None, *, lenient: bool = False) -> bool:
    """Go's terminating-statement rule for stmt (a statement, block or case list).

    With lenient=True, calls that never return in practice also terminate:
    log.Fatal*, log.Panic*, os.Exit and t.Fatal*/b.Fatal*-style methods.
    """
    if stmt is None:
        return False
    t = stmt.type
    if t in ("return_statement", "goto_statement"):
        return True
    if t == "expression_statement":
        expr = stmt.named_children[0] if stmt.named_children else None
        if expr is not None and expr.type == "call_expression":
            recv, name = callee_parts(expr)
            if recv is None and name == "panic":
                return True
            if lenient and ((recv, name) in _FATAL_PACKAGE_FUNCS or (recv and name in _FATAL_METHODS)):
                return True
        return False
    if t == "block" or t == "statement_list":
        stmts = statements(stmt)
        return bool(stmts) and is_terminating(stmts[-1], lenient=lenient)
    if t == "if_statement":
        alt = stmt.child_by_field_name("alternative")
        return (
            alt is not None
            and is_terminating(stmt.child_by_field_name("consequence"), lenient=lenient)
            and is_terminating(alt, lenient=lenient)
        )
    if t == "for_statement":
        clause = next((c for c in stmt.named_children if c.type in ("for_clause", "range_clause")), None)
        has_cond = False
        if clause is None:
            has_cond = any(c.type not in ("block", "comment") for c in stmt.named_children)
        elif clause.type == "range_clause":
            has_cond = True
        else:
            has_cond = clause.child_by_field_name("condition") is not None
        return not has_cond and not _has_break_for(stmt)
    if t in ("expression_switch_statement", "type_switch_statement", "select_statement"):
        cases = [c for c in stmt.named_children if c.type in CASE_TYPES]
        if t != "select_statement" and not any(c.type == "default_case" for c in cases):
            return False
        if _has_break_for(stmt):
            return False
        for c in cases:
            stmts = statements(c)
            if not stmts:
                return False
            last = stmts[-1]
            if last.type == "fallthrough_statement":
                continue
            if not is_terminating(last, lenient=lenient):
                return False
        return True
    if t == "labeled_statement":
        inner = [c for c in stmt.named_children if c.type != "label_name"]
        return bool(inner) and is_terminating(inner[-1], lenient=lenient)
    return False


def label_of(stmt: Node) -> str | None:
    parent = stmt.parent
    if parent is not None and parent.type == "labeled_statement":
        label = next((c for c in parent.named_children if c.type == "label_name"), None)
        return text(label) if label is not None else None
    return None


def _has_break_for(target: Node) -> bool:
    """Whether a break inside target refers to target (unlabeled and unshadowed, or by its label)."""
    label = label_of(target)
    for n in walk(target):
        if n.type != "break_statement" or n is target:
            continue
        lbl = next((c for c in n.named_children if c.type == "label_name"), None)
        if lbl is not None:
            if label is not None and text(lbl) == label:
                return True
            continue
        if break_target(n) == target:
            return True
    return False


def break_target(stmt: Node) -> Node | None:
    """The statement an unlabeled break/continue refers to (None if it crosses a function)."""
    kinds = BREAKABLE_TYPES if stmt.type == "break_statement" else LOOP_TYPES
    for a in ancestors(stmt):
        if a.type in FUNCTION_TYPES:
            return None
        if a.type in kinds:
            return a
    return None


def jump_target(stmt: Node) -> Node | None:
    """The statement a break/continue jumps out of, resolving labels; None for goto/unknown."""
    lbl = next((c for c in stmt.named_children if c.type == "label_name"), None)
    if lbl is None:
        return break_target(stmt)
    name = text(lbl)
    for a in ancestors(stmt):
        if a.type in FUNCTION_TYPES:
            return None
        if a.type == "labeled_statement":
            label = next((c for c in a.named_children if c.type == "label_name"), None)
            if label is not None and text(label) == name:
                inner = [c for c in a.named_children if c.type != "label_name"]
                return inner[-1] if inner else None
    return None


def exits_leaving(region: list[Node] | Node, scope: Node) -> list[Node]:
    """break/continue/return/goto statements in region that leave `scope` (a loop body
    or block), ignoring nested function literals and jumps bound to inner statements."""
    roots = region if isinstance(region, list) else [region]
    found: list[Node] = []
    for root in roots:
        stack = [root]
        while stack:
            n = stack.pop()
            if n.type == "func_literal":
                continue
            if n.type in ("return_statement", "goto_statement"):
                found.append(n)
            elif n.type in ("break_statement", "continue_statement"):
                target = jump_target(n)
                if target is None or not is_within(target, scope) or target == scope:
                    found.append(n)
            stack.extend(n.named_children)
    return found
