"""Parsing and small facts about Go syntax trees.

The grammar is tree-sitter-golang (trees shaped like go/ast; see docs/grammar.md). Node kinds
and field names that a rule needs are named here, as constants and small accessors, so that
rules and the analysis layer never spell a grammar's kind themselves and a change of grammar
is one module's work. Shapes worth knowing:

- a `block` holds its statements (and comments) directly; so does a case clause
  (`expression_case_clause`, `type_case_clause`, `communication_clause`), after its `:`; the
  clause's `value:`/`type:`/`communication:` children come before it (`statements` and
  `in_statement_list` know the difference);
- `nil`, `true`, `false` and `iota` are identifiers, as in go/ast (`is_nil`, `bool_value`);
- `go`/`defer` statements hold their call in a `call:` field (`go_call`);
- a variadic parameter is a `parameter_declaration` with a `...` token, a spread argument a
  `...` token in `arguments` (`is_variadic_param`, `has_spread`);
- specs (`import_spec`, `var_spec`, `const_spec`, `type_definition`, `alias_declaration`)
  sit directly under their declaration, grouped or not (`specs`, `is_grouped`);
- `if`: `init_statement:`, `condition:`, `body:`, `else:`; `for` clause: `init_statement:`,
  `condition:`, `post_statement:`; a type switch: `name:`, `operand:`; a composite literal:
  `type:`, `value:` (a `literal_value` of elements or `keyed_element`s with `key:`/`element:`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import tree_sitter_golang
from tree_sitter import Language, Node, Parser, Query, QueryCursor, Tree

GO = Language(tree_sitter_golang.language())

# --- node kinds ----------------------------------------------------------------------------
FUNC_LITERAL = "function_literal"
ASSIGNMENT = "assignment"
INC_DEC = "inc_dec_statement"
ARGUMENTS = "arguments"
PARAMETERS = "parameters"
PARAMETER_DECL = "parameter_declaration"
TYPE_PARAMETERS = "type_parameters"
EXPRESSION_CASE = "expression_case_clause"
TYPE_CASE = "type_case_clause"
COMMUNICATION_CASE = "communication_clause"
LABEL = "label"
TYPE_DEFINITION = "type_definition"
TYPE_ALIAS = "alias_declaration"
QUALIFIED_TYPE = "qualified_identifier"
STRING_CONTENT = "string_content"

FUNCTION_TYPES = frozenset({"function_declaration", "method_declaration", FUNC_LITERAL})
LOOP_TYPES = frozenset({"for_statement"})
CASE_TYPES = frozenset({EXPRESSION_CASE, COMMUNICATION_CASE, TYPE_CASE})
BREAKABLE_TYPES = frozenset(
    {"for_statement", "expression_switch_statement", "type_switch_statement", "select_statement"}
)
TYPE_SPECS = frozenset({TYPE_DEFINITION, TYPE_ALIAS})
SPEC_TYPES = frozenset({"import_spec", "var_spec", "const_spec", TYPE_DEFINITION, TYPE_ALIAS})
# Type literals: as the function of a call_expression they make it a conversion
# (`[]byte(s)`); the grammar has no separate conversion node.
TYPE_LITERALS = frozenset({"slice_type", "array_type", "map_type", "channel_type", "pointer_type",
                           "function_type", "interface_type", "struct_type", "generic_type",
                           "parenthesized_type", QUALIFIED_TYPE})
# A keyed element's parts and a plain element of a composite literal: what holds a value
# written into a literal (the element itself sits in `literal_value` or `keyed_element`).
ELEMENT_HOLDERS = frozenset({"keyed_element", "literal_value"})

# --- field names ---------------------------------------------------------------------------
INIT = "init_statement"     # if / switch / for clause initializer
THEN = "body"               # if statement's block
ELSE = "else"               # if statement's else branch (block or if)
POST = "post_statement"     # for clause
CALL = "call"               # go / defer statement
ALIAS = "name"              # type switch `x := v.(type)`: the name
SWITCH_OPERAND = "operand"  # type switch: the value switched on
LITERAL_BODY = "value"      # composite literal's literal_value
SLICE_LOW, SLICE_HIGH, SLICE_MAX = "low", "high", "max"

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


# --- entry queries: what rules start their searches from, run as one walk per file -------

_ENTRY: list[LazyQuery] = []
_CAPTURE_NAME = re.compile(r"@([A-Za-z_][\w.\-]*)")


def entry_query(text: str) -> LazyQuery:
    """A query a rule starts its search from (read through ctx.captures): like query(), and
    run together with every other entry query as one query, in one walk of the file's tree
    (entry_batch). A walk costs about the same whatever the query asks: one walk instead of
    one per rule was most of the time gofix spent in queries."""
    q = LazyQuery(text)
    _ENTRY.append(q)
    return q


_KINDS: dict[tuple[str, ...], LazyQuery] = {}


def kinds(*types: str, entry: bool = False) -> LazyQuery:
    """The query capturing every node of these types as `n` (one per set of types). With
    entry=True it is an entry query (a rule's candidates: ctx.entry_nodes)."""
    key = tuple(sorted(types))
    q = _KINDS.get(key)
    if q is None:
        q = _KINDS[key] = LazyQuery("[" + " ".join(f"({t})" for t in key) + "] @n")
    if entry and not any(e is q for e in _ENTRY):
        _ENTRY.append(q)
    return q


class QueryBatch:
    """Several queries compiled into one: running it walks the tree once and gives each
    query's captures, as running each query alone would (the capture names are renamed per
    query, so predicates still apply to each pattern's own captures)."""

    def __init__(self, queries: list[LazyQuery]) -> None:
        self.queries = list(queries)
        self._index = {id(q): i for i, q in enumerate(self.queries)}
        text = "\n".join(_CAPTURE_NAME.sub(lambda m, i=i: f"@q{i}.{m.group(1)}", q.text)
                         for i, q in enumerate(self.queries))
        self.query = Query(GO, text) if self.queries else None

    def __contains__(self, q: object) -> bool:
        return id(q) in self._index

    def run(self, node: Node, byte_range: tuple[int, int] | None = None) -> list[dict[str, list[Node]]]:
        """Per query (in self.queries' order), its captures by name."""
        if self.query is None:
            return []
        cursor = _cursor(self.query, byte_range)
        caps = cursor.captures(node)
        if cursor.did_exceed_match_limit:  # never seen; then each query alone is still right
            return [captures(q, node, byte_range) for q in self.queries]
        out: list[dict[str, list[Node]]] = [{} for _ in self.queries]
        for full, nodes in caps.items():
            i, _, name = full[1:].partition(".")
            out[int(i)][name] = nodes
        return out

    def position(self, q: LazyQuery) -> int:
        return self._index[id(q)]


# --- candidates found from where a word occurs in the bytes: no walk of the tree -------

def _word_at(src: bytes, i: int, n: int) -> bool:
    """src[i:i+n] is not part of a longer identifier."""
    before, after = src[i - 1 : i], src[i + n : i + n + 1]
    return not (before.isalnum() or before == b"_") and not (after.isalnum() or after == b"_")


def occurrences(src: bytes, word: bytes) -> Iterator[int]:
    """The offsets where `word` occurs in src as a whole word (or token)."""
    i = src.find(word)
    while i != -1:
        if _word_at(src, i, len(word)) or not word[-1:].isalnum():
            yield i
        i = src.find(word, i + 1)


def token_nodes(root: Node, src: bytes, token: str, parent_type: str) -> list[Node]:
    """The nodes of parent_type that have the token (a keyword or operator such as "defer",
    "go", "range", "<-") as a child, in source order. Every such node holds its token, so
    looking where the token's bytes occur finds them all, without walking the tree."""
    word = token.encode()
    out = []
    for i in occurrences(src, word):
        node = root.descendant_for_byte_range(i, i + len(word))
        if node is None or node.type != token or node.start_byte != i or node.end_byte != i + len(word):
            continue  # the word inside a comment, string or longer name
        parent = node.parent
        if parent is not None and parent.type == parent_type:
            out.append(parent)
    return out


def selector_calls(root: Node, src: bytes, names: Iterable[str]) -> list[Node]:
    """The calls `x.Name(...)` (a selector as the called function) with Name in names, in
    source order: from the names' occurrences in the bytes, without walking the tree."""
    out = []
    for name in set(names):
        word = name.encode()
        for i in occurrences(src, word):
            node = root.named_descendant_for_byte_range(i, i + len(word))
            if node is None or node.type != "field_identifier" or node.start_byte != i or node.end_byte != i + len(word):
                continue
            sel = node.parent
            if sel is None or sel.type != "selector_expression":
                continue
            call = sel.parent
            if call is not None and call.type == "call_expression" and call.child_by_field_name("function") == sel:
                out.append(call)
    return sorted(out, key=lambda n: (n.start_byte, -n.end_byte))


def identifier_calls(root: Node, src: bytes, name: str) -> list[Node]:
    """The calls `name(...)` of a plain identifier (e.g. make), in source order."""
    word = name.encode()
    out = []
    for i in occurrences(src, word):
        node = root.named_descendant_for_byte_range(i, i + len(word))
        if node is None or node.type != "identifier" or node.start_byte != i or node.end_byte != i + len(word):
            continue
        call = node.parent
        if call is not None and call.type == "call_expression" and call.child_by_field_name("function") == node:
            out.append(call)
    return out


_BATCH: list[QueryBatch] = []


def entry_batch() -> QueryBatch:
    """Every entry query as one QueryBatch (compiled once per process, again only when an
    entry query was created since)."""
    if not _BATCH or len(_BATCH[0].queries) != len(_ENTRY):
        _BATCH[:] = [QueryBatch(_ENTRY)]
    return _BATCH[0]


def _cursor(q: LazyQuery | Query, byte_range: tuple[int, int] | None) -> QueryCursor:
    cursor = QueryCursor(q.query if isinstance(q, LazyQuery) else q)
    if byte_range is not None:
        cursor.set_byte_range(*byte_range)  # matches that intersect the range
    return cursor


def captures(q: LazyQuery | Query, node: Node, byte_range: tuple[int, int] | None = None) -> dict[str, list[Node]]:
    return _cursor(q, byte_range).captures(node)


def matches(q: LazyQuery | Query, node: Node,
            byte_range: tuple[int, int] | None = None) -> list[tuple[int, dict[str, list[Node]]]]:
    return _cursor(q, byte_range).matches(node)


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
    raw = node.text  # a new bytes object on each access: once
    return raw.decode("utf-8") if raw is not None else ""


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


def _clause_colon(clause: Node) -> Node | None:
    return next((c for c in clause.children if c.type == ":"), None)


def statements(container: Node | None) -> list[Node]:
    """Statements of a block or a case clause (comments skipped)."""
    if container is None:
        return []
    children = container.named_children
    if container.type in CASE_TYPES:
        colon = _clause_colon(container)
        if colon is None:
            return []
        children = [c for c in children if c.start_byte >= colon.end_byte]
    elif container.type != "block":
        return []
    return [c for c in children if c.type != "comment"]


def in_statement_list(node: Node) -> bool:
    """node is a statement (or comment) of a block or case clause: not an if/for/switch
    initializer, a clause's case value or communication, or a part of an expression."""
    parent = node.parent
    if parent is None:
        return False
    if parent.type == "block":
        return True
    if parent.type in CASE_TYPES:
        colon = _clause_colon(parent)
        return colon is not None and node.start_byte >= colon.end_byte
    return False


def statement_of(node: Node) -> Node:
    """The statement that contains node and sits directly in a block or case clause."""
    cur = node
    for parent in ancestors(node):
        if parent.type == "block" or (parent.type in CASE_TYPES and in_statement_list(cur)):
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
    """The block or case clause whose statements include stmt."""
    return stmt.parent if in_statement_list(stmt) else None


def is_default_case(clause: Node) -> bool:
    """A `default:` clause of a switch or select."""
    if clause.type == EXPRESSION_CASE:
        return clause.child_by_field_name("value") is None
    if clause.type == TYPE_CASE:
        return clause.child_by_field_name("type") is None
    if clause.type == COMMUNICATION_CASE:
        return clause.child_by_field_name("communication") is None
    return False


def is_communication(node: Node) -> bool:
    """node is the send or receive of a select clause (`case ch <- v:`, `case v := <-ch:`),
    not a statement inside the clause."""
    parent = node.parent
    if parent is None or parent.type != COMMUNICATION_CASE:
        return False
    comm = parent.child_by_field_name("communication")
    return comm is not None and comm.id == node.id


def case_clauses(stmt: Node) -> list[Node]:
    """The case clauses (default included) of a switch or select statement."""
    return [c for c in stmt.named_children if c.type in CASE_TYPES]


def is_nil(node: Node | None) -> bool:
    """The predeclared nil (an identifier in this grammar; shadowing is not considered)."""
    return node is not None and node.type == "identifier" and node.text == b"nil"


def bool_value(node: Node | None) -> bool | None:
    """True/False for the predeclared `true`/`false`, None for anything else."""
    if node is None or node.type != "identifier":
        return None
    return {b"true": True, b"false": False}.get(node.text)


def is_predeclared_constant(node: Node) -> bool:
    """nil, true, false or iota written as an identifier."""
    return node.type == "identifier" and node.text in (b"nil", b"true", b"false", b"iota")


def go_call(stmt: Node) -> Node | None:
    """The call of a go or defer statement (any expression the grammar put there)."""
    call = stmt.child_by_field_name(CALL)
    if call is not None:
        return call
    return next((c for c in stmt.named_children if c.type != "comment"), None)


def is_variadic_param(param: Node) -> bool:
    """A parameter declared `xs ...T`."""
    return param.type == PARAMETER_DECL and any(c.type == "..." for c in param.children)


def has_spread(call_or_args: Node) -> bool:
    """A call (or its arguments) whose last argument is spread: `f(xs...)`."""
    args = call_or_args
    if args.type == "call_expression":
        args = args.child_by_field_name("arguments")
    return args is not None and any(c.type == "..." for c in args.children)


def specs(decl: Node) -> list[Node]:
    """The specs of an import, var, const or type declaration, grouped or not."""
    return [c for c in decl.named_children if c.type in SPEC_TYPES]


def is_grouped(decl: Node) -> bool:
    """A declaration written with parentheses: `import ( ... )`, `var ( ... )`."""
    return any(c.type == "(" for c in decl.children)


def struct_fields(struct_type: Node) -> list[Node]:
    """The field_declaration nodes of a struct_type."""
    return [c for c in struct_type.named_children if c.type == "field_declaration"]


def labeled_inner(stmt: Node) -> Node | None:
    """The statement a labeled_statement labels."""
    inner = stmt.child_by_field_name("statement")
    if inner is not None:
        return inner
    rest = [c for c in stmt.named_children if c.type not in (LABEL, "comment")]
    return rest[-1] if rest else None


def label_name(stmt: Node) -> str | None:
    """The label of a labeled, break, continue or goto statement, None when it has none."""
    lbl = stmt.child_by_field_name("label")
    if lbl is None:
        lbl = next((c for c in stmt.named_children if c.type == LABEL), None)
    return text(lbl) if lbl is not None else None


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


def is_type_conversion(call: Node) -> bool:
    """A call_expression whose function is written as a type literal: `[]byte(s)`,
    `map[K]V(m)`, `chan int(c)`. (`T(x)` with a named T looks like a call: use type facts.)"""
    fn = call.child_by_field_name("function")
    return fn is not None and unparen(fn).type in TYPE_LITERALS


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
    if t == "block" or t in CASE_TYPES:
        stmts = statements(stmt)
        return bool(stmts) and is_terminating(stmts[-1], lenient=lenient)
    if t == "if_statement":
        alt = stmt.child_by_field_name(ELSE)
        return (
            alt is not None
            and is_terminating(stmt.child_by_field_name(THEN), lenient=lenient)
            and is_terminating(alt, lenient=lenient)
        )
    if t == "for_statement":
        clause = next((c for c in stmt.named_children if c.type in ("for_clause", "range_clause")), None)
        has_cond = False
        if clause is None:
            has_cond = stmt.child_by_field_name("condition") is not None
        elif clause.type == "range_clause":
            has_cond = True
        else:
            has_cond = clause.child_by_field_name("condition") is not None
        return not has_cond and not _has_break_for(stmt)
    if t in ("expression_switch_statement", "type_switch_statement", "select_statement"):
        cases = case_clauses(stmt)
        if t != "select_statement" and not any(is_default_case(c) for c in cases):
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
        return is_terminating(labeled_inner(stmt), lenient=lenient)
    return False


def label_of(stmt: Node) -> str | None:
    parent = stmt.parent
    if parent is not None and parent.type == "labeled_statement":
        return label_name(parent)
    return None


def _has_break_for(target: Node) -> bool:
    """Whether a break inside target refers to target (unlabeled and unshadowed, or by its label)."""
    label = label_of(target)
    for n in walk(target):
        if n.type != "break_statement" or n is target:
            continue
        lbl = label_name(n)
        if lbl is not None:
            if label is not None and lbl == label:
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
    name = label_name(stmt)
    if name is None:
        return break_target(stmt)
    for a in ancestors(stmt):
        if a.type in FUNCTION_TYPES:
            return None
        if a.type == "labeled_statement" and label_name(a) == name:
            return labeled_inner(a)
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
            if n.type == FUNC_LITERAL:
                continue
            if n.type in ("return_statement", "goto_statement"):
                found.append(n)
            elif n.type in ("break_statement", "continue_statement"):
                target = jump_target(n)
                if target is None or not is_within(target, scope) or target == scope:
                    found.append(n)
            stack.extend(n.named_children)
    return found
