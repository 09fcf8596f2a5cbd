"""Golden pairs: golden/<rule>/<case>.input.go must become <case>.golden.go exactly.

Each expected finding is marked on its line with `// want "regex"` (matched against the
message); an unmatched marker fails, and so does a finding without a marker. The outputs
are checked with the real gofmt and, when the case compiles, go vet (no new diagnostics).

A case whose `// gofix-test: go=` version is 1.26 or newer (new syntax: `new(expr)`, Go
1.27's generic methods) is built in a module of its own with that `go` line, and checked
with a toolchain of at least that version: the local one when it is new enough, else
go1.27.3 from the module cache (`GOTOOLCHAIN=go1.27.3 go version` fetches it once through
the module proxy); without one, those checks skip and say so.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from gofix.analysis import testing as T
from gofix.gomod import parse_version
from helpers import GOLDEN

CASES = T.golden_cases(GOLDEN)
IDS = [c.id for c in CASES]
BASE_GO = "1.22"  # the go line of the module most cases are built in
NEW_SYNTAX = (1, 26)  # cases at this language version or newer get a module with their go line
NEWER_TOOLCHAIN = "go1.27.3"


def _lang(case) -> str:
    return case.config.go if parse_version(case.config.go) >= NEW_SYNTAX else BASE_GO


_TOOLCHAINS: dict[str, tuple[str | None, str]] = {}


def _toolchain(lang: str) -> tuple[str | None, str]:
    """(go binary for language version lang, or None; why not)."""
    if lang in _TOOLCHAINS:
        return _TOOLCHAINS[lang]
    go = shutil.which("go")
    found: tuple[str | None, str] = (None, "the Go toolchain (go) is not on PATH")
    if go is not None:
        local = subprocess.run([go, "env", "GOVERSION"], capture_output=True, text=True,
                               env=dict(os.environ, GOTOOLCHAIN="local")).stdout.strip()
        want = parse_version(lang)
        if parse_version(local.removeprefix("go")) >= want:
            found = (go, "")
        elif parse_version(NEWER_TOOLCHAIN.removeprefix("go")) >= want:
            env = dict(os.environ, GOTOOLCHAIN=NEWER_TOOLCHAIN, GOPROXY="off")
            try:
                r = subprocess.run([go, "env", "GOROOT"], capture_output=True, text=True, env=env, timeout=120)
                root = r.stdout.strip() if r.returncode == 0 else ""
            except subprocess.TimeoutExpired:
                root = ""
            newer = Path(root) / "bin" / "go"
            found = (str(newer), "") if root and newer.exists() else (
                None, f"go {lang} syntax needs {NEWER_TOOLCHAIN} (local {local}), not in the module cache: "
                      f"run `GOTOOLCHAIN={NEWER_TOOLCHAIN} go version` once")
        else:
            found = (None, f"no toolchain for go {lang} (local {local})")
    _TOOLCHAINS[lang] = found
    return found


def test_every_rule_has_golden_cases():
    from codemods import RULES

    missing = [r.id for r in RULES if not list((GOLDEN / r.id).glob("*.input.go"))]
    assert not missing, f"rules without golden cases: {missing}"


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_golden_output(case):
    T.assert_golden_output(case)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_golden_findings_match_want_markers(case):
    T.assert_golden_wants(case)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_golden_is_a_fixed_point(case):
    T.assert_golden_fixed_point(case)


def test_goldens_are_gofmt_clean(gofmt_bin):
    files = [str(c.golden) for c in CASES if _lang(c) == BASE_GO]
    proc = subprocess.run([gofmt_bin, "-l", *files], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "", f"not gofmt-clean:\n{proc.stdout}"


NEWER = sorted({_lang(c) for c in CASES} - {BASE_GO})


@pytest.mark.parametrize("lang", NEWER)
def test_new_syntax_goldens_are_gofmt_clean(lang):
    go, why = _toolchain(lang)
    if go is None:
        pytest.skip(why)
    gofmt = str(Path(go).parent / "gofmt")
    files = [str(c.golden) for c in CASES if _lang(c) == lang]
    assert files
    proc = subprocess.run([gofmt, "-l", *files], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "", f"not gofmt-clean:\n{proc.stdout}"


# --- compile + vet: one module per side (inputs, goldens), one package per case ----------------

_VET_POS = re.compile(r"^(?:vet: )?(?:\./)?(?P<path>[^:\s]+\.go):\d+:\d+: (?P<msg>.*)$")


def _build_module(tmp: Path, side: str, lang: str = BASE_GO) -> dict[str, Path]:
    root = tmp / side
    modules = set()
    pkgs: dict[str, Path] = {}
    for case in CASES:
        cfg = case.config
        if not cfg.compile or _lang(case) != lang:
            continue
        src = case.input if side == "input" else case.golden
        d = root / "cases" / case.rule.replace("-", "_") / case.name.replace("-", "_")
        d.mkdir(parents=True)
        shutil.copy(src, d / "main.go")
        for other, data in case.siblings.items():
            (d / other).write_bytes(data)
        pkgs[case.id] = d
        modules.update(cfg.modules)
    lines = ["module example.com/golden", "", f"go {lang}", ""]
    stubs = GOLDEN / "_modules"
    for m in sorted(modules):
        mod_file = stubs / m / "go.mod"
        mod_path = re.search(r"^module\s+(\S+)", mod_file.read_text(), re.M).group(1)
        lines += [f"require {mod_path} v0.0.0", f"replace {mod_path} => {(stubs / m).as_posix()}", ""]
    (root / "go.mod").write_text("\n".join(lines))
    return pkgs


def _vet(go: str, root: Path) -> dict[str, set[str]]:
    env = dict(os.environ, GOTOOLCHAIN="local", GOPROXY="off", GOFLAGS="-mod=mod", GOWORK="off")
    proc = subprocess.run([go, "vet", "./..."], cwd=root, capture_output=True, text=True, env=env)
    diags: dict[str, set[str]] = {}
    for line in proc.stderr.splitlines():
        m = _VET_POS.match(line.strip())
        if m:
            pkg_dir = str(Path(m.group("path")).parent)
            diags.setdefault(pkg_dir, set()).add(m.group("msg"))
    return diags


@pytest.fixture(scope="session")
def vet_results(go_bin, tmp_path_factory):
    """side -> case id -> go vet's messages; a case with no toolchain for its version maps
    to the reason (a str) instead."""
    tmp = tmp_path_factory.mktemp("golden-vet")
    result: dict[str, dict[str, set[str] | str]] = {"input": {}, "golden": {}}
    for lang in [BASE_GO, *NEWER]:
        go, why = (go_bin, "") if lang == BASE_GO else _toolchain(lang)
        for side in ("input", "golden"):
            base = tmp / lang / side
            pkgs = _build_module(tmp / lang, side, lang)
            if go is None:
                result[side].update({case: why for case in pkgs})
                continue
            diags = _vet(go, base)
            result[side].update({
                case: diags.get(str(d.relative_to(base)), set()) for case, d in pkgs.items()
            })
    return result


COMPILED = [c for c in CASES if c.config.compile]


@pytest.mark.parametrize("golden", COMPILED, ids=[c.id for c in COMPILED])
def test_golden_compiles_and_vets_clean(vet_results, golden):
    case = golden.id
    before = vet_results["input"][case]
    after = vet_results["golden"][case]
    if isinstance(after, str):
        pytest.skip(after)
    new = after - before
    assert not new, f"go vet reports new diagnostics on {case}.golden.go: {sorted(new)}"
    assert not any("declared and not used" in m or "undefined" in m for m in after), sorted(after)
    # a toolchain too old for the case's syntax fails on both sides alike: not "no new diagnostics"
    assert not any(m.startswith("syntax error") or "requires go1." in m or "must have no type parameters" in m
                   for m in after), sorted(after)
