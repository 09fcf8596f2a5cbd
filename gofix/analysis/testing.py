"""Testing rules, in the manner of analysistest and LibCST's assertCodemod.

Inline:

    assert_codemod(
        "lost-cancel",
        before='''
            package p
            ...
        ''',
        after='''
            ...
        ''',
    )

Golden pairs: `golden/<rule>/<case>.input.go` must become `<case>.golden.go` byte for byte;
other files of the case's package may sit in `golden/<rule>/<case>.pkg/*.go` (declarations
the case uses; never rewritten). Expected findings are marked on their line:

    ctx, _ := context.WithCancel(parent) // want "cancel function .* discarded"

Each string is a regex searched in the message; a marker without a finding fails, and so
does a finding without a marker. A case may start with a directive line:
`// gofix-test: go=1.23 option=rule.key=value nocompile modules=a,b safe-only`
(`go`: the module's Go version; `nocompile`: not built by the vet check; `modules`: the
stub modules under golden/_modules it needs; `safe-only`: do not apply unsafe fixes).

Both apply SAFE and UNSAFE fixes (never DISPLAY_ONLY) to a fixed point through the
engine, compare bytes exactly, require an output without ERROR nodes, and require that a
second run makes no edits (ruff). The engine is imported when a check runs, not here.
"""

from __future__ import annotations

import re
import shlex
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from gofix.analysis import syntax as S
from gofix.analysis.model import FileResult, Finding
from gofix.gomod import ModuleInfo, parse_version

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
    """Read the `// gofix-test: ...` directives of a case (see the module docstring)."""
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


def dedent(s: str | bytes) -> bytes:
    """textwrap.dedent, without the leading newline, as bytes."""
    text = s.decode() if isinstance(s, bytes) else s
    return textwrap.dedent(text).lstrip("\n").encode()


def module(go: str = DEFAULT_GO, async_timers: bool = False) -> ModuleInfo:
    """A module with the given `go` line (no go.mod on disk)."""
    return ModuleInfo(None, "example.com/p", parse_version(go), async_timers)


def options_for(rule: str | None, cfg: CaseConfig | None = None, unsafe: bool = True):
    """engine.Options selecting `rule` (None: every rule) with cfg's rule options."""
    from gofix.engine import Options

    cfg = cfg or CaseConfig()
    return Options(select=frozenset([rule]) if rule else None, unsafe_fixes=unsafe and cfg.unsafe,
                   rule_options=cfg.options)


def run(rule: str | None, src: bytes, cfg: CaseConfig | None = None, path: str = "x.go",
        siblings: dict[str, bytes] | None = None) -> tuple[FileResult, list[str]]:
    """engine.fix_source of src for `rule`: findings of the original, fixed bytes; the
    package is src plus `siblings` (nothing is read from disk)."""
    from gofix.engine import fix_source

    cfg = cfg or case_config(src.decode("utf-8", "replace"))
    return fix_source(path, src, module(cfg.go), options_for(rule, cfg), siblings=siblings or {})


# --- want markers --------------------------------------------------------------------------------


def want_markers(src: str) -> dict[int, list[str]]:
    """line (1-based, as the Go tools count: only \\n ends a line) -> the regexes of the
    `// want "..."` markers on it."""
    out: dict[int, list[str]] = {}
    for i, line in enumerate(src.split("\n"), 1):
        m = _WANT.search(line)
        if m:
            out[i] = [bytes(s, "utf-8").decode("unicode_escape") for s in re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(1))]
    return out


def unmatched_wants(findings: Sequence[Finding], src: str) -> tuple[list[str], list[str]]:
    """(findings without a marker, markers without a finding), each as "line: text"."""
    unmatched = {line: list(rxs) for line, rxs in want_markers(src).items()}
    extra = []
    for f in findings:
        rxs = unmatched.get(f.start.line, [])
        hit = next((rx for rx in rxs if re.search(rx, f.message)), None)
        if hit is None:
            extra.append(f"{f.start.line}: {f.message}")
        else:
            rxs.remove(hit)
    missing = [f"{line}: {rx}" for line, rxs in unmatched.items() for rx in rxs]
    return extra, missing


