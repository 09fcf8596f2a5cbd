"""Verification: a fix that breaks the build or adds a go vet finding is never applied.

A test-only rule turns marker comments into fixes: `// BREAK` becomes a call to an
undefined function (the package stops compiling), `// VET` a self-assignment (go vet's
`assign` analyzer), `// OK` a harmless statement. Verification must drop the first two,
keep the third, and say why.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gofix import engine, verify
from gofix.context import FileContext
from gofix.model import Edit, Fix, Severity
from gofix.rules import Rule

MARKERS = {
    b"// BREAK": b"undefinedThing()",
    b"// OK2": b"_ = x\n\t_ = x",  # adds a line: moves the findings below it
    b"// VET": b"x = x",
    b"// OK": b"_ = x",
}


def _find_markers(ctx: FileContext, scoped: bool = False):
    found = []
    stack = [ctx.tree.root_node]
    while stack:
        n = stack.pop()
        stack.extend(n.children)
        text = ctx.src[n.start_byte:n.end_byte]
        if n.type == "comment" and text in MARKERS:
            fn = n
            while scoped and fn.type != "function_declaration":
                fn = fn.parent
            scope = (fn.start_byte, fn.end_byte) if scoped else None
            fix = Fix(f"Replace {text.decode()}", (Edit(n.start_byte, n.end_byte, MARKERS[text]),), scope=scope)
            found.append(ctx.finding("test-marker", n, f"marker {text.decode()}", Severity.ERROR, fix))
    return found


TEST_RULE = Rule(id="test-marker", doc="test-marker: turns marker comments into fixes\n", find=_find_markers,
                 triggers=(b"// ",))


def body(*markers: str, name: str = "F", pkg: str = "p") -> str:
    lines = "".join(f"\t{m}\n" for m in markers)
    return f"package {pkg}\n\nfunc {name}() {{\n\tx := 1\n{lines}\t_ = x\n}}\n"


@pytest.fixture
def marker_rule(monkeypatch):
    monkeypatch.setattr(engine.Options, "rules", lambda self: [TEST_RULE])
    return TEST_RULE


def module(root: Path, name: str = "example.com/p", extra: str = "") -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "go.mod").write_text(f"module {name}\n\ngo 1.22\n{extra}")
    return root


def fixed_run(paths, **kw):
    options = engine.Options(jobs=1, **kw)
    results, errors = engine.run(paths, options, fix=True)
    assert not errors, errors
    return results, options


def by_marker(results):
    return {f.message.split()[-1]: f for r in results for f in r.findings}


def go_ok(directory: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, GOTOOLCHAIN="local", GOPROXY="off", GOFLAGS="-mod=mod")
    return subprocess.run(["go", *args], cwd=directory, env=env, capture_output=True, text=True)


def test_breaking_and_vet_fixes_are_dropped_and_reported(tmp_path, go_bin, marker_rule):
    root = module(tmp_path / "m")
    (root / "ok.go").write_text(body("// OK", name="A"))
    (root / "bad.go").write_text(body("// BREAK", name="B"))
    (root / "vet.go").write_text(body("// VET", name="C"))
    results, options = fixed_run([root])
    assert all(r.changed for r in results)
    out, report = verify.verify(results, options)
    f = by_marker(out)
    assert f["OK"].verified is True and f["OK"].verify_reason is None
    assert f["BREAK"].verified is False and "does not compile" in f["BREAK"].verify_reason
    assert "undefined: undefinedThing" in f["BREAK"].verify_reason
    assert f["VET"].verified is False and "go vet" in f["VET"].verify_reason
    assert "assign" in f["VET"].verify_reason and "self-assignment" in f["VET"].verify_reason
    assert "vet.go:5:2: " in f["VET"].verify_reason  # where, in the patched file
    changed = {Path(r.path).name: r for r in out if r.changed}
    assert set(changed) == {"ok.go"}
    assert b"_ = x\n\t_ = x" in changed["ok.go"].fixed
    assert (report.verified, report.dropped, report.unverified, report.units) == (1, 2, 0, 1)
    # the user's tree is untouched by verification
    assert (root / "bad.go").read_text() == body("// BREAK", name="B")
    assert sorted(p.name for p in root.iterdir()) == ["bad.go", "go.mod", "ok.go", "vet.go"]


def test_one_file_with_good_and_bad_fixes_keeps_the_good_one(tmp_path, go_bin, marker_rule):
    root = module(tmp_path / "m")
    (root / "mixed.go").write_text(body("// OK", "// BREAK", "// VET"))
    results, options = fixed_run([root])
    out, report = verify.verify(results, options)
    f = by_marker(out)
    assert (f["OK"].verified, f["BREAK"].verified, f["VET"].verified) == (True, False, False)
    (r,) = out
    assert r.fixed == body("_ = x", "// BREAK", "// VET").encode()
    assert [(g.message, g.verified) for g in r.applied] == [("marker // OK", True)]
    # and what is left compiles and vets as before
    (root / "mixed.go").write_bytes(r.fixed)
    assert go_ok(root, "vet", ".").returncode == 0


def test_preexisting_vet_findings_and_shifted_lines_do_not_drop_fixes(tmp_path, go_bin, marker_rule):
    root = module(tmp_path / "m")
    # a vet finding (assign) below the fix: the fix moves it down a line; it is not new
    src = body("// OK").replace("\t_ = x\n}", "\t_ = x\n\tx = x\n}")
    src = src.replace("// OK", "// OK\n\t// OK")
    (root / "a.go").write_text(src)
    results, options = fixed_run([root])
    out, _ = verify.verify(results, options)
    assert [f.verified for f in out[0].findings] == [True, True]


def test_cli_fix_drops_breaking_fix_and_reports_it(tmp_path, go_bin, marker_rule):
    from gofix.cli import app

    root = module(tmp_path / "m")
    (root / "a.go").write_text(body("// OK", "// BREAK"))
    r = CliRunner().invoke(app, ["fix", "--no-cache", "--format", "json", str(root)])
    assert r.exit_code == 1, r.output
    items = {i["message"]: i for i in json.loads(r.stdout)}
    assert items["marker // OK"]["verified"] is True
    bad = items["marker // BREAK"]
    assert bad["verified"] is False and "does not compile" in bad["verify_reason"]
    assert "fix dropped" in r.stderr and "undefinedThing" in r.stderr
    assert (root / "a.go").read_text() == body("_ = x", "// BREAK")
    assert go_ok(root, "build", ".").returncode == 0


def test_cli_no_verify_applies_everything(tmp_path, go_bin, marker_rule, monkeypatch):
    from gofix.cli import app

    def boom(*a, **k):
        raise AssertionError("verification must not run with --no-verify")

    monkeypatch.setattr(verify, "verify", boom)
    root = module(tmp_path / "m")
    (root / "a.go").write_text(body("// BREAK"))
    r = CliRunner().invoke(app, ["fix", "--no-cache", "--no-verify", str(root)])
    assert r.exit_code == 1, r.output
    assert "undefinedThing()" in (root / "a.go").read_text()


def test_cli_diff_verify_leaves_out_dropped_fix(tmp_path, go_bin, marker_rule):
    from gofix.cli import app

    root = module(tmp_path / "m")
    (root / "a.go").write_text(body("// BREAK"))
    plain = CliRunner().invoke(app, ["diff", "--no-cache", str(root)])
    assert plain.exit_code == 1 and "undefinedThing" in plain.stdout
    r = CliRunner().invoke(app, ["diff", "--no-cache", "--verify", str(root)])
    assert r.exit_code == 0 and r.stdout == ""
    assert "fix dropped" in r.stderr


def test_missing_dependency_is_unverified_never_verified(tmp_path, go_bin, marker_rule):
    root = module(tmp_path / "m", extra="\nrequire github.com/nothere/lib v1.2.3\n")
    (root / "a.go").write_text(
        'package p\n\nimport "github.com/nothere/lib"\n\nfunc F() {\n\tx := 1\n\t// OK\n\t_ = x\n\tlib.X()\n}\n')
    results, options = fixed_run([root])
    out, report = verify.verify(results, options)
    (f,) = out[0].findings
    assert f.verified is None
    assert "dependencies not available" in f.verify_reason and "not verified" in f.verify_reason
    assert out[0].changed  # kept (and said so), unless strict
    assert report.unverified == 1 and report.notes
    strict, _ = verify.verify(results, options, strict=True)
    assert not strict[0].changed and strict[0].findings[0].verified is None
    assert "left out" in strict[0].findings[0].verify_reason


def test_no_go_mod_and_no_toolchain_are_unverified(tmp_path, go_bin, marker_rule, monkeypatch):
    loose = tmp_path / "loose"
    loose.mkdir()
    (loose / "a.go").write_text(body("// OK"))
    results, options = fixed_run([loose])
    out, _ = verify.verify(results, options)
    assert out[0].findings[0].verified is None and "no go.mod" in out[0].findings[0].verify_reason
    root = module(tmp_path / "m")
    (root / "a.go").write_text(body("// OK"))
    results, options = fixed_run([root])
    monkeypatch.setattr(verify, "find_go", lambda: None)
    out, _ = verify.verify(results, options)
    assert out[0].findings[0].verified is None and "no Go toolchain" in out[0].findings[0].verify_reason


def test_package_that_does_not_compile_before_is_unverified(tmp_path, go_bin, marker_rule):
    root = module(tmp_path / "m")
    (root / "a.go").write_text(body("// OK"))
    (root / "broken.go").write_text("package p\n\nfunc G() int { return missing }\n")
    results, options = fixed_run([root])
    out, _ = verify.verify(results, options)
    f = next(f for r in out for f in r.findings)
    assert f.verified is None and "without the fixes" in f.verify_reason


def test_users_go_mod_is_never_rewritten(tmp_path, go_bin, marker_rule):
    # -mod=mod would add the missing `require` for the replaced module to go.mod
    lib = module(tmp_path / "lib", name="example.com/lib")
    (lib / "lib.go").write_text("package lib\n\nfunc X() {}\n")
    root = module(tmp_path / "app", name="example.com/app", extra="\nreplace example.com/lib => ../lib\n")
    before = (root / "go.mod").read_bytes()
    (root / "a.go").write_text(
        'package app\n\nimport "example.com/lib"\n\nfunc F() {\n\tx := 1\n\t// OK\n\t_ = x\n\tlib.X()\n}\n')
    results, options = fixed_run([root])
    out, _ = verify.verify(results, options)
    assert out[0].findings[0].verified is True
    assert (root / "go.mod").read_bytes() == before
    assert not (root / "go.sum").exists()


def test_build_constrained_files_are_checked_for_their_platform(tmp_path, go_bin, marker_rule):
    root = module(tmp_path / "m")
    (root / "a_windows.go").write_text(body("// BREAK", name="W"))
    (root / "b_plan9.go").write_text(body("// OK", name="P"))
    (root / "c.go").write_text("//go:build tagnobodysets\n\n" + body("// OK", name="I"))
    # generators run with `go run gen.go`: checked on their own, as the go command builds them
    (root / "gen.go").write_text("//go:build ignore\n\n" + body("// OK", name="main", pkg="main"))
    (root / "gen2.go").write_text("//go:build ignore\n\n" + body("// BREAK", name="main", pkg="main"))
    results, options = fixed_run([root])
    out, _ = verify.verify(results, options)
    f = {Path(r.path).name: r.findings[0] for r in out}
    assert f["a_windows.go"].verified is False and "undefinedThing" in f["a_windows.go"].verify_reason
    assert f["b_plan9.go"].verified is True
    assert f["c.go"].verified is True, f["c.go"].verify_reason  # checked with -tags tagnobodysets
    assert f["gen.go"].verified is True, f["gen.go"].verify_reason
    assert f["gen2.go"].verified is False and "undefinedThing" in f["gen2.go"].verify_reason


def test_host_platform_files_are_checked_with_the_rest_of_the_package(tmp_path, go_bin, marker_rule, monkeypatch):
    goos, goarch = verify._host_platform(go_bin)
    root = module(tmp_path / "m")
    (root / f"a_{goos}.go").write_text(body("// OK", name="A"))
    (root / f"b_{goarch}.go").write_text(body("// OK", name="B"))
    (root / "c.go").write_text(body("// OK", name="C"))
    results, options = fixed_run([root])
    units = []
    real = verify.Checker.check
    monkeypatch.setattr(verify.Checker, "check", lambda self, u, p: units.append(u) or real(self, u, p))
    out, _ = verify.verify(results, options)
    assert all(f.verified is True for r in out for f in r.findings)
    assert units == [verify.Unit(str(root.resolve()))]


def _count_go(monkeypatch) -> list[tuple[str, tuple[str, ...]]]:
    """Records every go command verification runs: (subcommand, its package arguments)."""
    calls = []
    real = verify.Checker._go

    def counting(self, unit, env, *args, **kw):
        calls.append((args[0], tuple(a for a in args[1:] if not a.startswith("-"))))
        return real(self, unit, env, *args, **kw)

    monkeypatch.setattr(verify.Checker, "_go", counting)
    return calls


def test_all_packages_of_a_module_are_checked_by_one_go_vet(tmp_path, go_bin, marker_rule, monkeypatch):
    root = module(tmp_path / "m")
    for pkg in ("a", "b", "c"):
        (root / pkg).mkdir()
        for n in range(3):
            (root / pkg / f"f{n}.go").write_text(body("// OK", "// OK", name=f"F{n}", pkg=pkg))
    results, options = fixed_run([root])
    calls = _count_go(monkeypatch)
    out, report = verify.verify(results, options, jobs=3)
    dirs = tuple(str((root / p).resolve()) for p in ("a", "b", "c"))
    # one go list and one go vet (patched) for the three; no baseline (nothing reported), no build
    assert calls == [("list", dirs), ("vet", dirs)], calls
    assert report.verified == 18 and report.units == 3


def test_the_baseline_runs_only_for_packages_with_vet_findings(tmp_path, go_bin, marker_rule, monkeypatch):
    root = module(tmp_path / "m")
    for pkg in ("a", "b", "c"):
        (root / pkg).mkdir()
    (root / "a" / "a.go").write_text(body("// OK", pkg="a"))
    # b has a vet finding (assign) before and after: not new, but only a baseline can tell
    (root / "b" / "b.go").write_text(body("// OK", pkg="b").replace("\t_ = x\n}", "\t_ = x\n\tx = x\n}"))
    (root / "c" / "c.go").write_text(body("// VET", pkg="c"))
    results, options = fixed_run([root])
    calls = _count_go(monkeypatch)
    out, report = verify.verify(results, options)
    f = {Path(r.path).name: r.findings[0] for r in out}
    assert (f["a.go"].verified, f["b.go"].verified, f["c.go"].verified) == (True, True, False)
    assert "self-assignment" in f["c.go"].verify_reason
    bc = tuple(str((root / p).resolve()) for p in ("b", "c"))
    assert calls[:3] == [("list", calls[0][1]), ("vet", calls[0][1]), ("vet", bc)], calls
    assert "build" not in {c for c, _ in calls}


def test_a_package_broken_by_its_fix_does_not_drop_the_fixes_of_its_importers(tmp_path, go_bin, marker_rule,
                                                                              monkeypatch):
    root = module(tmp_path / "m")
    (root / "lib").mkdir()
    (root / "app").mkdir()
    (root / "lib" / "lib.go").write_text(body("// BREAK", pkg="lib"))
    (root / "app" / "app.go").write_text('package app\n\nimport "example.com/p/lib"\n\nfunc F() {\n\tx := 1\n'
                                         '\t// OK\n\t_ = x\n\tlib.F()\n}\n')
    results, options = fixed_run([root])
    calls = _count_go(monkeypatch)
    out, report = verify.verify(results, options)
    app, lib = str((root / "app").resolve()), str((root / "lib").resolve())
    # together (app is blocked by lib's error), then app again without lib, then lib alone
    assert [c for c in calls if c[0] == "vet"][:2] == [("vet", (app, lib)), ("vet", (app,))], calls
    f = {Path(r.path).name: r.findings[0] for r in out}
    assert f["lib.go"].verified is False and "undefinedThing" in f["lib.go"].verify_reason
    assert f["app.go"].verified is True, f["app.go"].verify_reason
    assert (report.verified, report.dropped) == (1, 1)


@pytest.mark.parametrize("before,after", [
    # what go vet accepts and go build refuses (tried with go 1.26): a function without a
    # body, a //go:embed in a file that does not import "embed"
    ("func G() {}\n", "func G()\n"),
    ("var s string\n", "//go:embed nothere.txt\nvar s string\n"),
])
def test_what_only_the_compiler_checks_is_built(tmp_path, go_bin, monkeypatch, before, after):
    fix = Rule(id="test-marker", doc="test-marker: rewrites the tail\n", triggers=(b"package",),
               find=lambda ctx: [ctx.finding("test-marker", ctx.tree.root_node, "marker tail", Severity.ERROR,
                                             Fix("Rewrite", (Edit(len(ctx.src) - len(before), len(ctx.src),
                                                                  after.encode()),)))]
               if ctx.src.endswith(before.encode()) else [])
    monkeypatch.setattr(engine.Options, "rules", lambda self: [fix])
    root = module(tmp_path / "m")
    (root / "a.go").write_text("package p\n\n" + before)
    results, options = fixed_run([root])
    assert results[0].changed
    calls = _count_go(monkeypatch)
    out, _ = verify.verify(results, options)
    assert out[0].findings[0].verified is False, out[0].findings[0].verify_reason
    assert "does not compile" in out[0].findings[0].verify_reason
    assert "build" in {c for c, _ in calls}
    assert verify.needs_build({"x.go": ("package p\n\n" + after).encode()},
                              lambda p: ("package p\n\n" + before).encode())


def test_errors_of_one_go_command_are_attributed_to_packages():
    a, b = verify.Unit("/m/a"), verify.Unit("/m/b")
    text = "# example.com/m/a\na/x.go:3:12: undefined: y\n# [example.com/m/b]\nvet: /m/b/y_test.go:5:2: undefined: z\n"
    assert verify._error_owners(text, [a, b], "/m") == {a, b}
    assert verify._error_owners("a/x.go:1:1: e\n", [a, b], "/m") == {a}
    # a line naming no touched package's file: nobody can be blamed, check one by one
    assert verify._error_owners("a/x.go:1:1: e\nc/z.go:2:2: e\n", [a, b], "/m") == set()
    assert verify._error_owners("go: something went wrong\n", [a, b], "/m") == set()


def test_vet_json_parsing():
    text = ('# example.com/m\n{\n\t"example.com/m": {\n\t\t"lostcancel": [{"posn": "/x/a.go:6:7", '
            '"end": "/x/a.go:6:8", "message": "defined on line 12"}],\n\t\t"printf": {"error": "boom"}\n\t}\n}\n'
            '{\n\t"example.com/m [example.com/m.test]": {}\n}\n')
    d = verify._vet_diagnostics(text, {"/tmp/o/a.go": "/x/a.go"})
    assert d == {("example.com/m", "lostcancel", "a.go", "defined on line N"): 1}
    d2 = verify._vet_diagnostics(text.replace("/x/a.go", "/tmp/o/a.go"), {"/tmp/o/a.go": "/x/a.go"})
    assert d2 == d


@pytest.mark.parametrize("name,src,want", [
    ("a_windows.go", b"", ("windows", None)),
    ("a_linux_arm64_test.go", b"", ("linux", "arm64")),
    ("a_arm64.go", b"", (None, "arm64")),
    ("plain.go", b"//go:build !linux && (darwin || freebsd)\n", ("darwin", None)),
    ("plain.go", b"package p\n", (None, None)),
])
def test_platform_of(name, src, want):
    assert verify._platform_of(Path(name), src) == want


def test_users_build_tags_are_kept(tmp_path, go_bin, marker_rule, monkeypatch):
    root = module(tmp_path / "m")
    (root / "it.go").write_text("//go:build integration\n\n" + body("// BREAK"))
    results, options = fixed_run([root])
    out, _ = verify.verify(results, options)
    # checked under the tag its file asks for (it would be excluded without it)
    assert out[0].findings[0].verified is False and "undefinedThing" in out[0].findings[0].verify_reason
    monkeypatch.setenv("GOFLAGS", "-tags=integration -mod=readonly")
    out, _ = verify.verify(results, options)
    assert out[0].findings[0].verified is False and "undefinedThing" in out[0].findings[0].verify_reason


def test_good_fixes_deferred_to_a_later_pass_survive_narrowing(tmp_path, go_bin, monkeypatch):
    # Fixes scoped to the same function go in separate passes (the second one is found
    # again, lines moved, after the first); dropping a bad fix elsewhere must keep both.
    scoped = Rule(id="test-marker", doc="test-marker: scoped\n", find=lambda ctx: _find_markers(ctx, True),
                  triggers=(b"// ",))
    monkeypatch.setattr(engine.Options, "rules", lambda self: [scoped])
    root = module(tmp_path / "m")
    src = body("// OK2", "// OK", name="A") + body("// BREAK", name="B").replace("package p\n", "")
    (root / "a.go").write_text(src)
    results, options = fixed_run([root])
    assert len(results[0].applied) == 3  # over several passes
    out, _ = verify.verify(results, options)
    f = by_marker(out)
    assert (f["OK2"].verified, f["OK"].verified, f["BREAK"].verified) == (True, True, False), [(g.verify_reason) for g in f.values()]
    assert out[0].fixed == src.replace("// OK2", "_ = x\n\t_ = x").replace("// OK", "_ = x").encode()


def test_narrowing_keeps_crlf_and_bom(tmp_path, go_bin, marker_rule):
    root = module(tmp_path / "m")
    src = b"\xef\xbb\xbf" + body("// OK", "// BREAK").replace("\n", "\r\n").encode()
    (root / "a.go").write_bytes(src)
    results, options = fixed_run([root])
    out, _ = verify.verify(results, options)
    f = by_marker(out)
    assert (f["OK"].verified, f["BREAK"].verified) == (True, False)
    assert out[0].fixed == src.replace(b"// OK", b"_ = x")


def test_origin_maps_offsets_back_through_passes():
    e = Edit
    history = [[e(2, 2, b"abc"), e(5, 7, b"")], [e(0, 0, b"xy")]]
    # original "0123456789" -> "01abc234789" -> "xy01abc234789"
    assert verify._origin(2, history) == 0
    assert verify._origin(4, history) is None  # in the inserted "abc"
    assert verify._origin(7, history) == 2
    assert verify._origin(10, history) == 7
    assert verify._origin(0, history) is None


def test_cli_leaves_out_unverified_fixes_unless_asked(tmp_path, go_bin, marker_rule):
    from gofix.cli import app

    loose = tmp_path / "loose"  # no go.mod: cannot be verified
    loose.mkdir()
    (loose / "a.go").write_text(body("// OK"))
    for flags in ([], ["--strict-verify"]):  # the careful default; the old flag says the same
        r = CliRunner().invoke(app, ["fix", "--no-cache", *flags, str(loose)])
        assert r.exit_code == 1, r.output  # a finding is left unfixed
        assert "no go.mod" in r.stderr and "fix not applied" in r.stderr and "--apply-unverified" in r.stderr
        assert (loose / "a.go").read_text() == body("// OK")
    r = CliRunner().invoke(app, ["fix", "--no-cache", "--apply-unverified", str(loose)])
    assert r.exit_code == 1 and "(not verified: not in a Go module" in r.stdout, r.output
    assert (loose / "a.go").read_text() == body("_ = x")
    (loose / "a.go").write_text(body("// OK"))
    (loose / ".gofix.toml").write_text("apply-unverified = true\n")  # or in the config
    r = CliRunner().invoke(app, ["fix", "--no-cache", str(loose)])
    assert (loose / "a.go").read_text() == body("_ = x"), r.output


def test_a_go_command_that_times_out_proves_nothing(tmp_path, go_bin, marker_rule, monkeypatch):
    root = module(tmp_path / "m")
    (root / "a.go").write_text(body("// BREAK"))
    results, options = fixed_run([root])
    real = verify.Checker._go

    def slow_vet(self, unit, env, *args, **kw):
        if args[0] == "vet":
            return -1, "", "`go vet` of ./m timed out after 600s"
        return real(self, unit, env, *args, **kw)

    monkeypatch.setattr(verify.Checker, "_go", slow_vet)
    out, _ = verify.verify(results, options)
    f = out[0].findings[0]
    assert f.verified is None and "timed out" in f.verify_reason


def test_unsaved_buffers_are_the_unpatched_package(tmp_path, go_bin, marker_rule):
    """An editor verifies a fix for its buffer, not for what happens to be on disk."""
    from helpers import module as module_info

    root = module(tmp_path / "m")
    path = root / "a.go"
    path.write_text("package p\n\nfunc F() { notYetTyped }\n")  # the saved file does not compile
    (root / "b.go").write_text("package p\n\nfunc helper() int { return 1 }\n")
    buffer = body("// OK", "// BREAK").encode()
    options = engine.Options(jobs=1)
    result, errors = engine.fix_source(str(path), buffer, module_info(), options)
    assert result.changed and not errors
    out, _ = verify.verify([result], options)
    f = by_marker(out)
    assert (f["OK"].verified, f["BREAK"].verified) == (True, False), [g.verify_reason for g in f.values()]
    assert out[0].fixed == body("_ = x", "// BREAK").encode()
    assert path.read_text() == "package p\n\nfunc F() { notYetTyped }\n"


def test_test_only_packages_are_checked_by_vet(tmp_path, go_bin, marker_rule):
    root = module(tmp_path / "m")
    (root / "a_test.go").write_text(body("// OK", name="A"))
    (root / "b_test.go").write_text(body("// BREAK", name="B"))
    results, options = fixed_run([root])
    out, _ = verify.verify(results, options)
    f = by_marker(out)
    assert (f["OK"].verified, f["BREAK"].verified) == (True, False), [g.verify_reason for g in f.values()]
    assert "undefinedThing" in f["BREAK"].verify_reason


def test_vet_results_replayed_from_gos_cache_are_mapped_back(tmp_path, go_bin, marker_rule):
    # go caches vet results by content and replays them with the overlay paths of the run
    # that stored them: the second verification of the same patch sees the first's paths.
    root = module(tmp_path / "m")
    (root / "a.go").write_text(body("// OK").replace("\t_ = x\n}", "\t_ = x\n\tx = x\n}"))
    for _ in range(2):
        results, options = fixed_run([root])
        out, _ = verify.verify(results, options)
        assert out[0].findings[0].verified is True, out[0].findings[0].verify_reason


def test_vet_results_replayed_for_another_copy_of_the_tree_still_match():
    # For the standard library (built with GOROOT trimmed), go replays cached vet results
    # for the same content in another GOROOT copy with the first copy's paths: seen in
    # scripts/realworld.sh, where a moved pre-existing printf finding looked new.
    def vet(path: str, line: int) -> str:
        return ('{"command-line-arguments": {"printf": [{"posn": "%s:%d:21", "message": '
                '"non-constant format string in call to fmt.Fprintf"}]}}' % (path, line))

    before = verify._vet_diagnostics(vet("/tmp/copy1/go/src/cmd/internal/obj/mkcnames.go", 94), {})
    after = verify._vet_diagnostics(vet("/tmp/copy2/go/src/cmd/internal/obj/mkcnames.go", 95), {})
    assert before == after
