"""`gofix bot` against real git (a bare repository on disk as the remote) and a small
GitHub API stand-in served from this process on 127.0.0.1.

The server records every request, so the tests assert the exact calls the bot makes, what
it sends, that a second run opens no second pull request, that the token never shows,
and that every failure leaves the user's clone exactly as it was.
"""

from __future__ import annotations

import json
import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import git
import httpx
import pytest
from typer.testing import CliRunner

from gofix.bot import TRAILER, repo_from_url
from gofix.cli import app
from gofix.github import GitHub, GitHubError, Scrubber

TOKEN = "ghs_TESTtoken0123456789abcdefSECRET"
SLUG = "acme/svc"
BRANCH = "gofix/leak-fixes"

GO_MOD = "module example.com/svc\n\ngo 1.22\n"

LOST_CANCEL = """package svc

import (
	"context"
	"time"
)

// Load waits for a result, but at most a second.
func Load(parent context.Context, get func(context.Context) error) error {
	ctx, _ := context.WithTimeout(parent, time.Second)
	return get(ctx)
}
"""

UNCLOSED_BODY = """package svc

import "net/http"

// Status fetches url and returns the status code.
func Status(url string) (int, error) {
	resp, err := http.Get(url)
	if err != nil {
		return 0, err
	}
	return resp.StatusCode, nil
}
"""

CLEAN = """package svc

// Add adds.
func Add(a, b int) int { return a + b }
"""

MORE_LEAK = """package svc

import "context"

// Child derives a context and forgets to cancel it.
func Child(parent context.Context, use func(context.Context)) {
	ctx, _ := context.WithCancel(parent)
	use(ctx)
}
"""


# --- the GitHub API stand-in -------------------------------------------------------------------


@dataclass
class Call:
    method: str
    path: str
    query: dict
    headers: dict
    body: dict | None


@dataclass
class ApiState:
    token: str = TOKEN
    calls: list[Call] = field(default_factory=list)
    pulls: list[dict] = field(default_factory=list)
    # (method, path) -> list of canned (status, headers, json) answers, used up in order
    canned: dict[tuple[str, str], list[tuple[int, dict, object]]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def plain(self) -> list[tuple[str, str]]:
        return [(c.method, c.path) for c in self.calls]


class Handler(BaseHTTPRequestHandler):
    state: ApiState  # set per server

    def log_message(self, *args) -> None:  # keep test output quiet
        pass

    def _send(self, status: int, payload: object, headers: dict | None = None) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def _handle(self) -> None:
        st = self.server.state  # type: ignore[attr-defined]
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        body = json.loads(raw) if raw else None
        with st.lock:
            st.calls.append(Call(self.command, url.path, parse_qs(url.query), dict(self.headers), body))
            canned = st.canned.get((self.command, url.path))
            if canned:
                status, headers, payload = canned.pop(0)
                return self._send(status, payload, headers)
            if self.headers.get("Authorization") != f"Bearer {st.token}":
                return self._send(401, {"message": "Bad credentials"})
            base = f"/repos/{SLUG}"
            if self.command == "GET" and url.path == base:
                return self._send(200, {"full_name": SLUG, "default_branch": "main"})
            if url.path == f"{base}/pulls" and self.command == "GET":
                q = parse_qs(url.query)
                owner, _, branch = q["head"][0].partition(":")
                found = [p for p in st.pulls if p["state"] == "open" and p["head"]["ref"] == branch
                         and owner == SLUG.split("/")[0]]
                return self._send(200, found)
            if url.path == f"{base}/pulls" and self.command == "POST":
                if any(p["state"] == "open" and p["head"]["ref"] == body["head"] for p in st.pulls):
                    return self._send(422, {"message": "Validation Failed",
                                            "errors": [{"message": "A pull request already exists"}]})
                n = len(st.pulls) + 1
                pr = {"number": n, "html_url": f"http://example.invalid/{SLUG}/pull/{n}", "state": "open",
                      "title": body["title"], "body": body["body"],
                      "head": {"ref": body["head"]}, "base": {"ref": body["base"]}}
                st.pulls.append(pr)
                return self._send(201, pr)
            if url.path.startswith(f"{base}/pulls/") and self.command == "PATCH":
                n = int(url.path.rsplit("/", 1)[1])
                pr = st.pulls[n - 1]
                for k in ("title", "body"):
                    if k in body:
                        pr[k] = body[k]
                if "base" in body:
                    pr["base"] = {"ref": body["base"]}
                return self._send(200, pr)
            return self._send(404, {"message": "Not Found"})

    do_GET = do_POST = do_PATCH = _handle


@pytest.fixture
def api():
    state = ApiState()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.state = state  # type: ignore[attr-defined]
    t = threading.Thread(target=server.serve_forever, daemon=True)
    t.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}"  # type: ignore[attr-defined]
    yield state
    server.shutdown()
    server.server_close()


