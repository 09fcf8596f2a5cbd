"""scripts/audit.py: the sampling, rendering and verdict bookkeeping of the precision audit."""
from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("audit_script", ROOT / "scripts" / "audit.py")
audit = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(audit)


def finding(rule, path, line, severity="warning", fix=None):
    return {"rule": rule, "path": path, "line": line, "column": 1, "end_line": line, "end_column": 2,
            "severity": severity, "message": f"{rule} here", "fix": fix}


FIX = {"title": "Add defer x.Close()", "applicability": "safe", "edits": [{"start": 0, "end": 0, "text": "// x\n"}]}


def test_sample_caps_each_rule_and_keeps_every_fix():
    fs = [finding("a", f"f{i}.go", i) for i in range(20)]
    fs += [finding("b", f"g{i}.go", i, fix=FIX) for i in range(8)]
    got = audit.sample(fs, 5)
    assert sum(1 for f in got if f["rule"] == "a") == 5
    assert sum(1 for f in got if f["rule"] == "b") == 8  # every fix, beyond the cap


def test_sample_spreads_over_severities_and_fix_presence():
    fs = [finding("a", f"w{i}.go", i) for i in range(10)]
    fs += [finding("a", "h.go", 1, severity="hint")]
    fs += [finding("a", "e.go", 1, severity="error")]
    got = audit.sample(fs, 3)
    assert {f["severity"] for f in got} == {"warning", "hint", "error"}


def test_sample_is_stable_when_other_findings_come_and_go():
    fs = [finding("a", f"f{i}.go", i) for i in range(30)]
    first = {audit.key_of(f) for f in audit.sample(fs, 5)}
    fewer = [f for i, f in enumerate(fs) if audit.key_of(f) in first or i % 2]  # a newer gofix drops some others
    assert {audit.key_of(f) for f in audit.sample(fewer, 5)} == first


def test_apply_edits_uses_byte_offsets_in_any_order():
    src = "héllo wörld\n".encode()
    edits = [{"start": 0, "end": 0, "text": "A"}, {"start": len("héllo".encode()), "end": len("héllo ".encode()), "text": "_"}]
    assert audit.apply_edits(src, list(reversed(edits))) == "Ahéllo_wörld\n".encode()


def test_fix_diff_is_a_unified_diff_of_the_fix():
    d = audit.fix_diff("x.go", b"package x\n", FIX)
    assert d.startswith("--- a/x.go\n+++ b/x.go\n")
    assert "+// x\n" in d


def test_context_lines_mark_the_finding():
    src = b"".join(f"line{i}\n".encode() for i in range(1, 21))
    text = audit.context_lines(src, 10, 11, 2)
    marked = [ln for ln in text.splitlines() if ln.startswith(">")]
    assert [ln.split("|")[1].strip() for ln in marked] == ["line10", "line11"]
    assert text.splitlines()[0].strip().startswith("8 |")


def test_a_verdict_no_longer_counts_when_the_fix_changed():
    f = finding("b", "g.go", 3, fix=FIX)
    verdicts = {"repo": {audit.key_of(f): {"verdict": "right", "why": "ok", "fix": audit.fix_digest(f)}}}
    assert audit.verdict_for(verdicts, "repo", f)["verdict"] == "right"
    changed = dict(f, fix=dict(FIX, edits=[{"start": 0, "end": 0, "text": "// y\n"}]))
    assert audit.verdict_for(verdicts, "repo", changed) is None


def test_table_counts_right_wrong_and_unjudged():
    fs = [finding("a", "f.go", 1), finding("a", "f.go", 2), finding("a", "f.go", 3)]
    verdicts = {"r": {audit.key_of(fs[0]): {"verdict": "right", "fix": "-"},
                      audit.key_of(fs[1]): {"verdict": "wrong", "why": "not HTTP", "fix": "-"}}}
    row = audit.table(verdicts, {"r": fs}, {"r": "abcdef1234567"}).splitlines()[-1]
    assert row == "| r | abcdef1234 | `a` | 3 (1 unjudged) | 1 | 1 | not HTTP |"


def test_check_on_a_tiny_checkout(tmp_path: Path):
    gofix = Path(sys.executable).parent / "gofix"  # the console script of the environment running the tests
    if not gofix.exists():
        pytest.skip(f"no gofix command beside {sys.executable} (install with pip install -e '.[test]')")
    (tmp_path / "go.mod").write_text("module m\n\ngo 1.22\n")
    (tmp_path / "a.go").write_text(
        'package m\n\nimport (\n\t"context"\n\t"time"\n)\n\n'
        "func f(ctx context.Context) context.Context {\n"
        "\tctx, _ = context.WithTimeout(ctx, time.Second)\n\treturn ctx\n}\n")
    out = tmp_path / "out"
    assert audit.main([str(tmp_path), "--gofix", str(gofix), "--out", str(out), "--name", "tiny"]) == 0
    items = json.loads((out / "sample.json").read_text())
    assert [f["rule"] for f in items] == ["lost-cancel"]
    sheet = (out / "sample.md").read_text()
    assert ">" in sheet and "context.WithTimeout" in sheet and "[NEW]" in sheet


def test_diagnostics_are_relative_to_the_checkout(tmp_path: Path):
    pkg = tmp_path / "a" / "b"
    pkg.mkdir(parents=True)
    text = "# m/a/b\nvet: ../../c/d.go:12:5: resp.Body undefined\n./x_test.go:3:1: declared and not used: y\nok\n"
    assert audit.diagnostics(text, pkg, tmp_path) == {
        ("c/d.go", 12, "resp.Body undefined"), ("a/b/x_test.go", 3, "declared and not used: y")}


def test_a_compile_error_belongs_to_the_nearest_fix_above_it():
    fixes = [finding("r", "x.go", 10, fix=FIX), finding("r", "x.go", 30, fix=FIX), finding("r", "y.go", 1, fix=FIX)]
    assert audit.owner_of(("x.go", 35, "undefined"), fixes)["line"] == 30
    assert audit.owner_of(("x.go", 20, "undefined"), fixes)["line"] == 10
    assert audit.owner_of(("x.go", 5, "undefined"), fixes) is None
