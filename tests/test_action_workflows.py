"""The GitHub Action and the example workflows: gofix is installed from the action's own
source, the check workflow uses it, the fleet recipe fans the bot out with a workflow
matrix. actionlint (installed through the Go module proxy: `go install
github.com/rhysd/actionlint/cmd/actionlint@v1.7.7`) checks the workflows when present."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

yaml = pytest.importorskip("yaml")

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted((ROOT / "examples" / "workflows").glob("*.yml"))


def _actionlint() -> str | None:
    found = shutil.which("actionlint")
    if found:
        return found
    gopath = os.environ.get("GOPATH") or str(Path.home() / "go")
    candidate = Path(gopath) / "bin" / "actionlint"
    return str(candidate) if candidate.is_file() else None


def test_workflows_pass_actionlint():
    tool = _actionlint()
    if tool is None:
        pytest.skip("actionlint is not installed (go install github.com/rhysd/actionlint/cmd/actionlint@v1.7.7)")
    r = subprocess.run([tool, "-no-color", *map(str, WORKFLOWS)], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr


def test_nothing_installs_gofix_by_name_from_a_package_index():
    for path in [ROOT / "action.yml", *WORKFLOWS]:
        text = path.read_text()
        assert "pip install gofix" not in text, path
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    install = next(s for s in action["runs"]["steps"] if s.get("name") == "Install gofix")
    assert install["env"]["GOFIX_ACTION_PATH"] == "${{ github.action_path }}"
    assert '"${GOFIX_PACKAGE:-$GOFIX_ACTION_PATH}"' in install["run"]


def _uses_gofix(step: dict) -> bool:
    return step.get("uses", "").split("@")[0].endswith("/gofix")


def test_check_workflow_runs_the_action():
    wf = yaml.safe_load((ROOT / "examples/workflows/gofix-check.yml").read_text())
    steps = wf["jobs"]["gofix"]["steps"]
    checks = [s for s in steps if _uses_gofix(s)]
    assert [s["with"]["command"] for s in checks] == ["check", "check"]
    pr, push = checks
    assert "--since origin/${{ github.base_ref }}" in pr["with"]["args"] and "--format github" in pr["with"]["args"]
    assert push["with"]["output"] == "gofix.sarif" and push["with"]["fail-on-findings"] == "false"
    upload = next(s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif"))
    assert upload["with"]["sarif_file"] == push["with"]["output"]


def test_fleet_recipe_is_a_matrix_over_repositories():
    wf = yaml.safe_load((ROOT / "examples/workflows/gofix-bot-fleet.yml").read_text())
    job = wf["jobs"]["gofix"]
    assert job["strategy"]["fail-fast"] is False and job["strategy"]["matrix"]["repository"]
    checkout = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/checkout"))
    assert checkout["with"]["repository"] == "${{ matrix.repository }}"
    assert checkout["with"]["token"] == "${{ secrets.GOFIX_BOT_TOKEN }}"
    bot = next(s for s in job["steps"] if _uses_gofix(s))
    assert bot["with"] == {"command": "bot", "token": "${{ secrets.GOFIX_BOT_TOKEN }}"}
    # the bot finds the repository from the clone's remote, which checkout points at the
    # matrix repository: nothing else needs to name it
    assert "${{ matrix.repository }}" in job["concurrency"]["group"]


def _run_step(tmp_path: Path, env: dict[str, str], exit_code: int = 0) -> subprocess.CompletedProcess:
    """The action's "Run gofix" script with a stand-in gofix that prints its arguments and
    GOFIX_DOC_URL, then exits with exit_code."""
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    step = next(s for s in action["runs"]["steps"] if s.get("name") == "Run gofix")
    stub = tmp_path / "bin" / "gofix"
    stub.parent.mkdir(parents=True, exist_ok=True)
    stub.write_text('#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a"; done\n'
                    f'printf "doc=%s\\n" "$GOFIX_DOC_URL"\nexit {exit_code}\n')
    stub.chmod(0o755)
    full = {"PATH": f"{stub.parent}:{os.environ['PATH']}", "GOFIX_COMMAND": "check", "GOFIX_BRANCH": "b",
            "GOFIX_BASE": "", "GOFIX_SELECT": "", "GOFIX_ARGS": "", "GOFIX_OUTPUT": "",
            "GOFIX_FAIL_ON_FINDINGS": "true", **env}
    return subprocess.run(["bash", "-c", step["run"]], env=full, capture_output=True, text=True, cwd=tmp_path)


def test_action_output_file_and_fail_on_findings(tmp_path):
    r = _run_step(tmp_path, {"GOFIX_OUTPUT": "gofix.sarif", "GOFIX_ARGS": "--format sarif ./..."})
    assert r.returncode == 0 and r.stdout == ""
    assert (tmp_path / "gofix.sarif").read_text().splitlines()[:4] == ["check", "--no-progress", "--format", "sarif"]
    assert _run_step(tmp_path, {}, exit_code=1).returncode == 1
    assert _run_step(tmp_path, {"GOFIX_FAIL_ON_FINDINGS": "false"}, exit_code=1).returncode == 0
    assert _run_step(tmp_path, {"GOFIX_FAIL_ON_FINDINGS": "false"}, exit_code=2).returncode == 2
    # the bot's exit status is never softened
    assert _run_step(tmp_path, {"GOFIX_COMMAND": "bot", "GOFIX_FAIL_ON_FINDINGS": "false"}, exit_code=1).returncode == 1


def test_action_links_findings_to_its_own_source(tmp_path):
    r = _run_step(tmp_path, {"GOFIX_ACTION_REPOSITORY": "acme/gofix", "GOFIX_ACTION_REF": "v1.2.0",
                             "GITHUB_SERVER_URL": "https://github.com"})
    assert "doc=https://github.com/acme/gofix/blob/v1.2.0/codemods/{module}.py" in r.stdout
    r = _run_step(tmp_path, {"GOFIX_ACTION_REPOSITORY": "", "GOFIX_ACTION_REF": ""})
    assert "doc=\n" in r.stdout