# --- real git ----------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def isolated_git(monkeypatch, tmp_path):
    """No user or system git config may leak in (signing, hooks paths, default branch)."""
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "no-global-gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for name in ("GITHUB_TOKEN", "GITHUB_REPOSITORY", "GITHUB_API_URL", "BOT_TOKEN"):
        monkeypatch.delenv(name, raising=False)


def _identify(repo: git.Repo, name: str = "Dev", email: str = "dev@example.com") -> None:
    with repo.config_writer() as cw:
        cw.set_value("user", "name", name)
        cw.set_value("user", "email", email)


def _commit_files(repo: git.Repo, files: dict[str, str], message: str) -> str:
    root = Path(repo.working_tree_dir)
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    repo.git.add("--", *files)
    repo.git.commit("-q", "-m", message)
    return repo.head.commit.hexsha


@dataclass
class World:
    remote: Path
    clone: git.Repo
    tmp: Path

    @property
    def path(self) -> Path:
        return Path(self.clone.working_tree_dir)

    def remote_repo(self) -> git.Repo:
        return git.Repo(self.remote)

    def remote_sha(self, ref: str) -> str | None:
        try:
            return self.remote_repo().git.rev_parse("--verify", "--quiet", f"refs/heads/{ref}").strip() or None
        except git.GitCommandError:
            return None

    def push_to_main(self, files: dict[str, str], message: str) -> str:
        """Someone else moves the base: a second clone commits and pushes to main."""
        other = git.Repo.clone_from(str(self.remote), str(self.tmp / f"other-{len(list(self.tmp.iterdir()))}"))
        _identify(other, "Other", "other@example.com")
        sha = _commit_files(other, files, message)
        other.git.push("-q", "origin", "main")
        return sha


def make_world(tmp_path: Path, files: dict[str, str]) -> World:
    remote = tmp_path / "remote.git"
    git.Repo.init(remote, bare=True, initial_branch="main")
    seed = git.Repo.clone_from(str(remote), str(tmp_path / "seed"))
    _identify(seed)
    _commit_files(seed, {"go.mod": GO_MOD, **files}, "initial import")
    seed.git.push("-q", "origin", "HEAD:refs/heads/main")
    clone = git.Repo.clone_from(str(remote), str(tmp_path / "clone"))
    _identify(clone)
    return World(remote, clone, tmp_path)


@pytest.fixture
def leaky(tmp_path) -> World:
    return make_world(tmp_path, {"load.go": LOST_CANCEL, "status.go": UNCLOSED_BODY, "add.go": CLEAN})


def snapshot(repo: git.Repo) -> dict:
    """What "the repository as it was" means: checkout, local branches, work tree, worktrees."""
    return {
        "head": repo.git.rev_parse("--symbolic-full-name", "HEAD"),
        "head_sha": repo.head.commit.hexsha,
        "branches": repo.git.for_each_ref("--format=%(refname) %(objectname)", "refs/heads"),
        "status": repo.git.status("--porcelain", "--untracked-files=all", "--ignored"),
        "worktrees": repo.git.worktree("list", "--porcelain"),
        "stash": repo.git.stash("list"),
    }


