"""The import graph keeps the layering honest (read from the sources, nothing is imported).

- Rules (codemods/*) import only gofix.analysis (and its submodules), their own helper
  modules, the standard library and tree_sitter. LEGACY lists the rule modules that still
  import other gofix modules; it only shrinks: a module that no longer needs its entry
  fails the test until the entry is removed. Final state: empty.
- gofix.analysis imports nothing of gofix above it (gofix.gomod aside) at module level; the
  one lazy exception is gofix.analysis.testing, which runs rules through the engine.
- No import cycles among gofix and codemods modules at module level.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

from helpers import ROOT

# Rule modules not yet moved onto gofix.analysis (they still import gofix.context,
# gofix.syntax, ...). Remove a module's line when you migrate it.
LEGACY = {
}

# gofix modules gofix.analysis may import lazily (inside a function), by importer.
ANALYSIS_LAZY = {"gofix.analysis.testing": {"gofix.engine"}}
ANALYSIS_MAY_IMPORT = {"gofix.gomod"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _sources() -> dict[str, Path]:
    files = sorted((ROOT / "gofix").rglob("*.py")) + sorted((ROOT / "codemods").rglob("*.py"))
    return {_module_name(p): p for p in files}


MODULES = _sources()


def _resolve(name: str) -> str | None:
    """The module of ours that `name` (a module or module.attribute) refers to."""
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


def _imports(path: Path) -> tuple[set[str], set[str]]:
    """(module-level imports, imports inside functions) of our modules, as module names.
    `if TYPE_CHECKING:` blocks do not count (they never run)."""
    tree = ast.parse(path.read_text(), str(path))
    me = _module_name(path)
    package = me if path.name == "__init__.py" else me.rpartition(".")[0]
    top: set[str] = set()
    lazy: set[str] = set()

    def names(node: ast.AST) -> list[str]:
        if isinstance(node, ast.Import):
            return [a.name for a in node.names]
        assert isinstance(node, ast.ImportFrom)
        base = node.module or ""
        if node.level:
            anchor = package.split(".")
            anchor = anchor[: len(anchor) - node.level + 1]
            base = ".".join([*anchor, base] if base else anchor)
        subs = [f"{base}.{a.name}" for a in node.names]
        # `from pkg import sub` loads pkg.sub (pkg itself is loading already as its parent);
        # only names that are not submodules make an edge to pkg
        return [s for s in subs if s in MODULES] + ([base] if any(s not in MODULES for s in subs) else [])

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                continue
            if isinstance(child, (ast.Import, ast.ImportFrom)):
                for n in names(child):
                    r = _resolve(n)
                    if r is not None and r != me:
                        (lazy if in_function else top).add(r)
            visit(child, in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)))

    visit(tree, False)
    return top, lazy


GRAPH = {m: _imports(p) for m, p in MODULES.items()}


def _non_analysis_imports(module: str) -> set[str]:
    top, lazy = GRAPH[module]
    return {m for m in top | lazy if m.startswith("gofix") and m != "gofix" and not m.startswith("gofix.analysis")}


def test_rules_import_only_the_analysis_layer():
    rules = [m for m in MODULES if m.startswith("codemods.")]
    offenders = {m: sorted(_non_analysis_imports(m)) for m in rules if _non_analysis_imports(m) and m not in LEGACY}
    assert not offenders, f"rules importing gofix outside gofix.analysis: {offenders}"


def test_legacy_list_only_shrinks():
    done = sorted(m for m in LEGACY if m in MODULES and not _non_analysis_imports(m))
    gone = sorted(m for m in LEGACY if m not in MODULES)
    assert not done, f"migrated onto gofix.analysis: remove from LEGACY in tests/test_imports.py: {done}"
    assert not gone, f"no such module any more: remove from LEGACY: {gone}"


def test_analysis_layer_depends_on_nothing_above_it():
    bad = {}
    for m in (m for m in MODULES if m.startswith("gofix.analysis")):
        top, lazy = GRAPH[m]
        outside = {x for x in top if not x.startswith("gofix.analysis") and x not in ANALYSIS_MAY_IMPORT | {"gofix"}}
        outside |= {x for x in lazy if not x.startswith("gofix.analysis") and x not in ANALYSIS_MAY_IMPORT | {"gofix"}
                    and x not in ANALYSIS_LAZY.get(m, set())}
        if outside:
            bad[m] = sorted(outside)
    assert not bad, f"gofix.analysis importing the engine, faces or rules: {bad}"


def test_no_import_cycles():
    graph = {m: {x for x in GRAPH[m][0] if x in MODULES} for m in MODULES}
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10000))
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    cycles: list[list[str]] = []

    def strong(v: str) -> None:  # Tarjan
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                cycles.append(sorted(comp))

    for v in graph:
        if v not in index:
            strong(v)
    assert not cycles, f"import cycles: {cycles}"


def test_the_graph_test_sees_imports():
    """A check that cannot fail is a defect: the parser must find known edges."""
    top, lazy = GRAPH["gofix.analysis.context"]
    assert "gofix.analysis.syntax" in top and "gofix.analysis.package" in lazy
    assert "gofix.engine" in GRAPH["gofix.analysis.testing"][1]
