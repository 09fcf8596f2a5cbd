"""Only valid Go is rewritten: what go/parser would reject, told from the tree and by gofmt.

The grammar (tree-sitter-golang) reports most of what go/parser rejects as ERROR nodes, with
statements outside a function among them (tree-sitter-go, the grammar before it, accepted
those); it also parses a file without a package clause (a "fragment"), and it recovers from
errors. Three functions keep gofix honest about that:

- `syntax_problem(tree)`: the first syntax error a tree shows, ERROR/MISSING nodes and the
  top-level shapes go/parser rejects alike, as a one-line `SyntaxProblem`.
- `degrade(tree)`: for a file with a syntax error, which top-level functions are intact
  (their subtree has no error): the engine keeps the findings inside those, drops every
  fix, and names the functions it skipped. An editor buffer mid-typing keeps the
  diagnostics of the functions it is not typing in.
- `output_error(src)` / `refuse_invalid(results, say)`: the guard before a file is written.
  The tree check, then `gofmt -e` (go/parser itself, when a Go toolchain is on PATH) for
  what the grammar cannot tell. Only files about to be written are checked: one gofmt
  process per changed file.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from tree_sitter import Node, Tree

DECLARATIONS = frozenset({"function_declaration", "method_declaration", "type_declaration",
                          "const_declaration", "var_declaration"})
FUNCTIONS = frozenset({"function_declaration", "method_declaration"})
GOFMT_TIMEOUT = 30.0  # seconds for one file


@dataclass(frozen=True)
class SyntaxProblem:
    line: int  # 1-based
    column: int  # 1-based, in bytes
    what: str  # "" for a plain ERROR/MISSING node
    start_byte: int

    def __str__(self) -> str:
        return f"syntax error at {self.line}:{self.column}" + (f": {self.what}" if self.what else "")


def _at(node: Node, what: str) -> SyntaxProblem:
    return SyntaxProblem(node.start_point.row + 1, node.start_point.column + 1, what, node.start_byte)


def _first_error_node(node: Node) -> Node | None:
    if not node.has_error:
        return None
    # the root itself is an ERROR node when the parser could not recover a source_file:
    # the first error inside it is the one to show
    stack = [c for c in reversed(node.children) if c.has_error or c.is_missing] if node.is_error else [node]
    while stack:
        n = stack.pop()
        if n.is_error or n.is_missing:
            return n
        stack.extend(c for c in reversed(n.children) if c.has_error or c.is_missing)
    return node


def _missing_what(node: Node) -> str:
    return f"missing {node.type!r}" if node.is_missing else ""


def top_level_problem(tree: Tree) -> SyntaxProblem | None:
    """The first top-level shape go/parser rejects and the grammar accepts (a file without a
    package clause; with a grammar that parses them, top-level statements and misplaced
    imports or package clauses)."""
    seen_package = seen_decl = False
    for child in tree.root_node.named_children:
        kind = child.type
        if kind == "comment" or child.has_error:
            continue  # ERROR nodes (and what holds one) are the error check's to report
        if kind == "package_clause":
            if seen_package or seen_decl:
                return _at(child, "package clause after declarations")
            seen_package = True
            continue
        if not seen_package:
            return _at(child, "the file does not start with a package clause")
        if kind == "import_declaration":
            if seen_decl:
                return _at(child, "imports must appear before other declarations")
            continue
        if kind in DECLARATIONS:
            seen_decl = True
            continue
        return _at(child, "statement outside a function")
    if not seen_package:
        return SyntaxProblem(1, 1, "the file does not start with a package clause", 0)
    return None


_DECLARATION_WORDS = frozenset({b"func", b"type", b"var", b"const", b"import", b"package"})
_FIRST_WORD = re.compile(rb"\s*([A-Za-z_]\w*)")


def _top_level_what(node: Node) -> str | None:
    """What a top-level ERROR node is, told from its first word: statements outside a
    function (what go/parser calls a non-declaration statement), a misplaced import or
    package clause; None for a broken declaration or anything else."""
    if not node.is_error or node.parent is None or node.parent.parent is not None:
        return None
    m = _FIRST_WORD.match(node.text or b"")
    if m is None:
        return None
    word = m.group(1)
    before = [c for c in node.parent.named_children if c.end_byte <= node.start_byte and c.type != "comment"]
    if word == b"import" and any(c.type in DECLARATIONS for c in before):
        return "imports must appear before other declarations"
    if word == b"package" and before:
        return "package clause after declarations"
    return "statement outside a function" if word not in _DECLARATION_WORDS else None


def syntax_problem(tree: Tree) -> SyntaxProblem | None:
    """The first syntax error of the tree (whichever comes first in the file), or None."""
    found = []
    err = _first_error_node(tree.root_node)
    if err is not None:
        found.append(_at(err, _top_level_what(err) or _missing_what(err)))
    top = top_level_problem(tree)
    if top is not None:
        found.append(top)
    return min(found, key=lambda p: p.start_byte) if found else None


def function_name(fn: Node) -> str:
    """`fetch`, or `(*Pool).run` for a method (receiver type as written)."""
    name = fn.child_by_field_name("name")
    label = name.text.decode("utf-8", "replace") if name is not None and name.text else "?"
    if fn.type == "method_declaration":
        recv = fn.child_by_field_name("receiver")
        typ = None
        if recv is not None:
            decl = next((c for c in recv.named_children if c.type == "parameter_declaration"), None)
            typ = decl.child_by_field_name("type") if decl is not None else None
        if typ is not None and typ.text:
            t = typ.text.decode("utf-8", "replace")
            label = f"({t}).{label}" if t.startswith("*") else f"{t}.{label}"
    return label


_FUNC_TEXT = re.compile(rb"func\s*(?:\(\s*\w*\s*(\*?)\s*([\w.]+)[^)]*\)\s*)?(\w+)")


def _name_in_text(text: bytes) -> str | None:
    """`func (r *R) Map[T any](...` -> `(*R).Map`, from the text of an ERROR node."""
    m = _FUNC_TEXT.match(text.lstrip())
    if m is None:
        return None
    star, recv, name = (g.decode("utf-8", "replace") if g else "" for g in m.groups())
    if not recv:
        return name
    return f"({star}{recv}).{name}" if star else f"{recv}.{name}"


@dataclass(frozen=True)
class Degraded:
    """A file with a syntax error: findings are kept only inside intact functions."""

    problem: SyntaxProblem
    intact: tuple[tuple[int, int], ...]  # byte spans of the top-level functions without an error
    skipped: tuple[str, ...]  # names of the top-level functions with one
    lines: tuple[int, ...] = ()  # other unreadable top-level code, by line

    def keeps(self, start_byte: int) -> bool:
        return any(a <= start_byte < b for a, b in self.intact)

    def _not_analysed(self) -> str:
        """`function (*s).second and the code at line 9 not analysed`, or "" when nothing was skipped."""
        parts = []
        if self.skipped:
            names = ", ".join(self.skipped[:5]) + (f" and {len(self.skipped) - 5} more" if len(self.skipped) > 5 else "")
            parts.append(f"function{'s' if len(self.skipped) != 1 else ''} {names}")
        if self.lines:
            shown = ", ".join(map(str, self.lines[:3])) + (", ..." if len(self.lines) > 3 else "")
            parts.append(f"the code at line{'s' if len(self.lines) != 1 else ''} {shown}")
        return " and ".join(parts) + " not analysed" if parts else ""

    @property
    def no_fix_note(self) -> str:
        """Why a finding kept in this file has no fix: added to its message, so that text,
        JSON and the editor say it where the finding is, not only in the file's error."""
        where = f"the file has a syntax error at {self.problem.line}:{self.problem.column}"
        skipped = self._not_analysed()
        return f"no fix: {where}" + (f" ({skipped})" if skipped else "")

    @property
    def message(self) -> str:
        skipped = self._not_analysed()
        if skipped:
            rest = skipped
        elif self.intact:
            rest = "every function analysed"
        else:
            rest = "file not analysed"
        return f"{self.problem}; {rest}, no fixes"