runner = CliRunner()


def bot(world: World, api: ApiState | None, *args: str, token: str | None = TOKEN, env: dict | None = None,
        verify: bool = False):
    e = {"GITHUB_REPOSITORY": SLUG}
    if api is not None:
        e["GITHUB_API_URL"] = api.url  # type: ignore[attr-defined]
    if token is not None:
        e["GITHUB_TOKEN"] = token
    e.update(env or {})
    # --no-verify by default: most of these tests are about git and the API
    flags = [] if verify else ["--no-verify"]
    return runner.invoke(app, ["bot", str(world.path), *flags, *args], env=e)


def bot_commits(world: World) -> list[git.Commit]:
    r = world.remote_repo()
    commits = list(r.iter_commits(f"main..{BRANCH}"))
    commits.reverse()
    return commits


def assert_no_token(result) -> None:
    assert TOKEN not in result.output
    assert TOKEN not in (result.stderr or "")


SELECT = ("--select", "lost-cancel,unclosed-body")


# --- the happy path and idempotency -------------------------------------------------------------


def test_opens_exactly_one_pr_with_one_commit_per_rule(leaky, api):
    before = snapshot(leaky.clone)
    r = bot(leaky, api, *SELECT)
    assert r.exit_code == 0, r.output
    assert_no_token(r)
    assert api.plain() == [
        ("GET", f"/repos/{SLUG}"),
        ("GET", f"/repos/{SLUG}/pulls"),
        ("POST", f"/repos/{SLUG}/pulls"),
    ]
    assert api.calls[1].query == {"head": ["acme:" + BRANCH], "state": ["open"]}
    for c in api.calls:
        assert c.headers["Authorization"] == f"Bearer {TOKEN}"
        assert c.headers["Accept"] == "application/vnd.github+json"
    post = api.calls[2].body
    assert post["head"] == BRANCH and post["base"] == "main"
    assert post["title"] == "gofix: fix 2 leaks (lost-cancel, unclosed-body)"
    body = post["body"]
    assert "| `lost-cancel` | 1 | 1 |" in body and "| `unclosed-body` | 1 | 1 |" in body
    assert "**Why it leaks.**" in body and "**What the fix does.**" in body
    assert "gofix diff --select lost-cancel,unclosed-body ." in body
    assert "### Verification" in body and "Not verified (--no-verify)." in body
    assert "### Findings reported but not fixed" in body
    assert "`load.go:10`: Add defer cancel()" in body

    # one commit per rule, in catalog order, straight on main, each saying what and why
    commits = bot_commits(leaky)
    assert [c.summary.split(":")[0] for c in commits] == ["gofix(lost-cancel)", "gofix(unclosed-body)"]
    assert commits[0].parents[0].hexsha == leaky.remote_repo().commit("main").hexsha
    assert [sorted(c.stats.files) for c in commits] == [["load.go"], ["status.go"]]
    for c in commits:
        assert c.message.rstrip().endswith(TRAILER)
        assert "Why: " in c.message and "The fix: " in c.message
    fixed = leaky.remote_repo().git.show(f"{BRANCH}:load.go")
    assert "ctx, cancel := context.WithTimeout(parent, time.Second)\n\tdefer cancel()\n" in fixed

    # the user's clone: same checkout, no stray changes, no leftover worktree; a local
    # branch with the bot's commits is the only addition
    after = snapshot(leaky.clone)
    assert after["head"] == before["head"] == "refs/heads/main"
    assert after["status"] == "" and after["worktrees"] == before["worktrees"]
    assert leaky.clone.git.rev_parse(BRANCH) == leaky.remote_sha(BRANCH)
    assert "pull request #1" in r.output
    assert len(api.pulls) == 1


