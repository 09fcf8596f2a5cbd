"""Golden pairs: golden/<rule>/<case>.input.go must become <case>.golden.go exactly.

Each expected finding is marked on its line with `// want "regex"` (matched against the
message); an unmatched marker fails, and so does a finding without a marker. The outputs
are checked with the real gofmt and, when the case compiles, go vet (no new diagnostics).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from gofix import syntax as S
from helpers import GOLDEN, case_config, case_siblings, golden_cases, golden_path, golden_source_path, run_fix, want_markers

CASES = golden_cases()
IDS = [f"{rule}/{inp.name.removesuffix('.input.go')}" for rule, inp in CASES]


def test_every_rule_has_golden_cases():
    from codemods import RULES

    missing = [r.id for r in RULES if not list((GOLDEN / r.id).glob("*.input.go"))]
    assert not missing, f"rules without golden cases: {missing}"


@pytest.mark.parametrize(("rule", "inp"), CASES, ids=IDS)
def test_golden_output(rule, inp):
    src = inp.read_bytes()
    gold = golden_path(inp)
    assert gold.exists(), f"{gold.name} is missing"
    result, errors = run_fix(src, rule, path=golden_source_path(inp), siblings=case_siblings(inp))
    assert not errors, errors
    assert result.error is None, result.error
    out = result.fixed if result.fixed is not None else src
    assert out.decode() == gold.read_text(), f"{inp.name}: output differs from {gold.name}"


@pytest.mark.parametrize(("rule", "inp"), CASES, ids=IDS)
def test_golden_findings_match_want_markers(rule, inp):
    src = inp.read_text()
    result, _ = run_fix(inp.read_bytes(), rule, path=golden_source_path(inp), siblings=case_siblings(inp))
    wants = want_markers(src)
    unmatched = {line: list(rxs) for line, rxs in wants.items()}
    extra = []
    for f in result.findings:
        rxs = unmatched.get(f.start.line, [])
        hit = next((rx for rx in rxs if re.search(rx, f.message)), None)
        if hit is None:
            extra.append(f"{f.start.line}: {f.message}")
        else:
            rxs.remove(hit)
    missing = [f"{line}: {rx}" for line, rxs in unmatched.items() for rx in rxs]
    assert not extra, f"findings without a matching // want marker: {extra}"
    assert not missing, f"// want markers with no finding: {missing}"


@pytest.mark.parametrize(("rule", "inp"), CASES, ids=IDS)
def test_golden_is_a_fixed_point(rule, inp):
    gold = golden_path(inp)
    result, errors = run_fix(gold.read_bytes(), rule, path=golden_source_path(inp), siblings=case_siblings(inp))
    assert not errors
    assert result.fixed is None, "running the fix on the golden output changes it again"


@pytest.mark.parametrize(("rule", "inp"), CASES, ids=IDS)
def test_golden_parses(rule, inp):
    gold = golden_path(inp)
    assert S.first_syntax_error(S.parse(gold.read_bytes())) is None


def test_goldens_are_gofmt_clean(gofmt_bin):
    files = [str(golden_path(inp)) for _, inp in CASES]
    proc = subprocess.run([gofmt_bin, "-l", *files], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "", f"not gofmt-clean:\n{proc.stdout}"


# --- compile + vet: one module per side (inputs, goldens), one package per case ----------------

_VET_POS = re.compile(r"^(?:vet: )?(?:\./)?(?P<path>[^:\s]+\.go):\d+:\d+: (?P<msg>.*)$")


def _build_module(tmp: Path, side: str) -> dict[str, Path]:
    root = tmp / side
    modules = set()
    pkgs: dict[str, Path] = {}
    for rule, inp in CASES:
        cfg = case_config(inp.read_text())
        if not cfg.compile:
            continue
        src = inp if side == "input" else golden_path(inp)
        name = inp.name.removesuffix(".input.go")
        d = root / "cases" / rule.replace("-", "_") / name.replace("-", "_")
        d.mkdir(parents=True)
        shutil.copy(src, d / "main.go")
        for other, data in case_siblings(inp).items():
            (d / other).write_bytes(data)
        pkgs[f"{rule}/{name}"] = d
        modules.update(cfg.modules)
    lines = ["module example.com/golden", "", "go 1.22", ""]
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
    tmp = tmp_path_factory.mktemp("golden-vet")
    result = {}
    for side in ("input", "golden"):
        pkgs = _build_module(tmp, side)
        diags = _vet(go_bin, tmp / side)
        result[side] = {
            case: diags.get(str(d.relative_to(tmp / side)), set()) for case, d in pkgs.items()
        }
    return result


COMPILED = [(r, i) for r, i in CASES if case_config(i.read_text()).compile]


@pytest.mark.parametrize(("rule", "inp"), COMPILED, ids=[f"{r}/{i.name.removesuffix('.input.go')}" for r, i in COMPILED])
def test_golden_compiles_and_vets_clean(vet_results, rule, inp):
    case = f"{rule}/{inp.name.removesuffix('.input.go')}"
    before = vet_results["input"][case]
    after = vet_results["golden"][case]
    new = after - before
    assert not new, f"go vet reports new diagnostics on {case}.golden.go: {sorted(new)}"
    assert not any("declared and not used" in m or "undefined" in m for m in after), sorted(after)
