"""The entry batch (every rule's entry query run as one query, in one walk of the tree) must
capture exactly what each query captures alone, on every golden input, whole and by range."""

from __future__ import annotations

from pathlib import Path

import pytest

import codemods  # noqa: F401  (imports every rule: their entry queries register)
from gofix.analysis import syntax as S
from gofix.analysis.rule import GO_FUNC_LITERAL, ByteScan

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
INPUTS = sorted(GOLDEN.glob("*/*.input.go"))


def _ids(caps: dict) -> dict:
    """By name, the captured nodes in source order (tree-sitter's own order of captures depends
    on the other patterns in the query: FileContext.captures sorts them)."""
    return {name: sorted((n.start_byte, -n.end_byte, n.type) for n in nodes) for name, nodes in caps.items() if nodes}


@pytest.mark.parametrize("path", INPUTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_batch_captures_what_each_query_captures(path: Path) -> None:
    src = path.read_bytes()
    root = S.parse(src).root_node
    batch = S.entry_batch()
    assert len(batch.queries) >= 14  # the rules' entry queries (a rule dropping out of the batch is slower, not wrong)
    whole = batch.run(root)
    half = (0, len(src) // 2)
    by_range = batch.run(root, half)
    for q, caps, ranged in zip(batch.queries, whole, by_range):
        assert _ids(caps) == _ids(S.captures(q, root)), q.text
        assert _ids(ranged) == _ids(S.captures(q, root, half)), q.text


def test_every_rule_entry_query_is_batched() -> None:
    """The rules' module-level entry queries are in the batch (a plain S.query there would
    cost a walk of its own on every file)."""
    import importlib
    import pkgutil

    batch = S.entry_batch()
    for mod in pkgutil.iter_modules(codemods.__path__):
        module = importlib.import_module(f"codemods.{mod.name}")
        for name, value in vars(module).items():
            if isinstance(value, S.LazyQuery):
                assert value in batch, f"codemods.{mod.name}.{name} is S.query, not S.entry_query"


def test_byte_scan_answers_like_the_bytes() -> None:
    src = b"package p\n\nfunc f() { go func() {}() }\n// Get( is here\nvar gopher = 1\n"
    scan = ByteScan(src)
    for needle in (b"Get(", b"Get", b"Post", b"func", b"gopher"):
        assert scan.has(needle) is (needle in src)
        assert scan.has(needle) is (needle in src)  # the remembered answer
    assert scan.search(GO_FUNC_LITERAL)
    assert not ByteScan(b"var ergo func()\nx := gofunc\n").search(GO_FUNC_LITERAL)  # go must start a word
    assert ByteScan(b"\tgo (func() {})()").search(GO_FUNC_LITERAL)
    assert ByteScan(b"go\n\tfunc() {}()").search(GO_FUNC_LITERAL)