def test_second_run_changes_nothing_and_opens_no_pr(leaky, api):
    assert bot(leaky, api, *SELECT).exit_code == 0
    sha = leaky.remote_sha(BRANCH)
    api.calls.clear()
    r = bot(leaky, api, *SELECT)
    assert r.exit_code == 0, r.output
    assert api.plain() == [("GET", f"/repos/{SLUG}"), ("GET", f"/repos/{SLUG}/pulls")]
    assert leaky.remote_sha(BRANCH) == sha
    assert len(api.pulls) == 1
    assert "up to date" in r.output


def test_base_moved_rebuilds_branch_and_updates_the_same_pr(leaky, api):
    assert bot(leaky, api, *SELECT).exit_code == 0
    old = leaky.remote_sha(BRANCH)
    new_main = leaky.push_to_main({"child.go": MORE_LEAK}, "add Child")
    api.calls.clear()
    r = bot(leaky, api, *SELECT)
    assert r.exit_code == 0, r.output
    assert api.plain() == [("GET", f"/repos/{SLUG}"), ("GET", f"/repos/{SLUG}/pulls"),
                           ("PATCH", f"/repos/{SLUG}/pulls/1")]
    assert set(api.calls[2].body) == {"title", "body"}
    assert api.calls[2].body["title"] == "gofix: fix 3 leaks (lost-cancel, unclosed-body)"
    assert leaky.remote_sha(BRANCH) != old
    commits = bot_commits(leaky)
    assert commits[0].parents[0].hexsha == new_main
    assert len(commits) == 2 and sorted(commits[0].stats.files) == ["child.go", "load.go"]
    assert len(api.pulls) == 1


def test_catalog_rules_each_get_their_commit_without_select(leaky, api):
    """Without --select every rule runs; each rule that changed something gets one commit."""
    r = bot(leaky, api)
    assert r.exit_code == 0, r.output
    subjects = [c.summary.split(":")[0] for c in bot_commits(leaky)]
    assert len(subjects) == len(set(subjects))
    assert subjects[0] == "gofix(lost-cancel)"
    from codemods import RULES

    order = [f"gofix({rule.id})" for rule in RULES]
    assert subjects == sorted(subjects, key=order.index)


def test_nothing_to_fix_makes_no_branch_and_no_pr(tmp_path, api):
    world = make_world(tmp_path, {"add.go": CLEAN})
    before = snapshot(world.clone)
    r = bot(world, api)
    assert r.exit_code == 0, r.output
    assert "nothing to fix" in r.output
    assert api.plain() == [("GET", f"/repos/{SLUG}")]
    assert world.remote_sha(BRANCH) is None
    assert snapshot(world.clone) == before


def test_dry_run_pushes_nothing_and_prints_the_pr(leaky, api):
    before_remote = leaky.remote_repo().git.for_each_ref()
    r = bot(leaky, api, *SELECT, "--dry-run", token=None)
    assert r.exit_code == 0, r.output
    assert api.calls == []
    assert "gofix: fix 2 leaks (lost-cancel, unclosed-body)" in r.stdout
    assert "| Rule | Files | Fixes |" in r.stdout
    assert leaky.remote_repo().git.for_each_ref() == before_remote
    local = list(leaky.clone.iter_commits(f"main..{BRANCH}"))
    assert len(local) == 2
    assert leaky.clone.active_branch.name == "main"


def test_hint_fixes_are_left_out_unless_selected(tmp_path, api):
    """On go >= 1.23 timer findings are hints: not in the PR unless the rule is selected."""
    src = """package svc

import "time"

// Wait polls until done is closed.
func Wait(done <-chan struct{}, poll func()) {
	for {
		select {
		case <-done:
			return
		case <-time.After(time.Second):
			poll()
		}
	}
}
"""
    world = make_world(tmp_path, {"wait.go": src, "load.go": LOST_CANCEL})
    (world.path / "go.mod").write_text(GO_MOD.replace("1.22", "1.23"))
    world.clone.git.commit("-qam", "go 1.23")
    world.clone.git.push("-q", "origin", "main")
    r = bot(world, api)
    assert r.exit_code == 0, r.output
    files = {f for c in bot_commits(world) for f in c.stats.files}
    assert "wait.go" not in files and "load.go" in files