def degrade(tree: Tree) -> Degraded | None:
    """None when the tree is valid Go (as far as a tree can tell); else what can be kept."""
    problem = syntax_problem(tree)
    if problem is None:
        return None
    intact, skipped, lines = [], [], []
    src = tree.root_node.text or b""
    seen_rows: set[int] = set()
    for child in tree.root_node.named_children:
        if child.type in FUNCTIONS and not child.has_error:
            intact.append((child.start_byte, child.end_byte))
        elif child.type in FUNCTIONS:
            skipped.append(function_name(child))
        elif _top_level_what(child) is not None:
            continue  # statements outside a function: there is no function to skip
        elif child.has_error and child.start_point.row not in seen_rows:
            # a declaration the grammar could not read (a generic method, for one): its
            # name from the text of the line it starts on
            row = child.start_point.row
            seen_rows.add(row)
            begin = src.rfind(b"\n", 0, child.start_byte) + 1
            end = src.find(b"\n", child.start_byte)
            name = _name_in_text(src[begin:end if end >= 0 else len(src)])
            if name is None:
                lines.append(row + 1)
            elif name not in skipped:
                skipped.append(name)
    if problem.what == "the file does not start with a package clause":
        intact = []  # not a Go file (or not one we can place in a package): nothing kept
    return Degraded(problem, tuple(intact), tuple(skipped), tuple(lines))