def assert_wants(findings: Sequence[Finding], src: str) -> None:
    extra, missing = unmatched_wants(findings, src)
    assert not extra, f"findings without a matching // want marker: {extra}"
    assert not missing, f"// want markers with no finding: {missing}"


# --- inline cases ----------------------------------------------------------------------------------


def assert_codemod(rule: str, before: str, after: str | None = None, *, go: str = DEFAULT_GO,
                   options: dict | None = None, findings: int | Sequence[str] | None = None,
                   siblings: dict[str, str] | None = None, path: str = "x.go",
                   unsafe: bool = True) -> FileResult:
    """Run `rule` on `before` (dedented) with SAFE and UNSAFE (unsafe=False: SAFE only)
    fixes. The output must equal `after` (dedented; None: unchanged) byte for byte, have no
    ERROR node, and a second run over it must change nothing. findings: their number, or
    one regex per finding in order (searched in the message). siblings: other files of the
    package (name -> source, dedented)."""
    src = dedent(before)
    cfg = CaseConfig(go=go, options=options or {}, unsafe=unsafe)
    others = {name: dedent(text) for name, text in (siblings or {}).items()}
    result, errors = run(rule, src, cfg, path, others)
    assert not errors, errors
    assert result.error is None, result.error
    out = result.fixed if result.fixed is not None else src
    expected = dedent(after) if after is not None else src
    assert out.decode() == expected.decode()
    assert S.first_syntax_error(S.parse(out)) is None, "the output has a syntax error"
    again, errors = run(rule, out, cfg, path, others)
    assert not errors and again.fixed is None, "a second run changed the output"
    if isinstance(findings, int):
        assert len(result.findings) == findings, [f.message for f in result.findings]
    elif findings is not None:
        messages = [f.message for f in result.findings]
        assert len(messages) == len(findings) and all(re.search(rx, m) for rx, m in zip(findings, messages)), messages
    return result


# --- golden pairs ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GoldenCase:
    rule: str
    name: str
    input: Path
    golden: Path

    @property
    def id(self) -> str:
        return f"{self.rule}/{self.name}"

    @property
    def config(self) -> CaseConfig:
        return case_config(self.input.read_text())

    @property
    def source_path(self) -> str:
        """The path the case is analysed under: a case named `<name>_test` is a test file."""
        return "x_test.go" if self.name.endswith("_test") else "x.go"

    @property
    def siblings(self) -> dict[str, bytes]:
        """The other files of the case's package: <case>.pkg/*.go."""
        d = self.input.with_name(f"{self.name}.pkg")
        return {p.name: p.read_bytes() for p in sorted(d.glob("*.go"))} if d.is_dir() else {}

    def run(self, src: bytes | None = None) -> tuple[FileResult, list[str]]:
        data = self.input.read_bytes() if src is None else src
        return run(self.rule, data, case_config(data.decode("utf-8", "replace")), self.source_path, self.siblings)


def golden_cases(root: Path) -> list[GoldenCase]:
    """Every golden/<rule>/<case>.input.go under root (folders starting with `_` are support)."""
    cases = []
    for rule_dir in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("_")):
        for inp in sorted(rule_dir.glob("*.input.go")):
            name = inp.name.removesuffix(".input.go")
            cases.append(GoldenCase(rule_dir.name, name, inp, inp.with_name(f"{name}.golden.go")))
    return cases


def assert_golden_output(case: GoldenCase) -> None:
    """The fixed input equals the golden file byte for byte, and has no syntax error."""
    assert case.golden.exists(), f"{case.golden.name} is missing"
    src = case.input.read_bytes()
    result, errors = case.run()
    assert not errors, errors
    assert result.error is None, result.error
    out = result.fixed if result.fixed is not None else src
    assert out.decode() == case.golden.read_text(), f"{case.input.name}: output differs from {case.golden.name}"
    assert S.first_syntax_error(S.parse(out)) is None


def assert_golden_wants(case: GoldenCase) -> None:
    """The input's findings match its `// want` markers one to one."""
    result, _ = case.run()
    assert_wants(result.findings, case.input.read_text())


def assert_golden_fixed_point(case: GoldenCase) -> None:
    """A run over the golden output makes no edits."""
    result, errors = case.run(case.golden.read_bytes())
    assert not errors, errors
    assert result.fixed is None, "running the fix on the golden output changes it again"