def test_verification_result_is_in_the_pr(leaky, api, go_bin):
    r = bot(leaky, api, *SELECT, verify=True)
    assert r.exit_code == 0, r.output
    body = api.calls[-1].body["body"]
    assert "| Package | Verified | Dropped | Not verifiable | Notes |" in body
    assert "| `.` | 2 | 0 | 0 |  |" in body


def test_a_fix_verification_drops_stays_out_of_the_commits(leaky, api, monkeypatch):
    """When gofix.verify drops a rule's fix, that rule gets no commit, and the PR says why."""
    import dataclasses

    import gofix.verify as verify_mod

    def fake_verify(results, options, **kw):
        out = []
        for r in results:
            if r.changed and "unclosed-body" in options.options_for(Path(r.path)).fixes.rules:
                r = dataclasses.replace(r, fixed=None, applied=[], findings=[
                    dataclasses.replace(f, verified=False, verify_reason="go vet: new diagnostic")
                    for f in r.findings])
            else:
                r = dataclasses.replace(r, findings=[dataclasses.replace(f, verified=True) for f in r.findings])
            out.append(r)
        return out, verify_mod.VerifyReport()

    monkeypatch.setattr(verify_mod, "verify", fake_verify)
    r = bot(leaky, api, *SELECT, verify=True)
    assert r.exit_code == 0, r.output
    assert [c.summary.split(":")[0] for c in bot_commits(leaky)] == ["gofix(lost-cancel)"]
    body = api.calls[-1].body["body"]
    assert "| `.` | 1 | 1 | 0 | go vet: new diagnostic |" in body
    assert "`unclosed-body`" in body  # among the findings reported but not fixed


def test_works_in_a_shallow_clone_as_actions_checkout_makes(leaky, api):
    """actions/checkout clones with --depth 1 and a detached or branch HEAD."""
    shallow = git.Repo.clone_from(f"file://{leaky.remote}", str(leaky.tmp / "shallow"), depth=1)
    _identify(shallow)
    world = World(leaky.remote, shallow, leaky.tmp)
    assert bot(world, api, *SELECT).exit_code == 0
    leaky.push_to_main({"child.go": MORE_LEAK}, "add Child")
    r = bot(world, api, *SELECT)
    assert r.exit_code == 0, r.output
    assert len(api.pulls) == 1
    assert bot_commits(world)[0].parents[0].hexsha == world.remote_repo().commit("main").hexsha


# --- refusals: the bot never pushes where it must not -------------------------------------------


def test_dirty_work_tree_is_refused(leaky, api):
    (leaky.path / "add.go").write_text(CLEAN + "// wip\n")
    before = snapshot(leaky.clone)
    r = bot(leaky, api)
    assert r.exit_code == 2
    assert "uncommitted changes" in r.output
    assert api.calls == []
    assert snapshot(leaky.clone) == before


def test_never_pushes_to_the_base(leaky, api):
    r = bot(leaky, api, "--branch", "main")
    assert r.exit_code == 2
    assert "never pushes to it" in r.output
    assert not any(c.method in ("POST", "PATCH") for c in api.calls)


def test_never_overwrites_a_branch_it_did_not_create(leaky, api):
    other = git.Repo.clone_from(str(leaky.remote), str(leaky.tmp / "human"))
    _identify(other, "Human", "human@example.com")
    other.git.checkout("-q", "-b", BRANCH)
    _commit_files(other, {"notes.txt": "mine\n"}, "my own work")
    other.git.push("-q", "origin", BRANCH)
    theirs = leaky.remote_sha(BRANCH)
    before = snapshot(leaky.clone)
    r = bot(leaky, api, *SELECT)
    assert r.exit_code == 2
    assert "not made by gofix bot" in r.output
    assert leaky.remote_sha(BRANCH) == theirs
    assert not any(c.method in ("POST", "PATCH") for c in api.calls)
    assert snapshot(leaky.clone) == before