# --- the guard before writing -----------------------------------------------------------------


def find_gofmt() -> str | None:
    return shutil.which("gofmt")  # not cached: PATH may change (tests, long-lived servers)


def gofmt_error(src: bytes, gofmt: str | None = None) -> str | None:
    """go/parser's first complaint about src (`gofmt -e` reading stdin), or None when it
    accepts it or no gofmt is on PATH (see `gofmt_available`)."""
    gofmt = gofmt or find_gofmt()
    if gofmt is None:
        return None
    try:
        r = subprocess.run([gofmt, "-e"], input=src, capture_output=True, timeout=GOFMT_TIMEOUT)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if r.returncode == 0:
        return None
    first = r.stderr.decode("utf-8", "replace").strip().splitlines()
    line = first[0] if first else "gofmt -e failed"
    return line.replace("<standard input>:", "", 1).strip()


def output_error(src: bytes, parse: Callable[[bytes], Tree] | None = None, gofmt: str | None = None) -> str | None:
    """Why src must not be written (a one-line reason), or None when it is valid Go: the
    tree's own check, then go/parser through `gofmt -e` when Go is installed."""
    if parse is None:
        from gofix.analysis.syntax import parse
    p = syntax_problem(parse(src))
    if p is not None:
        return str(p)
    err = gofmt_error(src, gofmt)
    return f"go/parser rejects it (gofmt -e: {err})" if err else None


def refuse_invalid(results: Iterable, say: Callable[[str], None]) -> list:
    """The results with every fixed file that is not valid Go turned back into an error
    (nothing written for it). Call it right before writing; it runs gofmt once per changed
    file, so keep it there."""
    out = []
    for r in results:
        if getattr(r, "fixed", None) is not None and r.fixed != r.source:
            why = output_error(r.fixed)
            if why is not None:
                msg = f"the fixed file would not be valid Go ({why}); not written"
                say(f"{r.path}: error: {msg}")
                r = dataclasses.replace(r, error=msg, fixed=None, applied=[])
        out.append(r)
    return out


GRAMMAR_GAP = "the grammar (tree-sitter-golang) cannot parse this valid Go at {where} (gofmt -e accepts the file)"


def clarify(message: str, src: bytes) -> str:
    """A `syntax error at R:C...` message for a file go/parser accepts says that it is the
    grammar's limit, not the user's typo. Costs one gofmt run, so only for files that have
    a syntax error, and only where a run reports (the CLI), not on every editor keystroke."""
    if not message.startswith("syntax error at "):
        return message
    head, sep, rest = message.partition(";")
    if gofmt_error(src) is not None or not gofmt_available():
        return message
    where = head[len("syntax error at "):].split(":", 2)
    return GRAMMAR_GAP.format(where=":".join(where[:2])) + sep + rest


def gofmt_available() -> bool:
    return find_gofmt() is not None


__all__ = ["Degraded", "SyntaxProblem", "clarify", "degrade", "function_name", "gofmt_available", "gofmt_error",
           "output_error", "refuse_invalid", "syntax_problem", "top_level_problem"]
