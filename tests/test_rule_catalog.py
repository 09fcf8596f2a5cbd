"""One test over all rules: what adding a rule takes (a module, a line in codemods/__init__.py,
a golden folder) is checked here, derived from the catalog, never hand-listed."""

from __future__ import annotations

import ast
import re

import pytest

import codemods
from codemods import RULES
from gofix.analysis import Rule
from gofix.analysis import syntax as S
from helpers import GOLDEN, ROOT

SECTIONS = ("What it does", "Why is this bad?", "Example", "Fix safety")
_ID = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")


def _catalog_modules() -> dict[str, str]:
    """Rule module name -> the module's file stem, from the imports of codemods/__init__.py."""
    tree = ast.parse((ROOT / "codemods" / "__init__.py").read_text())
    names = [a.name for node in tree.body if isinstance(node, ast.ImportFrom) and node.module == "codemods"
             for a in node.names]
    return {n: n for n in names}


MODULES = _catalog_modules()
IDS = [r.id for r in RULES]


def test_every_listed_module_is_a_rule_of_the_catalog():
    listed = {getattr(codemods, m).RULE.id for m in MODULES}
    assert listed == set(IDS), "codemods/__init__.py imports a module whose RULE is not in RULES (or the other way)"
    assert len(IDS) == len(set(IDS)), "two rules share an id"
    files = {p.stem for p in (ROOT / "codemods").glob("*.py") if not p.stem.startswith("_")}
    assert files == set(MODULES), f"rule modules not listed in codemods/__init__.py: {sorted(files - set(MODULES))}"


@pytest.mark.parametrize("rule", RULES, ids=IDS)
def test_rule_module_id_and_golden_folder(rule: Rule):
    assert _ID.match(rule.id), f"{rule.id}: rule ids are kebab-case"
    module = next(m for m in MODULES if getattr(codemods, m).RULE is rule)
    assert module == rule.id.replace("-", "_"), f"{rule.id} lives in codemods/{module}.py"
    assert list((GOLDEN / rule.id).glob("*.input.go")), f"golden/{rule.id}/ has no cases"


@pytest.mark.parametrize("rule", RULES, ids=IDS)
def test_rule_docstring(rule: Rule):
    first = rule.doc.strip().splitlines()[0]
    assert first.startswith(f"{rule.id}: "), f"the first line is `{rule.id}: <summary>`: {first!r}"
    summary = first.split(": ", 1)[1]
    word = summary.split()[0] if summary else ""
    assert word and (word[0].islower() or word.upper() == word) and not summary.endswith("."), \
        f"{rule.id}: the summary is lower case (acronyms aside), with no period: {summary!r}"
    for section in SECTIONS:
        assert rule.section(section), f"{rule.id}: missing ## {section}"
    assert rule.triggers, f"{rule.id}: a rule needs prefilter triggers"


@pytest.mark.parametrize("rule", RULES, ids=IDS)
def test_docstring_examples_parse_as_go(rule: Rule):
    blocks = re.findall(r"```go\n(.*?)```", rule.section("Example"), re.S)
    assert blocks, f"{rule.id}: ## Example has no ```go block"
    for block in blocks:
        block = re.sub(r"(?m)^(\s*)\.\.\.\s*$", r"\1// ...", block)  # an elided part
        src = block if block.lstrip().startswith("package ") else _wrap(block)
        bad = S.first_syntax_error(S.parse(src.encode()))
        assert bad is None, f"{rule.id}: an example does not parse as Go near {bad.start_point}:\n{block}"


def _wrap(block: str) -> str:
    """A snippet as Go source: top-level declarations as they are, statements in a function."""
    if re.match(r"\s*(func|type|var|const|import)\b", block):
        return "package p\n\n" + block
    return "package p\n\nfunc _() {\n" + block + "\n}\n"


def test_catalog_test_catches_a_bad_docstring():
    """The checks above must be able to fail."""
    bad = Rule(id="x-y", doc="x-y: Does a thing.\n\n## What it does\nx\n", find=lambda ctx: [], triggers=(b"x",))
    with pytest.raises(AssertionError):
        test_rule_docstring(bad)
    assert S.first_syntax_error(S.parse(_wrap("for {").encode())) is not None