# --- failures leave the clone as it was --------------------------------------------------------


def test_authentication_failure(leaky, api):
    api.token = "the-real-one"  # the server no longer accepts TOKEN
    before = snapshot(leaky.clone)
    r = bot(leaky, api, *SELECT)
    assert r.exit_code == 2
    assert "authentication failed" in r.output
    assert_no_token(r)
    assert leaky.remote_sha(BRANCH) is None
    assert snapshot(leaky.clone) == before


def test_token_echoed_by_the_server_is_scrubbed(leaky, api):
    api.canned[("GET", f"/repos/{SLUG}")] = [(401, {}, {"message": f"token {TOKEN} is revoked"})]
    r = bot(leaky, api, *SELECT)
    assert r.exit_code == 2
    assert_no_token(r)
    assert "***" in r.output


def test_token_env_names_the_variable(leaky, api):
    r = bot(leaky, api, *SELECT, "--token-env", "BOT_TOKEN", token=None, env={"BOT_TOKEN": TOKEN})
    assert r.exit_code == 0, r.output
    assert api.calls[0].headers["Authorization"] == f"Bearer {TOKEN}"
    assert_no_token(r)


def test_missing_token_is_a_clear_error(leaky, api):
    r = bot(leaky, api, token=None)
    assert r.exit_code == 2
    assert "no token" in r.output and "GITHUB_TOKEN" in r.output
    assert api.calls == []


def test_rate_limit_is_retried_after_the_advertised_time(leaky, api):
    api.canned[("POST", f"/repos/{SLUG}/pulls")] = [
        (403, {"x-ratelimit-remaining": "0", "retry-after": "0"}, {"message": "API rate limit exceeded"}),
        (429, {"retry-after": "0"}, {"message": "secondary rate limit"}),
    ]
    r = bot(leaky, api, *SELECT)
    assert r.exit_code == 0, r.output
    assert [c.method for c in api.calls].count("POST") == 3
    assert len(api.pulls) == 1


def test_rate_limit_beyond_the_bound_fails_and_removes_the_new_branch(leaky, api):
    api.canned[("POST", f"/repos/{SLUG}/pulls")] = [
        (403, {"x-ratelimit-remaining": "0", "retry-after": "3600"}, {"message": "API rate limit exceeded"}),
    ]
    before = snapshot(leaky.clone)
    r = bot(leaky, api, *SELECT, "--max-wait", "5")
    assert r.exit_code == 2
    assert "rate limit" in r.output
    assert [c.method for c in api.calls].count("POST") == 1  # no pointless retry
    assert leaky.remote_sha(BRANCH) is None  # the branch it had just pushed is gone again
    assert snapshot(leaky.clone) == before
    assert_no_token(r)


def test_api_error_after_push_keeps_remote_clean(leaky, api):
    api.canned[("POST", f"/repos/{SLUG}/pulls")] = [(422, {}, {"message": "Validation Failed",
                                                              "errors": [{"message": "base is invalid"}]})]
    before = snapshot(leaky.clone)
    r = bot(leaky, api, *SELECT)
    assert r.exit_code == 2
    assert "422" in r.output and "base is invalid" in r.output
    assert leaky.remote_sha(BRANCH) is None
    assert snapshot(leaky.clone) == before


def _closed_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def test_network_down(leaky):
    before = snapshot(leaky.clone)
    r = bot(leaky, None, *SELECT, "--api-url", f"http://127.0.0.1:{_closed_port()}")
    assert r.exit_code == 2
    assert "cannot reach the GitHub API" in r.output
    assert_no_token(r)
    assert leaky.remote_sha(BRANCH) is None
    assert snapshot(leaky.clone) == before


