"""Suppressions as golangci-lint and staticcheck users write them (gofix.analysis.suppression),
--report-unused-ignores and check --add-ignore. Through the real CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from gofix.analysis.suppression import parse_directives

HEAD = 'package p\n\nimport (\n\t"context"\n\t"time"\n)\n'
BODY = "\tctx, _ := context.WithTimeout(parent, time.Second){c}\n\treturn ctx.Err()\n"


def fn(name: str, comment: str = "", above: str = "", func_line: str = "") -> str:
    return (f"\n{above}func {name}(parent context.Context) error {{{func_line}\n"
            + BODY.format(c=comment) + "}\n")


def gofix(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "gofix", *args, "--no-cache"], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def findings(cwd: Path, *args: str) -> list[dict]:
    r = gofix(cwd, "check", "--format", "json", *args, ".")
    assert r.returncode in (0, 1), r.stderr
    return json.loads(r.stdout)


@pytest.fixture
def mod(tmp_path: Path) -> Path:
    (tmp_path / "go.mod").write_text("module example.com/p\n\ngo 1.22\n")
    return tmp_path


@pytest.mark.parametrize("comment", [
    " //gofix:ignore lost-cancel // the caller cancels parent",
    " //gofix:ignore lost-cancel: the caller cancels parent",
    " //gofix:ignore lost-cancel",
    " //gofix:ignore // every rule, with a reason",
    " //nolint:all",
    " //nolint:lostcancel // nolintlint's reason style",
    " //nolint:govet,errcheck // reason",
])
def test_trailing_directives_with_reasons(mod, comment):
    (mod / "a.go").write_text(HEAD + fn("A", comment=comment))
    assert findings(mod) == []


def test_without_directive_the_finding_is_there(mod):
    (mod / "a.go").write_text(HEAD + fn("A", comment=" // just a comment"))
    assert [f["rule"] for f in findings(mod)] == ["lost-cancel"]


def test_a_directive_on_a_declaration_covers_the_whole_declaration(mod):
    (mod / "a.go").write_text(HEAD + fn("A", above="//nolint:lostcancel // legacy code\n")
                              + fn("B", func_line=" //gofix:ignore lost-cancel")
                              + fn("C"))
    got = findings(mod)
    assert [(f["rule"], f["line"]) for f in got] == [("lost-cancel", 20)]  # only C's


def test_file_level_directives(mod):
    (mod / "a.go").write_text("//gofix:file-ignore lost-cancel // generated-like legacy file\n"
                              + HEAD + fn("A") + fn("B"))
    assert findings(mod) == []
    (mod / "a.go").write_text(HEAD + fn("A") + "\n//lint:file-ignore lostcancel staticcheck style, with a reason\n")
    assert findings(mod) == []
    (mod / "a.go").write_text("//gofix:file-ignore unclosed-body\n" + HEAD + fn("A"))
    assert [f["rule"] for f in findings(mod)] == ["lost-cancel"]  # another rule: not ignored


def test_unknown_rule_ids_are_reported(mod):
    (mod / "a.go").write_text(HEAD + fn("A", comment=" //gofix:ignore lost-cancle"))
    got = findings(mod)
    assert sorted(f["rule"] for f in got) == ["invalid-ignore", "lost-cancel"]
    bad = next(f for f in got if f["rule"] == "invalid-ignore")
    assert "'lost-cancle'" in bad["message"] and bad["severity"] == "warning"
    # the other linters' names are theirs to check
    (mod / "a.go").write_text(HEAD + fn("A", comment=" //nolint:nosuchlinter"))
    assert [f["rule"] for f in findings(mod)] == ["lost-cancel"]


def test_report_unused_ignores(mod):
    src = (HEAD + fn("A", comment=" //gofix:ignore lost-cancel // used")
           + "\n//gofix:ignore lost-cancel // stale: the leak was fixed\nfunc B() {}\n")
    (mod / "a.go").write_text(src)
    assert findings(mod) == []  # off by default
    got = findings(mod, "--report-unused-ignores")
    assert [(f["rule"], f["line"]) for f in got] == [("unused-ignore", 13)]
    # a directive for a rule that did not run is not called unused
    assert findings(mod, "--report-unused-ignores", "--select", "unclosed-body") == []
    # its fix removes the stale directive, and only that one
    r = gofix(mod, "fix", "--report-unused-ignores", "--no-verify", "--allow-dirty", ".")
    assert r.returncode == 1, r.stderr
    text = (mod / "a.go").read_text()
    assert "stale" not in text and "// used" in text and "\nfunc B() {}\n" in text


def test_add_ignore_then_check_is_clean(mod):
    (mod / "a.go").write_text(HEAD + fn("A") + fn("B", comment=" // a comment already")
                              + "\nvar s = `multi\nline` //x\n")
    r = gofix(mod, "check", "--add-ignore", ".")
    assert r.returncode == 1 and "added 2 //gofix:ignore directive(s) in 1 file(s)" in r.stderr
    text = (mod / "a.go").read_text()
    assert ("ctx, _ := context.WithTimeout(parent, time.Second) //gofix:ignore lost-cancel // TODO: "
            in text)
    # a line that already has a comment gets the directive on the line above
    assert "\t//gofix:ignore lost-cancel // TODO: fix this leak, then remove this directive\n" \
           "\tctx, _ := context.WithTimeout(parent, time.Second) // a comment already\n" in text
    r = gofix(mod, "check", ".")
    assert r.returncode == 0, r.stdout
    # and the directives are all used
    assert findings(mod, "--report-unused-ignores") == []


def test_parse_directives():
    assert parse_directives("//gofix:ignore a,b // why") == [("gofix", frozenset({"a", "b"}))]
    assert parse_directives("//gofix:ignore a, b: why") == [("gofix", frozenset({"a", "b"}))]
    assert parse_directives("//gofix:ignore") == [("gofix", None)]
    assert parse_directives("//gofix:file-ignore a") == [("gofix-file", frozenset({"a"}))]
    assert parse_directives("//nolint:all // x") == [("nolint", None)]
    assert parse_directives("//nolint:bodyclose") == [("nolint", frozenset({"bodyclose"}))]
    assert parse_directives("//lint:ignore SA1015 reason") == [("lint", frozenset({"SA1015"}))]
    assert parse_directives("//lint:file-ignore SA1015 reason") == [("lint-file", frozenset({"SA1015"}))]
    assert parse_directives("// gofix ignores nothing here") == []


def test_directive_findings_have_sarif_rules(mod):
    (mod / "a.go").write_text(HEAD + fn("A", comment=" //gofix:ignore lost-cancle"))
    r = gofix(mod, "check", "--format", "sarif", ".")
    run = json.loads(r.stdout)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    bad = next(x for x in run["results"] if x["ruleId"] == "invalid-ignore")
    assert rules[bad["ruleIndex"]]["id"] == "invalid-ignore"
