"""`gofix bot`: fix the leaks on the base branch and open (or update) a pull request.

The bot is a face over the engine and the apply pipeline, like the CLI: it drives git
(GitPython) and the GitHub REST API (gofix.github) around `engine.run` and `gofix.apply`.

How one run goes:
1. Preflight: the clone's work tree is clean, the remote exists, the token works
   (`GET /repos/{repo}`; skipped with --dry-run).
2. The base (default: the remote's default branch) is fetched; the fixes are made in a
   temporary detached worktree at the base tip, so the user's checkout is never touched.
3. One parallel, cached engine pass over the tree finds every finding; then, rule by rule
   in catalog order, only the files with that rule's fixes are fixed (the rule's fixes
   selected as data) and go through the apply pipeline (gofix.apply: verify -> write), one
   commit per rule that changed something (safe fixes only unless --unsafe-fixes; timer
   hints only if selected explicitly; fixes that could not be verified only with
   `apply-unverified = true` in the config). Each commit message says what changed and
   why, and ends with the trailer `Generated-by: gofix-bot`. The worktree has the same
   path on every run, so the result cache serves the files that did not change.
4. Nothing to fix: no branch, no pull request, exit 0.
5. The remote branch (default `gofix/leak-fixes`) is created, or replaced with
   --force-with-lease when it exists and every commit on it since the base was made by
   the bot; when the same series of commits is already there, nothing is pushed. Then the
   open pull request for the branch is updated, or one is created.

Any failure removes the temporary worktree, leaves the user's branches as they were, and
prints one clear line (the token scrubbed from it). Exit 0 on success or nothing to do,
2 on failure.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Callable, Optional

import typer

from gofix.github import DEFAULT_API_URL, GitHub, GitHubError, PullRequest, Scrubber
from gofix.model import Finding, Severity

TRAILER = "Generated-by: gofix-bot"
DEFAULT_BRANCH = "gofix/leak-fixes"
DEFAULT_AUTHOR = ("gofix-bot", "gofix-bot@users.noreply.github.com")
MAX_BODY = 60000  # GitHub caps a pull request body at 65536 characters
MAX_UNFIXED_ROWS = 50
EXIT_OK, EXIT_FAIL = 0, 2


class BotError(Exception):
    """A failure with a message fit for the user."""


@dataclass
class BotConfig:
    path: Path = Path(".")
    branch: str = DEFAULT_BRANCH
    base: str | None = None
    remote: str = "origin"
    repo: str | None = None  # owner/name
    api_url: str = DEFAULT_API_URL
    token: str | None = None
    token_env: str = "GITHUB_TOKEN"
    dry_run: bool = False
    select: str | None = None
    ignore: str | None = None
    unsafe_fixes: bool = False
    exclude: list[str] | None = None
    option: list[str] | None = None
    config: Path | None = None
    verify: bool = True
    cache_dir: str | None = None  # the result cache (the command: the CLI's default; None: none)
    author: tuple[str, str] | None = None
    max_wait: float = 120.0


@dataclass
class RuleCommit:
    rule: Any  # gofix.rules.Rule
    sha: str
    files: list[str]
    fixes: list[tuple[str, Finding]]  # (repo-relative path, applied finding)
    dropped: list[tuple[str, Finding]] = field(default_factory=list)  # fixes verification dropped


@dataclass
class Outcome:
    commits: list[RuleCommit]
    unfixed: list[tuple[str, Finding]]
    hints: int
    verification: str
    base: str
    base_sha: str
    head_sha: str | None


# --- git helpers ------------------------------------------------------------------------------


def _git_error(e: Exception, scrub: Scrubber) -> str:
    from git.exc import GitCommandError

    if isinstance(e, GitCommandError):
        text = (e.stderr or "").strip() or str(e)
        text = re.sub(r"^\s*stderr:\s*", "", text)
        text = text.strip().strip("'").strip()
        lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
        # push --porcelain reports each refused ref on stdout as "!<TAB>src:dst<TAB>[rejected] (why)"
        out = re.sub(r"^\s*stdout:\s*", "", (e.stdout or "").strip()).strip("'")
        lines += [" ".join(ln.split("\t")[2:]).strip() or ln.strip() for ln in out.splitlines()
                  if ln.startswith("!")]
        return scrub("; ".join(lines[-4:]) if lines else f"git exited {e.status}")
    return scrub(str(e))


def _net_env(remote_url: str, token: str | None) -> dict[str, str]:
    """Environment for git commands that reach the remote: never prompt; with a token and an
    https remote, authenticate through an http.extraheader given in the environment (so the
    token is in no command line and no error message)."""
    import base64

    env = {"GIT_TERMINAL_PROMPT": "0"}
    if token and remote_url.startswith("https://"):
        basic = base64.b64encode(f"x-access-token:{token}".encode()).decode()
        env.update({"GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": "http.extraheader",
                    "GIT_CONFIG_VALUE_0": f"AUTHORIZATION: basic {basic}"})
    return env


_REMOTE_SLUG = re.compile(r"^(?:[a-z+]+://)?(?:[^@/]+@)?[^/:]+[:/](?P<slug>[^/]+/[^/]+?)(?:\.git)?/?$")


def repo_from_url(url: str) -> str | None:
    """owner/name from a remote URL (https, ssh, scp-like); None for local paths."""
    if url.startswith(("/", ".", "file://")) or os.path.isdir(url):
        return None
    m = _REMOTE_SLUG.match(url.strip())
    return m.group("slug") if m else None


def _is_bot_commit(commit: Any) -> bool:
    return any(line.strip() == TRAILER for line in commit.message.splitlines())


def _bot_owns(repo: Any, base_sha: str, tip: str) -> bool:
    """True if tip is a bot commit and so is every commit between the base and tip."""
    tip_commit = repo.commit(tip)
    if not _is_bot_commit(tip_commit):
        return False
    return all(_is_bot_commit(c) for c in repo.iter_commits(f"{base_sha}..{tip}"))


def _series(repo: Any, base_sha: str, tip: str) -> list[tuple[str, str]] | None:
    """The (tree, message) of each commit from base to tip, oldest first, if tip sits
    directly on base_sha (its first bot commit's parent is the base tip); else None."""
    commits = list(repo.iter_commits(f"{base_sha}..{tip}", first_parent=True))
    if not commits:
        return None
    commits.reverse()
    if [p.hexsha for p in commits[0].parents] != [base_sha]:
        return None
    return [(c.tree.hexsha, c.message) for c in commits]


def _default_branch(repo: Any, remote: str, env: dict[str, str], scrub: Scrubber) -> str | None:
    from git.exc import GitCommandError

    try:
        ref = repo.git.symbolic_ref(f"refs/remotes/{remote}/HEAD").strip()
        prefix = f"refs/remotes/{remote}/"
        if ref.startswith(prefix):
            return ref[len(prefix):]
    except GitCommandError:
        pass
    try:
        out = repo.git.ls_remote("--symref", remote, "HEAD", env=env)
    except GitCommandError as e:
        raise BotError(f"cannot read the remote {remote!r}: {_git_error(e, scrub)}") from None
    m = re.search(r"^ref: refs/heads/(\S+)\s+HEAD$", out, re.M)
    return m.group(1) if m else None


def _remote_branch_sha(repo: Any, remote: str, branch: str, env: dict[str, str], scrub: Scrubber) -> str | None:
    from git.exc import GitCommandError

    try:
        out = repo.git.ls_remote(remote, f"refs/heads/{branch}", env=env)
    except GitCommandError as e:
        raise BotError(f"cannot read the remote {remote!r}: {_git_error(e, scrub)}") from None
    for line in out.splitlines():
        sha, _, ref = line.partition("\t")
        if ref == f"refs/heads/{branch}":
            return sha
    return None


# --- the fixes --------------------------------------------------------------------------------


@dataclass
class PackageCheck:
    """Verification tally of one package (directory) over every rule's fixes."""

    verified: int = 0
    dropped: int = 0
    unverified: int = 0
    reasons: list[str] = field(default_factory=list)


def _relative(root: Path, shown: str) -> str:
    p = Path(shown).resolve()
    try:
        return p.relative_to(root).as_posix()
    except ValueError:
        return Path(shown).as_posix()


def _commit_message(rule: Any, fixes: list[tuple[str, Finding]], files: list[str]) -> str:
    titles = Counter(f.fix.title for _, f in fixes if f.fix is not None)
    what = titles.most_common(1)[0][0] if len(titles) == 1 else f"fix {rule.summary}"
    subject = f"gofix({rule.id}): {what[:1].lower() + what[1:]}"
    lines = [subject, "",
             f"Applies {len(fixes)} fix(es) for {rule.id} ({rule.summary}) in {len(files)} file(s):", ""]
    for path, f in fixes:
        lines.append(f"- {path}:{f.start.line}: {f.fix.title if f.fix else ''}")
    why = rule.section("Why is this bad?")
    if why:
        lines += ["", "Why: " + why]
    safety = rule.section("Fix safety")
    if safety:
        lines += ["", "The fix: " + safety]
    lines += ["", f"Details: gofix rules {rule.id}", "", TRAILER]
    return "\n".join(lines) + "\n"


def project_for(cfg: BotConfig, root: Path | None = None):
    """The bot's inputs as a gofix.project.Project (config resolved per file, result cache on).
    With root (the worktree), config files are the repository's own: none above root, and
    one that resolves outside the repository (a link out of the clone, a --config elsewhere)
    is refused before it is read, so that none of its content can reach a log or a PR."""
    from gofix.project import Project, Settings

    def split(v: str | None) -> tuple[str, ...] | None:
        items = tuple(x.strip() for x in (v or "").split(",") if x.strip())
        return items or None

    return Project(Settings(
        select=split(cfg.select),
        ignore=split(cfg.ignore),
        unsafe_fixes=True if cfg.unsafe_fixes else None,
        exclude=tuple(cfg.exclude or ()),
        rule_options=Settings.parse_rule_options(cfg.option),
        config=cfg.config,
        config_roots=(root, Path(cfg.path)) if root is not None else (),
        cache_dir=cfg.cache_dir,
    ))


def make_fixes(wt: Any, root: Path, cfg: BotConfig, author: tuple[str, str],
               warn: Callable[[str], None]) -> tuple[list[RuleCommit], list[tuple[str, Finding]], int, str]:
    """In the worktree at root: one commit per rule with changes.

    One parallel, cached engine pass over the tree finds every finding; then, rule by rule
    in catalog order, only the files holding that rule's fixable findings are fixed (the
    rule's fixes selected as data: parallel and cached too) and go through the apply
    pipeline (verify -> write -> report) before their commit.
    """
    from gofix import engine
    from gofix.apply import Policy, apply
    from gofix.config import ConfigError
    from gofix.project import SettingsError

    paths = [root]
    try:
        project = project_for(cfg, root)
        results, errors = engine.run(paths, project, fix=False)
    except (SettingsError, ConfigError) as e:
        raise BotError(str(e)) from None
    for e in errors:
        warn(e)
    files_of: dict[str, list[Path]] = {}
    for r in results:
        options = project.options_for(Path(r.path))
        for f in r.findings:
            if engine.fix_applies(f, options):
                files = files_of.setdefault(f.rule, [])
                if not files or files[-1] != Path(r.path):
                    files.append(Path(r.path))
    order = [rule for rule in _catalog() if rule.id in files_of]
    packages: dict[str, PackageCheck] = {}
    notes: list[str] = []
    env = {"GIT_AUTHOR_NAME": author[0], "GIT_AUTHOR_EMAIL": author[1],
           "GIT_COMMITTER_NAME": author[0], "GIT_COMMITTER_EMAIL": author[1]}
    commits: list[RuleCommit] = []
    policy = Policy(verify=cfg.verify, allow_dirty=True, roots=[root], display_root=root,
                    apply_unverified=project.apply_unverified(root))
    for rule in order:
        selected = project.selecting({rule.id})
        results, errors = engine.run(files_of[rule.id], selected, fix=True)
        for e in errors:
            warn(e)
        done = apply(results, selected, policy)
        notes += [n for n in done.messages if n.startswith("gofix: not verified: ") and n not in notes]
        for m in done.messages:
            if ": error: " in m:  # refused writes (a fixed file that is not valid Go, ...)
                warn(m)
        dropped: list[tuple[str, Finding]] = []
        if cfg.verify:
            for r in done.results:
                rel = _relative(root, r.path)
                options = selected.options_for(Path(r.path))
                for f in r.findings:
                    if f.fix is None or not engine.fix_applies(f, options):
                        continue
                    pkg = packages.setdefault(Path(rel).parent.as_posix(), PackageCheck())
                    if f.verified is True:
                        pkg.verified += 1
                    elif f.verified is False:
                        pkg.dropped += 1
                        dropped.append((rel, f))
                    else:
                        pkg.unverified += 1
                    if f.verified is not True and f.verify_reason and f.verify_reason not in pkg.reasons:
                        pkg.reasons.append(f.verify_reason)
        if done.write_errors:
            shown, why = done.write_errors[0]
            raise BotError(f"{_relative(root, shown)}: {why}")
        changed = [r for r in done.results if r.changed]
        if not changed:
            continue
        files = [_relative(root, r.path) for r in changed]
        fixes = [(_relative(root, r.path), f) for r in changed for f in r.applied]
        wt.git.add("--", *files)
        _commit(wt, _commit_message(rule, fixes, files), env)
        commits.append(RuleCommit(rule, wt.head.commit.hexsha, files, fixes, dropped))
    # What is left once every fix is in: reported, not fixed (unchanged files come from the cache).
    results, _ = engine.run(paths, project, fix=False)
    unfixed, hints = [], 0
    for r in results:
        for f in r.findings:
            if f.severity == Severity.HINT:
                hints += 1
            else:
                unfixed.append((_relative(root, r.path), f))
    verification = _verification_text(cfg, True, packages, [n.removeprefix("gofix: not verified: ") for n in notes])
    return commits, unfixed, hints, verification


def _catalog() -> list[Any]:
    from codemods import RULES

    return list(RULES)


def _commit(wt: Any, message: str, env: dict[str, str]) -> None:
    fd, msg_path = tempfile.mkstemp(prefix="gofix-bot-msg-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(message)
        wt.git.commit("--no-verify", "--quiet", "--cleanup=verbatim", "-F", msg_path, env=env)
    finally:
        os.unlink(msg_path)


def _verification_text(cfg: BotConfig, available: bool, packages: dict[str, PackageCheck],
                       notes: list[str]) -> str:
    if not cfg.verify:
        return "Not verified (--no-verify)."
    if not available:
        return "Not verified: this gofix has no verification (gofix.verify)."
    if not packages:
        return "Nothing to verify."
    lines = ["Each package with a fix was built (`go build`) and vetted (`go vet`) with the fixes "
             "applied, offline; fixes that broke either were left out.", "",
             "| Package | Verified | Dropped | Not verifiable | Notes |", "| --- | --- | --- | --- | --- |"]
    for name in sorted(packages):
        p = packages[name]
        lines.append(f"| `{name}` | {p.verified} | {p.dropped} | {p.unverified} | {_md('; '.join(p.reasons))} |")
    for n in notes:
        lines.append(f"\n{_md(n)}")
    return "\n".join(lines)


# --- the pull request -------------------------------------------------------------------------


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def pr_title(commits: list[RuleCommit]) -> str:
    n = sum(len(c.fixes) for c in commits)
    rules = ", ".join(c.rule.id for c in commits)
    return f"gofix: fix {n} leak{'s' if n != 1 else ''} ({rules})"


def pr_body(o: Outcome, branch: str) -> str:
    out = ["This pull request was opened by `gofix bot`. Each commit fixes one rule, so it can be "
           "reviewed (and reverted) on its own.", "",
           "| Rule | Files | Fixes |", "| --- | --- | --- |"]
    for c in o.commits:
        out.append(f"| `{c.rule.id}` | {len(c.files)} | {len(c.fixes)} |")
    for c in o.commits:
        out += ["", f"### `{c.rule.id}`: {c.rule.summary}", ""]
        why = c.rule.section("Why is this bad?")
        if why:
            out += ["**Why it leaks.** " + why, ""]
        safety = c.rule.section("Fix safety")
        if safety:
            out += ["**What the fix does.** " + safety, ""]
        for path, f in c.fixes:
            out.append(f"- `{path}:{f.start.line}`: {f.fix.title if f.fix else ''}")
        for path, f in c.dropped:
            out.append(f"- not applied, `{path}:{f.start.line}`: {f.verify_reason or 'failed verification'}")
    out += ["", "### Verification", "", o.verification]
    out += ["", "### Findings reported but not fixed", ""]
    if o.unfixed:
        out += ["These need a human: gofix found them but has no fix it can prove safe.", "",
                "| Location | Rule | Message |", "| --- | --- | --- |"]
        for path, f in o.unfixed[:MAX_UNFIXED_ROWS]:
            out.append(f"| `{path}:{f.start.line}` | `{f.rule}` | {_md(f.message)} |")
        if len(o.unfixed) > MAX_UNFIXED_ROWS:
            out.append(f"| ... | | {len(o.unfixed) - MAX_UNFIXED_ROWS} more: run `gofix check` |")
    else:
        out.append("None.")
    if o.hints:
        out += ["", f"{o.hints} hint(s) (not leaks on this module's Go version) were left alone."]
    rules = ",".join(c.rule.id for c in o.commits)
    out += ["", "### Reproduce locally", "", "```sh",
            f"git checkout {o.base_sha[:12]}",
            f"gofix diff --select {rules} .", "```", "",
            f"Base: `{o.base}` at `{o.base_sha[:12]}`. Branch `{branch}` is rebuilt by the bot on "
            "every run; push your own changes to another branch."]
    body = "\n".join(out) + "\n"
    if len(body) > MAX_BODY:
        body = body[:MAX_BODY] + "\n\n(truncated: run `gofix check` for the full list)\n"
    return body


# --- one run ----------------------------------------------------------------------------------


def run_bot(cfg: BotConfig, say: Callable[[str], None], warn: Callable[[str], None]) -> int:
    import git
    from git.exc import GitCommandError, InvalidGitRepositoryError, NoSuchPathError

    scrub = Scrubber.for_token(cfg.token)
    try:
        repo = git.Repo(cfg.path, search_parent_directories=True)
    except (InvalidGitRepositoryError, NoSuchPathError):
        raise BotError(f"{cfg.path}: not inside a git repository") from None
    if repo.bare or repo.working_tree_dir is None:
        raise BotError(f"{cfg.path}: a bare repository; run the bot in a clone")
    status = repo.git.status("--porcelain", "--untracked-files=normal")
    if status.strip():
        first = status.splitlines()[0].strip()
        raise BotError(f"the work tree has uncommitted changes ({first}, ...); commit or stash them first")
    try:
        repo.git.check_ref_format("--branch", cfg.branch)
    except GitCommandError:
        raise BotError(f"--branch {cfg.branch!r}: not a valid branch name") from None
    if cfg.remote not in [r.name for r in repo.remotes]:
        raise BotError(f"no remote named {cfg.remote!r} in this clone")
    remote_url = repo.remote(cfg.remote).url
    slug = cfg.repo or repo_from_url(remote_url)
    if not cfg.dry_run:
        if not cfg.token:
            raise BotError(f"no token: set ${cfg.token_env} (or pass --token-env NAME), or use --dry-run")
        if not slug or not re.fullmatch(r"[\w.-]+/[\w.-]+", slug):
            raise BotError("cannot tell the GitHub repository: set GITHUB_REPOSITORY or pass --repo OWNER/NAME")
    env = _net_env(remote_url, cfg.token)
    gh: GitHub | None = None
    try:
        repo_info: dict[str, Any] = {}
        if not cfg.dry_run:
            gh = GitHub(cfg.api_url, cfg.token or "", slug or "", max_wait=cfg.max_wait)
            repo_info = gh.get_repo()
        base = cfg.base or repo_info.get("default_branch") or _default_branch(repo, cfg.remote, env, scrub)
        if not base:
            raise BotError(f"cannot tell the base branch of {cfg.remote!r}; pass --base BRANCH")
        if cfg.branch == base or cfg.branch == repo_info.get("default_branch"):
            raise BotError(f"--branch {cfg.branch!r} is the base branch; the bot never pushes to it")
        try:
            repo.git.fetch("--quiet", "--no-tags", cfg.remote,
                           f"+refs/heads/{base}:refs/remotes/{cfg.remote}/{base}", env=env)
        except GitCommandError as e:
            raise BotError(f"cannot fetch {base!r} from {cfg.remote!r}: {_git_error(e, scrub)}") from None
        base_sha = repo.commit(f"refs/remotes/{cfg.remote}/{base}").hexsha
        remote_sha = _remote_branch_sha(repo, cfg.remote, cfg.branch, env, scrub)
        if remote_sha is not None:
            try:
                repo.git.fetch("--quiet", "--no-tags", cfg.remote,
                               f"+refs/heads/{cfg.branch}:refs/remotes/{cfg.remote}/{cfg.branch}", env=env)
            except GitCommandError as e:
                raise BotError(f"cannot fetch {cfg.branch!r}: {_git_error(e, scrub)}") from None
            if not _bot_owns(repo, base_sha, remote_sha):
                raise BotError(f"the branch {cfg.branch!r} on {cfg.remote!r} has commits not made by gofix bot; "
                               "refusing to overwrite it (pass another --branch)")
        author = cfg.author or _identity(repo)
        outcome = _build(repo, cfg, base, base_sha, author, warn)
        if not outcome.commits:
            say(f"gofix bot: nothing to fix on {base} ({len(outcome.unfixed)} finding(s) without a safe fix); "
                "no branch, no pull request")
            if remote_sha is not None:
                say(f"gofix bot: the branch {cfg.branch!r} from an earlier run is left as it is")
            return EXIT_OK
        title, body = pr_title(outcome.commits), pr_body(outcome, cfg.branch)
        new_sha = outcome.head_sha or ""
        if cfg.dry_run:
            _set_local_branch(repo, cfg.branch, new_sha, warn)
            say(f"gofix bot: dry run: {len(outcome.commits)} commit(s) on local branch {cfg.branch} "
                f"(base {base} at {base_sha[:12]}); nothing pushed. The pull request would be:")
            say("")
            say(title)
            say("")
            say(body)
            return EXIT_OK
        assert gh is not None and slug is not None
        existing = gh.find_open_pull(slug.split("/")[0], cfg.branch)
        up_to_date = remote_sha is not None and _series(repo, base_sha, remote_sha) == _series(repo, base_sha, new_sha)
        pushed_new = False
        if up_to_date:
            say(f"gofix bot: {cfg.branch} on {cfg.remote} is up to date with {base}; nothing pushed")
            new_sha = remote_sha or new_sha
        else:
            _push(repo, cfg.remote, cfg.branch, new_sha, remote_sha, env, scrub)
            pushed_new = remote_sha is None
            say(f"gofix bot: pushed {len(outcome.commits)} commit(s) to {cfg.branch} on {cfg.remote}")
        try:
            pr = _open_or_update(gh, existing, title, body, cfg.branch, base, say)
        except GitHubError:
            if pushed_new:  # leave the remote as it was: no branch without its pull request
                _delete_remote_branch(repo, cfg.remote, cfg.branch, new_sha, env, warn, scrub)
            raise
        _set_local_branch(repo, cfg.branch, new_sha, warn)
        say(f"gofix bot: pull request #{pr.number}: {pr.url}")
        return EXIT_OK
    except GitHubError as e:
        raise BotError(scrub(str(e))) from None
    finally:
        if gh is not None:
            gh.close()


def _identity(repo: Any) -> tuple[str, str]:
    reader = repo.config_reader()
    try:
        name = reader.get_value("user", "name", default="")
        email = reader.get_value("user", "email", default="")
    except Exception:
        name = email = ""
    return (str(name), str(email)) if name and email else DEFAULT_AUTHOR


def _build(repo: Any, cfg: BotConfig, base: str, base_sha: str, author: tuple[str, str],
           warn: Callable[[str], None]) -> Outcome:
    """Fix in a temporary detached worktree at base_sha; the worktree is always removed."""
    import git
    from git.exc import GitCommandError

    tmp, lock = _work_dir(repo)
    wt_dir = tmp / "wt"
    added = False
    try:
        if wt_dir.exists():  # left by a run that was killed
            try:
                repo.git.worktree("remove", "--force", str(wt_dir))
            except GitCommandError:
                pass
            shutil.rmtree(wt_dir, ignore_errors=True)
            repo.git.worktree("prune")
        try:
            repo.git.worktree("add", "--detach", "--quiet", str(wt_dir), base_sha)
            added = True
        except GitCommandError as e:
            raise BotError(f"cannot create a worktree for {base}: {_git_error(e, Scrubber())}") from None
        wt = git.Repo(wt_dir)
        commits, unfixed, hints, verification = make_fixes(wt, wt_dir.resolve(), cfg, author, warn)
        head = wt.head.commit.hexsha if commits else None
        return Outcome(commits, unfixed, hints, verification, base, base_sha, head)
    finally:
        if added:
            try:
                repo.git.worktree("remove", "--force", str(wt_dir))
            except GitCommandError:
                pass
        shutil.rmtree(tmp, ignore_errors=True)
        if lock is not None:
            lock.close()
        try:
            repo.git.worktree("prune")
        except GitCommandError:
            pass


def _work_dir(repo: Any) -> tuple[Path, Any]:
    """The directory the bot's worktree goes in, and the lock held on it. The same path on
    every run for the same clone, so that the result cache (keyed on the paths results
    show) serves the files that did not change; a second bot run at the same time gets a
    fresh directory of its own."""
    import fcntl
    import hashlib

    common = os.path.realpath(repo.common_dir if hasattr(repo, "common_dir") else repo.git_dir)
    base = Path(tempfile.gettempdir()).resolve() / f"gofix-bot-{hashlib.sha256(common.encode()).hexdigest()[:12]}"
    try:
        base.mkdir(mode=0o700, exist_ok=True)
        lock = open(base.parent / f"{base.name}.lock", "w")
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return base, lock
        except OSError:
            lock.close()
    except OSError:
        pass
    return Path(tempfile.mkdtemp(prefix="gofix-bot-")).resolve(), None


def _push(repo: Any, remote: str, branch: str, sha: str, expected: str | None,
          env: dict[str, str], scrub: Scrubber) -> None:
    """Push sha to refs/heads/branch, with a lease on what the bot saw there (nothing, or its
    own commits): a branch that moved since is never overwritten."""
    from git.exc import GitCommandError

    lease = f"--force-with-lease=refs/heads/{branch}:{expected or ''}"
    try:
        repo.git.push("--porcelain", "--no-verify", lease, remote, f"{sha}:refs/heads/{branch}", env=env)
    except GitCommandError as e:
        msg = _git_error(e, scrub)
        if "stale info" in msg or "rejected" in msg:
            raise BotError(f"push to {branch!r} rejected (the branch changed on {remote!r} meanwhile, "
                           f"or a hook refused it): {msg}") from None
        if re.search(r"authentication|permission|403|401|could not read username", msg, re.I):
            raise BotError(f"push to {remote!r} failed: authentication failed: {msg}") from None
        raise BotError(f"push to {branch!r} on {remote!r} failed: {msg}") from None


def _delete_remote_branch(repo: Any, remote: str, branch: str, sha: str, env: dict[str, str],
                          warn: Callable[[str], None], scrub: Scrubber) -> None:
    from git.exc import GitCommandError

    try:
        repo.git.push("--porcelain", "--no-verify", f"--force-with-lease=refs/heads/{branch}:{sha}",
                      remote, f":refs/heads/{branch}", env=env)
    except GitCommandError as e:
        warn(f"gofix bot: could not remove the branch {branch!r} it just pushed: {_git_error(e, scrub)}")


def _open_or_update(gh: GitHub, existing: PullRequest | None, title: str, body: str, branch: str,
                    base: str, say: Callable[[str], None]) -> PullRequest:
    if existing is None:
        pr = gh.create_pull(title, body, branch, base)
        say(f"gofix bot: opened pull request #{pr.number}")
        return pr
    changes = {k: v for k, v in (("title", title), ("body", body), ("base", base))
               if getattr(existing, k) != v}
    if not changes:
        say(f"gofix bot: pull request #{existing.number} is up to date")
        return existing
    pr = gh.update_pull(existing.number, **changes)
    say(f"gofix bot: updated pull request #{pr.number} ({', '.join(sorted(changes))})")
    return pr


def _set_local_branch(repo: Any, branch: str, sha: str, warn: Callable[[str], None]) -> None:
    """Point the local branch at the result, unless it is someone else's or checked out."""
    from git.exc import GitCommandError

    ref = f"refs/heads/{branch}"
    try:
        current = repo.git.rev_parse("--verify", "--quiet", ref).strip()
    except GitCommandError:
        current = ""
    if current == sha:
        return
    if current and not _is_bot_commit(repo.commit(current)):
        warn(f"gofix bot: local branch {branch!r} has commits not made by the bot; left as it was")
        return
    if not repo.head.is_detached and repo.active_branch.name == branch:
        warn(f"gofix bot: local branch {branch!r} is checked out; left as it was")
        return
    try:
        repo.git.branch("--force", "--no-track", branch, sha)
    except GitCommandError as e:
        warn(f"gofix bot: could not update local branch {branch!r}: {_git_error(e, Scrubber())}")


# --- the command ------------------------------------------------------------------------------


def _cache_dir() -> str:
    from gofix.cache import default_cache_dir

    return os.environ.get("GOFIX_CACHE_DIR") or str(default_cache_dir())


def register(app: typer.Typer) -> None:
    @app.command()
    def bot(
        path: Annotated[Path, typer.Argument(help="A path inside the clone (default: .)")] = Path("."),
        branch: Annotated[str, typer.Option("--branch", help="The branch the bot owns.")] = DEFAULT_BRANCH,
        base: Annotated[Optional[str], typer.Option("--base", help="Base branch (default: the remote's default branch).")] = None,
        remote: Annotated[str, typer.Option("--remote", help="Remote to push to.")] = "origin",
        repo: Annotated[Optional[str], typer.Option("--repo", help="OWNER/NAME (default: $GITHUB_REPOSITORY, else from the remote URL).")] = None,
        api_url: Annotated[Optional[str], typer.Option("--api-url", help="GitHub API base URL (default: $GITHUB_API_URL, else the public API).")] = None,
        token_env: Annotated[str, typer.Option("--token-env", help="Environment variable holding the token.")] = "GITHUB_TOKEN",
        dry_run: Annotated[bool, typer.Option("--dry-run", help="Commit locally and print the pull request; push nothing.")] = False,
        select: Annotated[Optional[str], typer.Option("--select", help="Comma-separated rule ids (default: all).")] = None,
        ignore: Annotated[Optional[str], typer.Option("--ignore", help="Comma-separated rule ids to skip.")] = None,
        unsafe_fixes: Annotated[bool, typer.Option("--unsafe-fixes", help="Also apply fixes marked unsafe.")] = False,
        exclude: Annotated[Optional[list[str]], typer.Option("--exclude", help="Glob of paths to skip (repeatable).")] = None,
        option: Annotated[Optional[list[str]], typer.Option("--option", help="Rule option RULE.KEY=VALUE (repeatable).")] = None,
        config: Annotated[Optional[Path], typer.Option("--config", help="Config file (default: found in the clone).")] = None,
        no_verify: Annotated[bool, typer.Option("--no-verify", help="Do not verify fixes with go build/vet.")] = False,
        author: Annotated[Optional[str], typer.Option("--author", help="Commit author 'Name <email>' (default: git config, else gofix-bot).")] = None,
        max_wait: Annotated[float, typer.Option("--max-wait", help="Longest rate-limit wait to honour, in seconds.")] = 120.0,
    ) -> None:
        """Fix the leaks on the base branch, one commit per rule, and open or update a pull request."""
        token = os.environ.get(token_env) or None
        scrub = Scrubber.for_token(token)

        def say(msg: str) -> None:
            print(scrub(msg))

        def warn(msg: str) -> None:
            print(scrub(msg), file=sys.stderr)

        who = None
        if author:
            m = re.fullmatch(r"\s*(.+?)\s*<([^<>\s]+)>\s*", author)
            if not m:
                warn("gofix bot: --author: expected 'Name <email>'")
                raise typer.Exit(EXIT_FAIL)
            who = (m.group(1), m.group(2))
        cfg = BotConfig(
            path=path, branch=branch, base=base, remote=remote,
            repo=repo or os.environ.get("GITHUB_REPOSITORY") or None,
            api_url=api_url or os.environ.get("GITHUB_API_URL") or DEFAULT_API_URL,
            token=token, token_env=token_env, dry_run=dry_run, select=select, ignore=ignore,
            unsafe_fixes=unsafe_fixes, exclude=exclude, option=option, config=config,
            verify=not no_verify, author=who, max_wait=max_wait, cache_dir=_cache_dir(),
        )
        try:
            code = run_bot(cfg, say, warn)
        except BotError as e:
            warn(f"gofix bot: {scrub(e)}")
            raise typer.Exit(EXIT_FAIL)
        except typer.Exit:
            raise
        except Exception as e:  # never a traceback that could carry the token
            warn(f"gofix bot: internal error: {type(e).__name__}: {scrub(e)}")
            raise typer.Exit(EXIT_FAIL)
        raise typer.Exit(code)
