"""Test helpers: run rules over Go source in memory, golden case discovery, want markers."""

from __future__ import annotations

import re
import shlex
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

from gofix import engine
from gofix.gomod import ModuleInfo, parse_version
from gofix.model import FileResult

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "golden"
DEFAULT_GO = "1.22"

_WANT = re.compile(r'//\s*want\s+((?:"(?:[^"\\]|\\.)*"\s*)+)')
_DIRECTIVE = re.compile(r"^//\s*gofix-test:\s*(.*)$", re.M)


@dataclass
class CaseConfig:
    go: str = DEFAULT_GO
    options: dict[str, dict[str, str]] = field(default_factory=dict)
    compile: bool = True
    modules: list[str] = field(default_factory=list)
    unsafe: bool = True


def case_config(src: str) -> CaseConfig:
    """Read `// gofix-test: go=1.23 option=rule.key=value nocompile modules=a,b safe-only`."""
    cfg = CaseConfig()
    for m in _DIRECTIVE.finditer(src):
        for word in shlex.split(m.group(1)):
            if word == "nocompile":
                cfg.compile = False
            elif word == "safe-only":
                cfg.unsafe = False
            elif word.startswith("go="):
                cfg.go = word[3:]
            elif word.startswith("option="):
                key, _, value = word[7:].partition("=")
                rid, _, name = key.partition(".")
                cfg.options.setdefault(rid, {})[name] = value
            elif word.startswith("modules="):
                cfg.modules = [x for x in word[8:].split(",") if x]
            else:
                raise ValueError(f"unknown gofix-test directive {word!r}")
    return cfg


def module(go: str = DEFAULT_GO, async_timers: bool = False) -> ModuleInfo:
    return ModuleInfo(None, "example.com/p", parse_version(go), async_timers)


def options_for(rule: str | None, cfg: CaseConfig | None = None, unsafe: bool = True) -> engine.Options:
    cfg = cfg or CaseConfig()
    return engine.Options(
        select=frozenset([rule]) if rule else None,
        unsafe_fixes=unsafe and cfg.unsafe,
        rule_options=cfg.options,
    )


def run_fix(src: bytes, rule: str | None, cfg: CaseConfig | None = None, path: str = "x.go",
            siblings: dict[str, bytes] | None = None) -> tuple[FileResult, list[str]]:
    cfg = cfg or case_config(src.decode("utf-8", "replace"))
    opts = options_for(rule, cfg)
    return engine.fix_source(path, src, module(cfg.go), opts, siblings=siblings or {})


def run_check(src: bytes, rule: str | None, go: str = DEFAULT_GO,
              siblings: dict[str, bytes] | None = None) -> FileResult:
    result, errors = engine.analyze("x.go", src, module(go), options_for(rule), siblings=siblings or {})
    assert not errors, errors
    return result


def dedent(s: str) -> bytes:
    return textwrap.dedent(s).lstrip("\n").encode()


def assert_codemod(rule: str, before: str, after: str | None = None, go: str = DEFAULT_GO,
                   options: dict | None = None, findings: int | None = None) -> FileResult:
    """Run `rule` on `before` (dedented) with SAFE and UNSAFE fixes; the output must equal
    `after` (None: unchanged), parse cleanly, and a second run must change nothing."""
    src = dedent(before)
    cfg = CaseConfig(go=go, options=options or {})
    result, errors = run_fix(src, rule, cfg)
    assert not errors, errors
    assert result.error is None, result.error
    out = result.fixed if result.fixed is not None else src
    expected = dedent(after) if after is not None else src
    assert out.decode() == expected.decode()
    again, errors = run_fix(out, rule, cfg)
    assert not errors and again.fixed is None, "a second run changed the output"
    if findings is not None:
        assert len(result.findings) == findings, [f.message for f in result.findings]
    return result


def want_markers(src: str) -> dict[int, list[str]]:
    """line -> regexes of `// want "..."` markers on that line."""
    out: dict[int, list[str]] = {}
    for i, line in enumerate(src.split("\n"), 1):  # rows as the Go tools count them (not U+2028)
        m = _WANT.search(line)
        if m:
            out[i] = [bytes(s, "utf-8").decode("unicode_escape") for s in re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(1))]
    return out


def golden_cases() -> list[tuple[str, Path]]:
    cases = []
    for rule_dir in sorted(p for p in GOLDEN.iterdir() if p.is_dir() and not p.name.startswith("_")):
        for inp in sorted(rule_dir.glob("*.input.go")):
            cases.append((rule_dir.name, inp))
    return cases


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
