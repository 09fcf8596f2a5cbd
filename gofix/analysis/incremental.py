"""Per-declaration analysis: after an edit, re-run the rules only where their answer can change.

A file is a sequence of top-level nodes (the package clause, imports, declarations,
comments). The rules start their searches from candidates (`ctx.captures`,
`ctx.matches`, `ctx.entry_nodes`), which `FileContext.ranges` limits to chosen top-level
nodes; everything else a rule reads (scopes, types, summaries, comments, the package's
other files) is computed over the whole file as before, so a rule run limited to a
declaration gives exactly the whole-file run's findings in it (tests/test_incremental.py
proves it on every golden input). `Memo` keeps each node's findings under a key holding
everything those findings depend on:

- the node's own bytes, and the comments and blank lines just above it and the rest of its
  last line (suppression directives: `//gofix:ignore` above a declaration or after it);
- the file's skeleton: every top-level node but the function bodies (package clause,
  imports, types, vars, consts, signatures, top-level comments), the active rules, and the
  fingerprint of the package's other files (what `types`, `scope` and `package` read);
- the bodies of the same-file functions and methods it may reach by name, transitively
  (`summaries` and `flow` read callees' bodies);
- file-level directives (`//gofix:file-ignore`);
- the facts of other declarations that the active rules declare they read
  (`Rule.reads_across`, names of CROSS_FACTS): the import names used outside the node, the
  type names declared in any body, the functions holding keyed elements or field
  assignments.

A rule whose findings may depend on more says so with `Rule.whole_file` (a predicate over
the file's FileUses): when it holds, the file is analysed whole, as is a file with a syntax
error. Nothing here names a rule: a new rule declares what it reads. Cached findings move
with their node: byte offsets, lines, fix edits (inside the node or in the skeleton) and fix
scopes are shifted; a finding whose message names a line is reused only while its node
starts on the same line.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache
import json

from tree_sitter import Node, Tree

from gofix.analysis import syntax as S
from gofix.analysis.model import Edit, Finding, Fix, Position

FUNCTIONS = ("function_declaration", "method_declaration")
_LINE_IN_MESSAGE = re.compile(r"\bline \d")
_FILE_DIRECTIVE = re.compile(rb"//[^\n]*file-ignore[^\n]*")
_WORDS = re.compile(r"\w+")
_NAMES = S.query(f"""
[
  ({S.TYPE_DEFINITION} name: (type_identifier) @type)
  ({S.TYPE_ALIAS} name: (type_identifier) @type)
  (keyed_element) @field
  ({S.ASSIGNMENT} left: (expression_list (selector_expression))) @field
]
""")


@lru_cache(maxsize=64)
def _qualifier_query(names: tuple[str, ...]) -> S.LazyQuery:
    """`q.m` selectors and `q.T` qualified types whose q is one of names (the imports)."""
    alts = " ".join(json.dumps(n) for n in names)
    return S.query(f"""
      ((selector_expression operand: (identifier) @q field: (field_identifier) @m) (#any-of? @q {alts}))
      (({S.QUALIFIED_TYPE} package: (package_identifier) @t name: (type_identifier) @m) (#any-of? @t {alts}))
    """)


# The facts of other top-level declarations a rule may read (Rule.reads_across): each is
# part of the key of every declaration when an active rule declares it.
CROSS_FACTS = {
    "import-uses": "the import names used (`q.m` selectors, `q.T` types) outside the declaration",
    "body-types": "the type names declared anywhere in the file, function bodies included",
    "field-values": "the bytes of every function holding keyed elements or field assignments",
}


@dataclass(frozen=True)
class FileUses:
    """What a rule's `whole_file` predicate is told about one version of a file."""

    src: bytes
    imports: dict[str, str]  # import name -> path
    quals: tuple[tuple[str, str, str], ...]  # ("sel" | "type", qualifier, member): each `q.m` and `q.T` of an import


class TooComplex(Exception):
    """The file's time budget ran out (raised between rules and between declarations)."""

    def __init__(self, budget: float) -> None:
        super().__init__(f"too complex: skipped after {budget:g} s (the time budget per file, in CPU seconds)")
        self.budget = budget


def check_deadline(deadline: tuple[float, float] | None) -> None:
    """Raise TooComplex when deadline (end in time.process_time, budget) has passed. CPU time
    of the process, not wall time: a loaded machine does not make a file too complex."""
    if deadline is not None and time.process_time() > deadline[0]:
        raise TooComplex(deadline[1])


@dataclass(frozen=True)
class NodeFacts:
    """What the rules read from one top-level node when analysing the others."""

    names: frozenset[str]  # every word of it (a superset of the callees named in it)
    quals: frozenset[tuple[str, str, str]]  # ("sel" | "type", qualifier, member) of `q.m` and `q.T`
    types: frozenset[str]  # type names declared in it
    fields: bytes  # with keyed elements or field assignments: the digest of its bytes


def _facts(src: bytes, root: Node, nodes: list[Node], imports: tuple[str, ...]) -> list[NodeFacts]:
    """NodeFacts of each of nodes (top-level nodes in source order): queries over each
    node, or over the whole file when many are asked for (the first analysis)."""
    import bisect

    spans = [(n.start_byte, n.end_byte) for n in nodes]
    starts = [a for a, _ in spans]
    ranges: list[tuple[int, int] | None] = [None] if len(nodes) > 8 else list(spans)
    quals: list[set] = [set() for _ in nodes]
    types: list[set] = [set() for _ in nodes]
    fields: list[bool] = [False] * len(nodes)

    def owner(n: Node) -> int | None:
        k = bisect.bisect_right(starts, n.start_byte) - 1
        return k if k >= 0 and n.start_byte < spans[k][1] else None

    for rng in ranges:
        if imports:
            for _, caps in S.matches(_qualifier_query(imports), root, rng):
                q = caps.get("q") or caps.get("t")
                m = caps.get("m")
                if q and m and (k := owner(q[0])) is not None:
                    quals[k].add(("sel" if "q" in caps else "type", S.text(q[0]), S.text(m[0])))
        caps = S.captures(_NAMES, root, rng)
        for n in caps.get("type", []):
            if (k := owner(n)) is not None:
                types[k].add(S.text(n))
        for n in caps.get("field", []):
            if (k := owner(n)) is not None:
                fields[k] = True
    out = []
    for k, (a, b) in enumerate(spans):
        # "field-values": a rule may follow a field's value to its declaration in the
        # function, so the whole node counts once it has one
        out.append(NodeFacts(
            names=frozenset(_WORDS.findall(src[a:b].decode("utf-8", "replace"))),
            quals=frozenset(quals[k]), types=frozenset(types[k]),
            fields=hashlib.sha1(src[a:b]).digest() if fields[k] else b""))
    return out


@dataclass
class Top:
    """One top-level node of the file being analysed."""

    node: Node
    start: int
    end: int
    row: int
    column: int
    digest: bytes  # of its bytes
    function: bool
    name: str | None  # a function's or method's name
    key: bytes = b""


@dataclass
class Entry:
    """A node's findings, stored relative to the node (and to skeleton nodes)."""

    findings: list[tuple]  # per finding: its relocatable parts
    row: int  # the node's first line when found
    line_bound: bool  # a message names a line: valid only while the node starts on `row`
    package_used: bool  # a rule read the package's other files


class _Unmovable(Exception):
    pass


class Layout:
    """The top-level nodes of one source, and how offsets relate to them."""

    def __init__(self, src: bytes, tree: Tree) -> None:
        self.src = src
        self.tops: list[Top] = []
        for n in tree.root_node.named_children:
            fn = n.type in FUNCTIONS
            name = None
            if fn:
                ident = n.child_by_field_name("name")
                name = S.text(ident) if ident is not None else None
            self.tops.append(Top(n, n.start_byte, n.end_byte, n.start_point.row, n.start_point.column,
                                 hashlib.sha1(src[n.start_byte:n.end_byte]).digest(), fn, name))
        self.starts = [t.start for t in self.tops]
        # the skeleton's nodes (everything but functions) in order: anchors for fix edits
        self.skeleton = [i for i, t in enumerate(self.tops) if not t.function]

    def top_at(self, offset: int) -> int | None:
        import bisect

        i = bisect.bisect_right(self.starts, offset) - 1
        if i >= 0 and self.tops[i].start <= offset <= self.tops[i].end:
            return i
        return None

    # -- moving offsets: (anchor, relative offset); anchor -1: the node itself, -2: the end
    # of the file, k >= 0: the k-th skeleton node

    def anchor(self, i: int, offset: int) -> tuple[int, int]:
        t = self.tops[i]
        if t.start <= offset <= t.end:
            return (-1, offset - t.start)
        if offset == len(self.src):
            return (-2, 0)
        j = self.top_at(offset)
        if j is None or self.tops[j].function:
            raise _Unmovable
        return (self.skeleton.index(j), offset - self.tops[j].start)

    def place(self, i: int, a: tuple[int, int]) -> int:
        k, rel = a
        if k == -1:
            return self.tops[i].start + rel
        if k == -2:
            return len(self.src)
        return self.tops[self.skeleton[k]].start + rel


def _store(layout: Layout, i: int, f: Finding) -> tuple:
    t = layout.tops[i]
    if not (t.start <= f.start_byte <= f.end_byte <= t.end) or f.verified is not None:
        raise _Unmovable
    fix = None
    if f.fix is not None:
        edits = tuple((layout.anchor(i, e.start), layout.anchor(i, e.end), e.text) for e in f.fix.edits)
        scope = None if f.fix.scope is None else (layout.anchor(i, f.fix.scope[0]), layout.anchor(i, f.fix.scope[1]))
        fix = (f.fix, edits, scope)
    return (f, f.start_byte - t.start, f.end_byte - t.start, f.start.line - 1 - t.row, f.end.line - 1 - t.row, fix)


def _load(layout: Layout, i: int, stored: list[tuple]) -> list[Finding]:
    """The findings of node i, moved to where it is now. Findings that shared one Fix (a
    select's time.After calls, fixed by one rewrite) share its moved copy: the fix loop
    counts a fix applied for every finding holding it."""
    t = layout.tops[i]
    moved: dict[int, Fix] = {}
    out = []
    for f, s, e, srow, erow, fix in stored:
        new_fix = None
        if fix is not None:
            old, edits, scope = fix
            new_fix = moved.get(id(old))
            if new_fix is None:
                new_fix = moved[id(old)] = replace(
                    old, edits=tuple(Edit(layout.place(i, a), layout.place(i, b), text) for a, b, text in edits),
                    scope=None if scope is None else (layout.place(i, scope[0]), layout.place(i, scope[1])))
        out.append(replace(f, start_byte=t.start + s, end_byte=t.start + e,
                           start=Position(t.row + srow + 1, f.start.column),
                           end=Position(t.row + erow + 1, f.end.column), fix=new_fix))
    return out


class Memo:
    """The findings of one file's top-level nodes across analyses of its successive versions
    (an editor buffer, the passes of the fix loop). One Memo per file, engine options and
    module info: the caller starts a new one when those change.

    `hits` and `misses` count nodes reused and re-analysed (tests read them)."""

    MAX_ENTRIES = 20000

    def __init__(self) -> None:
        self.entries: dict[bytes, Entry] = {}
        self.facts: dict[bytes, NodeFacts] = {}  # node digest -> facts
        self.hits = 0
        self.misses = 0
        self.whole = False  # never reuse (a finding outside every top-level node was seen)
        self.identity: object = None
        self.facts_for: tuple[str, ...] = ()
        self.pending: tuple | None = None  # the last whole-file analysis, keyed on the next

    def bind(self, identity: object) -> None:
        """Use this memo for analyses under identity (options, module info): entries made
        under another are dropped."""
        if identity != self.identity:
            self.entries.clear()
            self.pending = None
            self.whole = False
            self.identity = identity

    # -- keys --

    def keys(self, layout: Layout, inputs: KeyInputs) -> bool:
        """Set each top's key; False when the file must be analysed whole."""
        src = layout.src
        qualifiers = tuple(sorted(set(inputs.imports) - {"_", "."}))
        if qualifiers != self.facts_for:
            self.facts.clear()  # the qualifier facts are about these import names
            self.facts_for = qualifiers
        missing = [t for t in layout.tops if t.digest not in self.facts]
        for t, f in zip(missing, _facts(src, inputs.root, [t.node for t in missing], qualifiers)):
            self.facts[t.digest] = f
        facts = [self.facts[t.digest] for t in layout.tops]
        rule_ids = inputs.rule_ids
        reads = {name for r in inputs.rules for name in r.reads_across}
        unknown = reads - CROSS_FACTS.keys()
        if unknown:
            raise ValueError(f"Rule.reads_across: unknown fact(s) {sorted(unknown)} (known: {sorted(CROSS_FACTS)})")
        whole = [r.whole_file for r in inputs.rules if r.whole_file is not None]
        if whole:
            uses = FileUses(src, inputs.imports, tuple(q for f in facts for q in sorted(f.quals)))
            if any(w(uses) for w in whole):
                return False
        # "import-uses": the qualifiers used outside each node are all those used, less the
        # ones only that node uses (most nodes have none: their part of the key is shared)
        sole: dict[int, set[str]] = {}
        used = b""
        if "import-uses" in reads:
            users: dict[str, list[int]] = {}
            for i, f in enumerate(facts):
                for q in {q for _, q, _ in f.quals}:
                    users.setdefault(q, []).append(i)
            for q, who in users.items():
                if len(who) == 1:
                    sole.setdefault(who[0], set()).add(q)
            everywhere = sorted(users)
            used = repr(everywhere).encode()
        common = hashlib.sha1()
        common.update(repr((rule_ids, inputs.package)).encode())
        for t in layout.tops:
            if t.function:
                body = t.node.child_by_field_name("body")
                common.update(b"F" + src[t.start:body.start_byte if body is not None else t.end] + b"\0")
            else:
                common.update(b"N" + src[t.start:t.end] + b"\0")
        if "body-types" in reads:
            common.update(b"T" + repr(sorted(set().union(*(f.types for f in facts)))).encode())
        if "field-values" in reads:
            # a field's value is followed to its declaration in the function: the whole
            # function counts once it holds one
            for f in facts:
                common.update(f.fields)
        common.update(b"D" + b"\0".join(_FILE_DIRECTIVE.findall(src)))
        base = common.digest()
        by_name: dict[str, list[int]] = {}
        for i, t in enumerate(layout.tops):
            if t.function and t.name:
                by_name.setdefault(t.name, []).append(i)
        direct: dict[int, list[int]] = {}
        prev_end = 0
        for i, t in enumerate(layout.tops):
            h = hashlib.sha1(base)
            h.update(t.digest)
            h.update(src[prev_end:t.start])  # the comments and blank lines just above it
            eol = src.find(b"\n", t.end)
            h.update(src[t.end: len(src) if eol < 0 else eol])  # the rest of its last line
            if t.node.type != "comment":
                prev_end = t.end
            if "import-uses" in reads:
                only_here = sole.get(i)
                h.update(used if not only_here else repr([q for q in everywhere if q not in only_here]).encode())
            calls = t.function or t.node.type == "var_declaration"  # what can call a function
            for j in (_reachable(i, facts, by_name, direct) if calls else ()):
                h.update(layout.tops[j].digest)
            t.key = h.digest()
        return True

    # -- the run --

    def run(self, layout: Layout, inputs: KeyInputs,
            run_rules: Callable[[tuple[tuple[int, int], ...] | None], tuple[list[Finding], list[str], bool]],
            deadline: tuple[float, float] | None = None) -> tuple[list[Finding], list[str], bool]:
        """The findings of every top-level node (-> findings, errors, whether the package's
        other files were read): cached where the key matches, the rest from run_rules(ranges).

        With nothing cached yet the file is analysed whole and the keys are worked out only
        when the next version comes (the first answer costs no more than without a Memo)."""
        self._settle()
        if not self.entries or self.whole or not self.keys(layout, inputs):
            found, errors, used = run_rules(None)
            self.misses += len(layout.tops)
            if not errors and not self.whole:
                self.pending = (layout, inputs, found, used)
            return found, errors, used
        found: list[Finding] = []
        todo: list[int] = []
        package_used = False
        for i, t in enumerate(layout.tops):
            e = self.entries.get(t.key)
            if e is None or (e.line_bound and e.row != t.row):
                todo.append(i)
                continue
            found.extend(_load(layout, i, e.findings))
            package_used |= e.package_used
            self.hits += 1
        self.misses += len(todo)
        errors: list[str] = []
        if todo:
            check_deadline(deadline)
            whole = len(todo) == len(layout.tops)
            ranges = None if whole else _runs(layout, todo)
            new, errors, used = run_rules(ranges)
            if ranges is not None:  # a rule that ignores ctx.ranges: its findings elsewhere are cached
                new = [f for f in new if _within(ranges, f.start_byte)]
            found.extend(new)
            package_used |= used
            self._remember(layout, todo, new, used, bool(errors))
        return found, errors, package_used

    def _settle(self) -> None:
        """Key and keep the findings of the last whole-file analysis."""
        if self.pending is None:
            return
        layout, inputs, found, used = self.pending
        self.pending = None
        if self.keys(layout, inputs):
            self._remember(layout, list(range(len(layout.tops))), found, used, False)

    def _remember(self, layout: Layout, todo: list[int], new: list[Finding], used: bool, failed: bool) -> None:
        if failed:
            return  # a rule failed: its findings may be missing, nothing is kept
        if len(self.entries) > self.MAX_ENTRIES:
            self.entries.clear()
            self.facts.clear()
        per: dict[int, list[Finding]] = {i: [] for i in todo}
        import bisect

        starts = [layout.tops[i].start for i in todo]
        for f in new:
            k = bisect.bisect_right(starts, f.start_byte) - 1
            if k < 0 or not (layout.tops[todo[k]].start <= f.start_byte <= layout.tops[todo[k]].end):
                self.whole = True  # a finding between top-level nodes: this file is analysed whole
                self.entries.clear()
                return
            per[todo[k]].append(f)
        for i, fs in per.items():
            t = layout.tops[i]
            try:
                stored = [_store(layout, i, f) for f in fs]
            except _Unmovable:
                continue
            self.entries[t.key] = Entry(stored, t.row, any(_LINE_IN_MESSAGE.search(f.message) for f in fs), used)


def _within(ranges: tuple[tuple[int, int], ...], offset: int) -> bool:
    import bisect

    k = bisect.bisect_right(ranges, (offset, float("inf"))) - 1
    return k >= 0 and ranges[k][0] <= offset < ranges[k][1]


def _runs(layout: Layout, todo: list[int]) -> tuple[tuple[int, int], ...]:
    """The byte ranges of the nodes todo (sorted indices), neighbours joined into one range
    (only blank space lies between them): fewer, longer searches."""
    out: list[tuple[int, int]] = []
    prev = None
    for i in todo:
        t = layout.tops[i]
        if prev is not None and i == prev + 1:
            out[-1] = (out[-1][0], t.end)
        else:
            out.append((t.start, t.end))
        prev = i
    return tuple(out)


def _reachable(i: int, facts: list[NodeFacts], by_name: dict[str, list[int]],
               direct: dict[int, list[int]]) -> list[int]:
    """The same-file functions node i may call, transitively (by name: a superset). direct:
    each node's direct callees, filled in as they are needed (one table per version: every
    node's walk shares it)."""
    names = by_name.keys()
    seen: set[int] = set()
    stack = [i]
    while stack:
        k = stack.pop()
        callees = direct.get(k)
        if callees is None:
            callees = direct[k] = [j for name in facts[k].names & names for j in by_name[name]]
        for j in callees:
            if j != i and j not in seen:
                seen.add(j)
                stack.append(j)
    return sorted(seen)


@dataclass(frozen=True)
class KeyInputs:
    """What the keys of one version of the file are made of besides its bytes."""

    root: Node
    rule_ids: tuple[str, ...]
    package: str  # the fingerprint of the package's other files
    imports: dict[str, str]
    rules: tuple = ()  # the active Rules: what they read across declarations (reads_across, whole_file)


def by_declaration(ctx, memo: Memo, rules: tuple,
                   run_rules: Callable[[tuple[tuple[int, int], ...] | None], tuple[list[Finding], list[str], bool]],
                   deadline: tuple[float, float] | None = None) -> tuple[list[Finding], list[str], bool]:
    """The findings of rules (the active Rules) in ctx's file (-> findings, errors, whether
    the package's other files were read), from memo where a top-level node's key is
    unchanged and from run_rules(ranges) for the rest."""
    layout = Layout(ctx.src, ctx.tree)
    package = ctx.package
    was = package.used
    fingerprint = package.fingerprint  # the other files' bytes: what types and summaries read
    package.used = was
    rules = tuple(rules)
    inputs = KeyInputs(ctx.root, tuple(r.id for r in rules), fingerprint, dict(ctx.imports), rules)
    return memo.run(layout, inputs, run_rules, deadline)


# --- incremental parsing ------------------------------------------------------------------------


def line_starts(src: bytes) -> list[int]:
    """The offset of each line's first byte (only \\n ends a line, as for tree-sitter)."""
    out = [0]
    i = src.find(b"\n")
    while i >= 0:
        out.append(i + 1)
        i = src.find(b"\n", i + 1)
    return out


def point(starts: list[int], offset: int) -> tuple[int, int]:
    """tree-sitter's (row, byte column) of offset, from line_starts."""
    import bisect

    row = bisect.bisect_right(starts, offset) - 1
    return row, offset - starts[row]


def edited(tree: Tree, src: bytes, edits: list[Edit]) -> Tree:
    """A copy of src's tree told about edits (sorted, non-overlapping, offsets into src), to
    be handed to the parser with the new bytes (`reparse`)."""
    starts = line_starts(src)
    tree = tree.copy()
    for e in sorted(edits, key=lambda e: (e.start, e.end), reverse=True):  # later ones first
        start, old_end = point(starts, e.start), point(starts, e.end)
        nl = e.text.count(b"\n")
        new_end = (start[0] + nl, (len(e.text) - e.text.rfind(b"\n") - 1) if nl else start[1] + len(e.text))
        tree.edit(start_byte=e.start, old_end_byte=e.end, new_end_byte=e.start + len(e.text),
                  start_point=start, old_end_point=old_end, new_end_point=new_end)
    return tree


def reparse(new_src: bytes, old_tree: Tree | None) -> Tree:
    """new_src's tree, reusing old_tree (already `edited` to new_src) where nothing changed."""
    from tree_sitter import Parser

    if old_tree is None:
        return S.parse(new_src)
    return Parser(S.GO).parse(new_src, old_tree)