def test_push_rejected(leaky, api):
    hook = leaky.remote / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'policy: no bots here' >&2\nexit 1\n")
    hook.chmod(0o755)
    before = snapshot(leaky.clone)
    r = bot(leaky, api, *SELECT)
    assert r.exit_code == 2
    assert "push" in r.output and "rejected" in r.output
    assert not any(c.method == "POST" for c in api.calls)
    assert leaky.remote_sha(BRANCH) is None
    assert snapshot(leaky.clone) == before


def test_branch_moved_since_it_was_read_is_not_overwritten(leaky, api, monkeypatch):
    """force-with-lease: if the bot's branch changes between the read and the push, the
    push is rejected instead of overwriting it."""
    assert bot(leaky, api, *SELECT).exit_code == 0
    leaky.push_to_main({"child.go": MORE_LEAK}, "add Child")  # so the next run must push
    import gofix.bot as botmod

    real_build = botmod._build

    def racing_build(*a, **kw):
        out = real_build(*a, **kw)
        other = git.Repo.clone_from(str(leaky.remote), str(leaky.tmp / "racer"))
        _identify(other, "Racer", "racer@example.com")
        other.git.checkout("-q", BRANCH)
        _commit_files(other, {"race.txt": "x\n"}, f"racing commit\n\n{TRAILER}")
        other.git.push("-q", "origin", BRANCH)
        return out

    monkeypatch.setattr(botmod, "_build", racing_build)
    racer_sha = None
    r = bot(leaky, api, *SELECT)
    racer_sha = leaky.remote_sha(BRANCH)
    assert r.exit_code == 2, r.output
    assert "rejected" in r.output
    assert git.Repo(leaky.tmp / "racer").head.commit.hexsha == racer_sha


def test_not_a_git_repository(tmp_path, api):
    (tmp_path / "x.go").write_text(CLEAN)
    r = runner.invoke(app, ["bot", str(tmp_path), "--dry-run"])
    assert r.exit_code == 2
    assert "not inside a git repository" in r.output


# --- pieces ------------------------------------------------------------------------------------


@pytest.mark.parametrize("url,slug", [
    ("https://github.com/acme/svc.git", "acme/svc"),
    ("https://github.com/acme/svc", "acme/svc"),
    ("git@github.com:acme/svc.git", "acme/svc"),
    ("ssh://git@ghe.example.com/acme/svc.git", "acme/svc"),
    ("https://x-access-token:abc@github.com/acme/svc.git", "acme/svc"),
    ("/srv/git/svc.git", None),
])
def test_repo_from_url(url, slug):
    assert repo_from_url(url) == slug


def test_repository_from_origin_url_when_not_given(leaky, api):
    leaky.clone.git.remote("set-url", "--push", "origin", str(leaky.remote))
    leaky.clone.git.config("remote.origin.url", "https://github.com/acme/svc.git")
    # the fetch URL is now unreachable: the run must fail cleanly, but only after it used
    # the slug from the URL for the API
    r = runner.invoke(app, ["bot", str(leaky.path), "--no-verify"],
                      env={"GITHUB_TOKEN": TOKEN, "GITHUB_API_URL": api.url,  # type: ignore[attr-defined]
                           "GIT_TERMINAL_PROMPT": "0", "GIT_ALLOW_PROTOCOL": "file"})
    assert api.plain()[0] == ("GET", "/repos/acme/svc")
    assert r.exit_code == 2 and "cannot fetch 'main' from 'origin'" in r.output
    assert_no_token(r)


def test_scrubber_hides_every_form_of_the_token():
    import base64

    s = Scrubber.for_token(TOKEN)
    basic = base64.b64encode(f"x-access-token:{TOKEN}".encode()).decode()
    assert s(f"a {TOKEN} b {basic}") == "a *** b ***"
    assert s("to 'https://bot:other-secret@github.com/acme/svc.git'") == "to 'https://***@github.com/acme/svc.git'"
    assert Scrubber.for_token(None)("x") == "x"


