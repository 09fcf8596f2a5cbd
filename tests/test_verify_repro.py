"""Minimal reproductions of verification bugs (issue 13), each failing before its fix.

A test-only rule turns marker comments into fixes, as in test_verify.py: `// BREAK` into a
call of an undefined function (the package stops compiling), `// OK` into a harmless
statement. `// STAY` is fixed by inserting a statement before it, and the comment is
reported again afterwards, without a fix: the shape of a real case (a `resp, err :=`
shadowed in a loop) where a finding keeps its origin across passes but loses its fix.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from gofix import engine, verify
from gofix.context import FileContext
from gofix.model import Edit, Fix, Severity
from gofix.rules import Rule

REPLACE = {b"// BREAK": b"undefinedThing()", b"// OK": b"_ = x"}


def _find(ctx: FileContext):
    found = []
    stack = [ctx.tree.root_node]
    while stack:
        n = stack.pop()
        stack.extend(n.children)
        text = ctx.src[n.start_byte:n.end_byte]
        if n.type != "comment":
            continue
        if text in REPLACE:
            fix = Fix(f"Replace {text.decode()}", (Edit(n.start_byte, n.end_byte, REPLACE[text]),))
            found.append(ctx.finding("test-marker", n, f"marker {text.decode()}", Severity.ERROR, fix))
        elif text == b"// STAY":
            before = ctx.src[:n.start_byte].rstrip(b"\t")
            fixed = before.endswith(b"_ = x // stayed\n")
            fix = None if fixed else Fix("Insert before // STAY", (Edit(n.start_byte, n.start_byte, b"_ = x // stayed\n\t"),))
            found.append(ctx.finding("test-marker", n, "marker // STAY", Severity.ERROR, fix))
    return found


RULE = Rule(id="test-marker", doc="test-marker: turns marker comments into fixes\n", find=_find, triggers=(b"// ",))


@pytest.fixture
def marker_rule(monkeypatch):
    monkeypatch.setattr(engine.Options, "rules", lambda self: [RULE])
    return RULE


def module(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "go.mod").write_text("module example.com/p\n\ngo 1.22\n")
    return root


def body(*markers: str, name: str = "F") -> str:
    lines = "".join(f"\t{m}\n" for m in markers)
    return f"package p\n\nfunc {name}() {{\n\tx := 1\n{lines}\t_ = x\n}}\n"


def fixed_run(paths):
    options = engine.Options(jobs=1)
    results, errors = engine.run(paths, options, fix=True)
    assert not errors, errors
    return results, options


def test_narrowing_past_a_finding_that_lost_its_fix_does_not_crash(tmp_path, go_bin, marker_rule):
    # Before: verify._refix handed the fix-less re-found `// STAY` to select_compatible:
    # AttributeError: 'NoneType' object has no attribute 'edits'.
    root = module(tmp_path / "m")
    (root / "a.go").write_text(body("// STAY", "// BREAK"))
    results, options = fixed_run([root])
    out, report = verify.verify(results, options)
    by = {f.message: f for f in out[0].findings}
    assert by["marker // STAY"].verified is True
    assert by["marker // BREAK"].verified is False and "undefinedThing" in by["marker // BREAK"].verify_reason
    assert out[0].fixed == body("_ = x // stayed", "// STAY", "// BREAK").encode()
    assert (report.verified, report.dropped) == (1, 1)


def test_a_file_excluded_by_a_custom_tag_leaves_its_package_verifiable(tmp_path, go_bin, marker_rule):
    # Before: one patched file behind `//go:build ... && custom_tag` made every fix of the
    # package "not verified", with the reason "excluded by build constraints for this
    # GOOS/this GOARCH" (a tag is neither).
    root = module(tmp_path / "m")
    (root / "plain.go").write_text(body("// OK", name="A"))
    (root / "tagged.go").write_text("//go:build linux && include_long_tests\n\n" + body("// OK", name="B"))
    (root / "tagged_bad.go").write_text("//go:build include_long_tests\n\n" + body("// BREAK", name="C"))
    results, options = fixed_run([root])
    out, report = verify.verify(results, options)
    got = {Path(r.path).name: r.findings[0] for r in out}
    assert got["plain.go"].verified is True, got["plain.go"].verify_reason
    if os.uname().sysname == "Linux":
        assert got["tagged.go"].verified is True, got["tagged.go"].verify_reason
    assert got["tagged_bad.go"].verified is False and "undefinedThing" in got["tagged_bad.go"].verify_reason
    assert "GOOS" not in " ".join(f.verify_reason or "" for f in got.values())


def test_a_file_no_tag_can_include_says_its_constraint(tmp_path, go_bin, marker_rule):
    root = module(tmp_path / "m")
    (root / "plain.go").write_text(body("// OK", name="A"))
    (root / "never.go").write_text("//go:build !include_long_tests && include_long_tests\n\n" + body("// OK", name="B"))
    results, options = fixed_run([root])
    out, _ = verify.verify(results, options)
    got = {Path(r.path).name: r.findings[0] for r in out}
    assert got["plain.go"].verified is True, got["plain.go"].verify_reason
    assert got["never.go"].verified is None
    assert "excluded by its build constraint" in got["never.go"].verify_reason
    assert "!include_long_tests && include_long_tests" in got["never.go"].verify_reason


def test_a_vet_timeout_says_timed_out(tmp_path, go_bin, marker_rule, monkeypatch):
    # Before: a baseline `go vet` that timed out read "package does not type-check without the fixes".
    root = module(tmp_path / "m")
    (root / "a.go").write_text(body("// OK"))
    results, options = fixed_run([root])
    real = verify.Checker._go

    def slow_vet(self, unit, env, *args, **kw):
        if args[0] == "vet":
            return -1, "", f"go vet timed out after {self.timeout}s"
        return real(self, unit, env, *args, **kw)

    monkeypatch.setattr(verify.Checker, "_go", slow_vet)
    out, _ = verify.verify(results, options)
    reason = out[0].findings[0].verify_reason
    assert "timed out" in reason and "type-check" not in reason


def test_dependency_errors_name_paths_from_the_root(tmp_path, go_bin, marker_rule, monkeypatch):
    # Before: `../../other/other.go`, relative to the package directory go ran in.
    root = module(tmp_path / "m")
    (root / "other").mkdir()
    (root / "other" / "other.go").write_text("package other\n\nfunc G() { undefinedInDep() }\n")
    deep = root / "a" / "b"
    deep.mkdir(parents=True)
    (deep / "a.go").write_text('package p\n\nimport "example.com/p/other"\n\nfunc F() {\n\tx := 1\n\t// OK\n'
                               '\t_ = x\n\tother.G()\n}\n')
    monkeypatch.chdir(root)
    results, options = fixed_run(["."])
    out, _ = verify.verify(results, options)
    reason = out[0].findings[0].verify_reason
    assert out[0].findings[0].verified is None
    assert "../" not in reason and "other/other.go" in reason, reason


def test_a_later_go_vet_never_names_verification_temp_files(tmp_path, go_bin, marker_rule):
    # go caches vet results by content: a user's `go vet` after `gofix fix` wrote the very
    # bytes verification vetted must not replay positions in gofix-verify-* temp dirs.
    root = module(tmp_path / "m")
    src = body("// OK").replace("\t_ = x\n}", "\t_ = x\n\tx = x\n}")  # a vet finding (assign) stays
    (root / "a.go").write_text(src)
    results, options = fixed_run([root])
    out, _ = verify.verify(results, options)
    assert out[0].findings[0].verified is True
    (root / "a.go").write_bytes(out[0].fixed)
    env = dict(os.environ, GOTOOLCHAIN="local", GOPROXY="off", GOFLAGS="-mod=mod")
    for args in (["vet", "."], ["vet", "-json", "."]):
        p = subprocess.run(["go", *args], cwd=root, env=env, capture_output=True, text=True)
        assert "gofix-verify" not in p.stdout + p.stderr, p.stdout + p.stderr
        assert "a.go" in p.stdout + p.stderr
