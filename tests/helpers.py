"""Test helpers: run rules over Go source in memory, golden case discovery, want markers."""

from __future__ import annotations

from pathlib import Path

from gofix import engine
from gofix.analysis import testing as T
from gofix.analysis.model import FileResult
from gofix.analysis.testing import (  # noqa: F401  (the helpers tests import from here)
    DEFAULT_GO,
    CaseConfig,
    assert_codemod,
    dedent,
    module,
    options_for,
)

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "golden"


def run_fix(src: bytes, rule: str | None, cfg: CaseConfig | None = None, path: str = "x.go",
            siblings: dict[str, bytes] | None = None) -> tuple[FileResult, list[str]]:
    return T.run(rule, src, cfg, path, siblings)


def run_check(src: bytes, rule: str | None, go: str = DEFAULT_GO,
              siblings: dict[str, bytes] | None = None) -> FileResult:
    result, errors = engine.analyze("x.go", src, module(go), options_for(rule), siblings=siblings or {})
    assert not errors, errors
    return result


def golden_cases() -> list[T.GoldenCase]:
    return T.golden_cases(GOLDEN)


def golden_source_path(inp: Path) -> str:
    """The path a golden input is analysed under: a case named `<name>_test` is a test file."""
    return "x_test.go" if inp.name.endswith("_test.input.go") else "x.go"


def golden_path(inp: Path) -> Path:
    return inp.with_name(inp.name.replace(".input.go", ".golden.go"))


def case_siblings(inp: Path) -> dict[str, bytes]:
    """The other files of a golden case's package: golden/<rule>/<case>.pkg/*.go (unchanged
    by the fix; they hold declarations the case's file uses, e.g. a type from another file)."""
    d = inp.with_name(inp.name.replace(".input.go", ".pkg"))
    return {p.name: p.read_bytes() for p in sorted(d.glob("*.go"))} if d.is_dir() else {}


def counting(fn):
    """fn, wrapped to count its calls in .calls (for "this must not run again" tests)."""

    def wrapper(*a, **kw):
        wrapper.calls += 1
        return fn(*a, **kw)

    wrapper.calls = 0
    return wrapper
