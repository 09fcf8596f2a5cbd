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

from gofix.analysis import testing as T
from helpers import GOLDEN

CASES = T.golden_cases(GOLDEN)
IDS = [c.id for c in CASES]


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
    files = [str(c.golden) for c in CASES]
    proc = subprocess.run([gofmt_bin, "-l", *files], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "", f"not gofmt-clean:\n{proc.stdout}"


# --- compile + vet: one module per side (inputs, goldens), one package per case ----------------

_VET_POS = re.compile(r"^(?:vet: )?(?:\./)?(?P<path>[^:\s]+\.go):\d+:\d+: (?P<msg>.*)$")


def _build_module(tmp: Path, side: str) -> dict[str, Path]:
    root = tmp / side
    modules = set()
    pkgs: dict[str, Path] = {}
    for case in CASES:
        cfg = case.config
        if not cfg.compile:
            continue
        src = case.input if side == "input" else case.golden
        d = root / "cases" / case.rule.replace("-", "_") / case.name.replace("-", "_")
        d.mkdir(parents=True)
        shutil.copy(src, d / "main.go")
        for other, data in case.siblings.items():
            (d / other).write_bytes(data)
        pkgs[case.id] = d
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


COMPILED = [c for c in CASES if c.config.compile]


@pytest.mark.parametrize("golden", COMPILED, ids=[c.id for c in COMPILED])
def test_golden_compiles_and_vets_clean(vet_results, golden):
    case = golden.id
    before = vet_results["input"][case]
    after = vet_results["golden"][case]
    new = after - before
    assert not new, f"go vet reports new diagnostics on {case}.golden.go: {sorted(new)}"
    assert not any("declared and not used" in m or "undefined" in m for m in after), sorted(after)
