"""Every node kind and field name gofix spells exists in the grammar it parses with.

A node kind the grammar does not have never matches: `n.type == "func_literal"` is simply
false under tree-sitter-golang, so a leftover of an earlier grammar makes a rule go quiet
instead of failing. These tests read the source of gofix/ and codemods/ (with `ast`) and
check each string compared with a node's `.type`, each field name passed to
`child_by_field_name`/`children_by_field_name`, and each query a module keeps as a
constant, against the grammar (`gofix.analysis.syntax.GO`). Rule modules name kinds through
the constants of gofix/analysis/syntax.py where the grammars differ (docs/grammar.md).
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import pytest

import codemods
import gofix
from gofix.analysis import syntax as S

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted([*(ROOT / "gofix").rglob("*.py"), *(ROOT / "codemods").glob("*.py")])

# Kinds of tree-sitter-go 0.25 that tree-sitter-golang names otherwise (docs/grammar.md).
RETIRED = frozenset({
    "argument_list", "assignment_statement", "communication_case", "dec_statement", "default_case",
    "expression_case", "field_declaration_list", "func_literal", "import_spec_list", "inc_statement",
    "interpreted_string_literal_content", "label_name", "literal_element", "negated_type",
    "parameter_list", "qualified_type", "raw_string_literal_content", "statement_list", "type_alias",
    "type_case", "type_constraint", "type_conversion_expression", "type_instantiation_expression",
    "type_parameter_list", "type_spec", "var_spec_list", "variadic_argument",
    "variadic_parameter_declaration",
})


def _is_kind(name: str) -> bool:
    return S.GO.id_for_node_kind(name, True) is not None or S.GO.id_for_node_kind(name, False) is not None


def _strings(node: ast.AST) -> list[str]:
    """The string constants of a comparison's right side: "x", ("x", "y"), {"x"}, frozenset({...})."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return [s for e in node.elts for s in _strings(e)]
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("frozenset", "set"):
        return [s for a in node.args for s in _strings(a)]
    return []


def _is_type_attr(node: ast.AST) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "type"


def _uses(path: Path) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """(kinds compared with `.type`, field names asked for), with their lines."""
    tree = ast.parse(path.read_text(), str(path))
    kinds, fields = [], []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare) and _is_type_attr(node.left):
            for comp in node.comparators:
                kinds.extend((node.lineno, s) for s in _strings(comp))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr in ("child_by_field_name", "children_by_field_name") and node.args:
            fields.extend((node.lineno, s) for s in _strings(node.args[0]))
    return kinds, fields


def test_compared_kinds_exist_in_the_grammar():
    bad = []
    for path in SOURCES:
        kinds, _ = _uses(path)
        bad += [f"{path.relative_to(ROOT)}:{line}: {k!r}" for line, k in kinds if not _is_kind(k)]
    assert not bad, "node kinds the grammar does not have:\n" + "\n".join(bad)


def test_field_names_exist_in_the_grammar():
    bad = []
    for path in SOURCES:
        _, fields = _uses(path)
        bad += [f"{path.relative_to(ROOT)}:{line}: {f!r}" for line, f in fields if S.GO.field_id_for_name(f) is None]
    assert not bad, "field names the grammar does not have:\n" + "\n".join(bad)


def test_no_source_names_a_retired_kind():
    # strings anywhere (queries, tuples, helper arguments): a retired kind in a query text
    # fails at compile time only when the query is first used, so look for the words too
    bad = []
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                words = {w.strip("()@\"'") for w in node.value.replace("(", " ").split()}
                hit = sorted(words & RETIRED)
                if hit and not _is_docstring_like(node.value):
                    bad.append(f"{path.relative_to(ROOT)}:{node.lineno}: {', '.join(hit)}")
    assert not bad, "kinds of tree-sitter-go 0.25 (renamed in tree-sitter-golang):\n" + "\n".join(bad)


def _is_docstring_like(text: str) -> bool:
    return "\n" in text and not text.lstrip().startswith("(") and not text.lstrip().startswith("[")


def _modules():
    for pkg in (gofix, codemods):
        for info in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + "."):
            if info.name in ("gofix.__main__", "gofix.syntax"):
                continue
            yield info.name


@pytest.mark.parametrize("name", sorted(_modules()))
def test_module_queries_compile(name):
    module = importlib.import_module(name)
    for attr, value in vars(module).items():
        if isinstance(value, S.LazyQuery):
            assert value.query is not None, f"{name}.{attr}"  # raises QueryError on a kind or field the grammar lacks


def test_the_checks_can_fail(tmp_path):
    src = tmp_path / "x.py"
    src.write_text('def f(n):\n    return n.type == "func_literal" or n.child_by_field_name("consequence")\n')
    kinds, fields = _uses(src)
    assert [k for _, k in kinds if not _is_kind(k)] == ["func_literal"]
    assert [f for _, f in fields if S.GO.field_id_for_name(f) is None] == ["consequence"]
    assert _is_kind(S.FUNC_LITERAL) and S.GO.field_id_for_name(S.THEN) is not None