def test_client_waits_until_reset_within_bound():
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        if len(calls) == 1:
            return httpx.Response(403, headers={"x-ratelimit-remaining": "0", "x-ratelimit-reset": "1010"},
                                  json={"message": "API rate limit exceeded"})
        return httpx.Response(200, json={"default_branch": "main"})

    slept = []
    gh = GitHub("https://api.example.invalid", TOKEN, SLUG, sleep=slept.append, now=lambda: 1000.0,
                transport=httpx.MockTransport(handler))
    assert gh.get_repo()["default_branch"] == "main"
    assert slept == [11.0]  # until the reset, plus a second of slack

    calls.clear()
    slept.clear()
    gh = GitHub("https://api.example.invalid", TOKEN, SLUG, sleep=slept.append, now=lambda: 1000.0,
                max_wait=5, transport=httpx.MockTransport(handler))
    with pytest.raises(GitHubError) as e:
        gh.get_repo()
    assert e.value.kind == "rate-limit" and slept == []


def test_client_retries_server_errors_a_bounded_number_of_times():
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(502, text="bad gateway")

    gh = GitHub("https://api.example.invalid", TOKEN, SLUG, sleep=lambda s: None, max_retries=2,
                transport=httpx.MockTransport(handler))
    with pytest.raises(GitHubError) as e:
        gh.get_repo()
    assert len(calls) == 3 and "502" in str(e.value)


# --- the Action, the example workflows, the pre-commit hooks ------------------------------------

ROOT = Path(__file__).resolve().parent.parent


def _action_script(env: dict[str, str], tmp_path: Path) -> list[str]:
    """Run action.yml's gofix step with a stand-in `gofix` that prints its arguments."""
    import os
    import subprocess

    yaml = pytest.importorskip("yaml")
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    step = next(s for s in action["runs"]["steps"] if s.get("name") == "Run gofix")
    stub = tmp_path / "bin" / "gofix"
    stub.parent.mkdir(parents=True, exist_ok=True)
    stub.write_text('#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a"; done\n')
    stub.chmod(0o755)
    full = {"PATH": f"{stub.parent}:{os.environ['PATH']}", "GOFIX_COMMAND": "bot", "GOFIX_BRANCH": BRANCH,
            "GOFIX_BASE": "", "GOFIX_SELECT": "", "GOFIX_ARGS": "", **env}
    out = subprocess.run(["bash", "-c", step["run"]], env=full, capture_output=True, text=True, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    return out.stdout.splitlines()


def test_action_passes_inputs_as_arguments(tmp_path):
    assert _action_script({}, tmp_path) == ["bot", "--branch", BRANCH]
    (tmp_path / "x.go").write_text("")  # a glob in args must not expand to it
    args = _action_script({"GOFIX_SELECT": "lost-cancel", "GOFIX_BASE": "develop",
                           "GOFIX_ARGS": "--unsafe-fixes --exclude *.go"}, tmp_path)
    assert args == ["bot", "--select", "lost-cancel", "--branch", BRANCH, "--base", "develop",
                    "--unsafe-fixes", "--exclude", "*.go"]


def test_action_inputs_never_spliced_into_the_script():
    text = (ROOT / "action.yml").read_text()
    yaml = pytest.importorskip("yaml")
    action = yaml.safe_load(text)
    for step in action["runs"]["steps"]:
        assert "${{" not in step.get("run", ""), step.get("name")
    assert action["runs"]["using"] == "composite"


def test_example_workflows_and_hooks_use_real_commands():
    yaml = pytest.importorskip("yaml")
    wf = yaml.safe_load((ROOT / "examples/workflows/gofix-bot.yml").read_text())
    assert wf["permissions"] == {"contents": "write", "pull-requests": "write"}
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert {h["id"] for h in hooks} == {"gofix", "gofix-fix"}
    for h in hooks:
        argv = h["entry"].split()
        assert argv[0] == "gofix"
        r = runner.invoke(app, [*argv[1:], "--help"])
        assert r.exit_code == 0, r.output
        for flag in argv[2:]:
            assert flag in r.output
