"""The `gofix` command line: a thin face over gofix.engine."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from gofix import engine, output
from gofix.config import MAX_FILE_SIZE_LIMIT, ConfigError
from gofix.engine import Options
from gofix.model import FileResult, Severity
from gofix.project import Project, Settings, SettingsError

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
PROGRESS_MIN_FILES = 20

app = typer.Typer(
    name="gofix",
    help=(
        "Find goroutine and resource leaks in Go code and rewrite them.\n\n"
        "Exit status: 0 nothing to report, 1 findings (or changes for diff/fix), "
        "2 usage or internal error, or a file skipped as too complex (--time-budget)."
    ),
    no_args_is_help=True,
    add_completion=True,  # gofix --install-completion / --show-completion (bash, zsh, fish, PowerShell)
    pretty_exceptions_enable=False,
)


def _flags_take_no_value() -> None:
    """--help without a `<bool>` beside flags: typer (0.29) shows a type for every option,
    and a flag takes no value. Options that take one keep their type or metavar."""
    from typer.core import TyperOption

    original = TyperOption.display_type_rich
    if getattr(original, "gofix_flags", False):
        return

    def display_type_rich(self, ctx):
        if getattr(self, "is_flag", False) or getattr(self, "count", False):
            return None
        return original(self, ctx)

    display_type_rich.gofix_flags = True  # type: ignore[attr-defined]
    TyperOption.display_type_rich = display_type_rich


_flags_take_no_value()
def _print_version(value: bool) -> None:
    if value:
        from gofix import __version__

        print(f"gofix {__version__}")
        raise typer.Exit(EXIT_CLEAN)


@app.callback()
def _main(
    version: Annotated[bool, typer.Option("--version", callback=_print_version, is_eager=True,
                                          help="Print gofix's version and exit.")] = False,
) -> None:
    pass


def _err_console():
    from rich.console import Console  # rich costs start-up time; only progress bars need it

    return Console(stderr=True, highlight=False)


def eprint(message: str) -> None:
    """A plain line on stderr (no wrapping, no markup): one line per error, greppable."""
    print(message, file=sys.stderr)


UsageError = SettingsError  # the old name (a usage error: exit 2)


# --- shared options ---------------------------------------------------------------------------------

PathsArg = Annotated[Optional[list[str]], typer.Argument(
    help="Go files, directories or package patterns: ./..., dir/..., example.com/m/internal/... (default: .)",
    show_default=False, metavar="PATHS")]
SelectOpt = Annotated[Optional[str], typer.Option("--select", help="Comma-separated rule ids to run (default: all).")]
IgnoreOpt = Annotated[Optional[str], typer.Option("--ignore", help="Comma-separated rule ids to skip.")]
UnsafeOpt = Annotated[bool, typer.Option("--unsafe-fixes", help="Also apply fixes marked unsafe (may change behaviour).")]
def cpu_count() -> int:
    """The CPUs this process may run on (its affinity mask where there is one)."""
    import os

    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _jobs(n: int) -> int:
    """--jobs capped at the CPU count (0 stays 0: one per core)."""
    return min(n, cpu_count())


def _jobs_callback(value: int) -> int:
    capped = _jobs(value)
    if capped != value:
        eprint(f"gofix: note: --jobs {value} capped at {capped}, the number of CPUs")
    return capped


def _go_version_callback(value: str | None) -> str | None:
    if value is not None:
        from gofix.gomod import parse_version

        try:
            parse_version(value)
        except ValueError as e:
            raise typer.BadParameter(str(e)) from None
    return value


def _option_callback(values: list[str] | None) -> list[str] | None:
    """Each RULE.KEY=VALUE checked against the options the rule declares (gofix.analysis.options)."""
    if values:
        from codemods import RULES  # imports every rule: only when --option is given
        from gofix.analysis.options import parse_assignment

        for item in values:
            try:
                parse_assignment(RULES, item)
            except ValueError as e:
                raise typer.BadParameter(str(e)) from None
    return values


GoVersionOpt = Annotated[Optional[str], typer.Option("--go-version", callback=_go_version_callback, help="Go version to assume (e.g. 1.22), instead of the nearest go.mod's go line.")]
ExcludeOpt = Annotated[Optional[list[str]], typer.Option("--exclude", help="Glob of paths to skip (repeatable).")]
OptionOpt = Annotated[Optional[list[str]], typer.Option("--option", callback=_option_callback, help="Rule option RULE.KEY=VALUE, e.g. time-after-in-loop.style=context (repeatable; checked against the options the rule declares, see `gofix rules RULE`).")]
ProgressOpt = Annotated[bool, typer.Option("--no-progress", help="Never show a progress bar.")]
ConfigOpt = Annotated[Optional[Path], typer.Option("--config", help="Use this config file for every path (default: each file's nearest .gofix.toml or gofix.toml above it).")]
IsolatedOpt = Annotated[bool, typer.Option("--isolated", help="Ignore every config file (.gofix.toml, gofix.toml).")]
ApplyUnverifiedOpt = Annotated[Optional[bool], typer.Option("--apply-unverified/--no-apply-unverified", help="Also apply fixes that verification could not check (no go.mod, dependencies not available offline, timeouts); default: left out, or the config's apply-unverified.", show_default=False)]
MaxSizeOpt = Annotated[Optional[int], typer.Option("--max-file-size", min=1, max=MAX_FILE_SIZE_LIMIT, help="Skip files larger than this many bytes (default 4 MiB; at most 1 GiB).")]
TimeBudgetOpt = Annotated[Optional[float], typer.Option("--time-budget", metavar="SECONDS", min=0, help="CPU seconds of analysis per file (default 10, or the config's time-budget; 0: no limit). A file that takes longer is reported as 'PATH: error: too complex: skipped after N s', the other files are still processed, and the command exits 2.")]
JobsOpt = Annotated[int, typer.Option("--jobs", "-j", min=0, callback=_jobs_callback, help="Worker processes (default: one per core; 1: no parallelism; at most the number of CPUs).")]
CacheDirOpt = Annotated[Optional[Path], typer.Option("--cache-dir", help="Result cache directory (default: $GOFIX_CACHE_DIR or ~/.cache/gofix).")]
NoCacheOpt = Annotated[bool, typer.Option("--no-cache", help="Neither read nor write the result cache.")]
SinceOpt = Annotated[Optional[str], typer.Option("--since", metavar="REF", help="Only findings (and fixes) on lines changed since the merge base of REF and HEAD (e.g. origin/main).")]
PathPrefixOpt = Annotated[Optional[str], typer.Option("--path-prefix", metavar="DIR", help="Put DIR/ in front of every path shown (paths are relative to the repository root in the machine formats; with this option in text too).")]
DocUrlOpt = Annotated[Optional[str], typer.Option("--doc-url", metavar="TEMPLATE", help="Link to each rule's documentation in SARIF, rdjson and code-climate, with {rule} or {module} in it (default: $GOFIX_DOC_URL, else the package's source URL).")]
ColorOpt = Annotated[str, typer.Option("--color", metavar="WHEN", help="Colour the text output: auto (on a terminal, unless NO_COLOR is set), always or never.")]
StdinOpt = Annotated[Optional[Path], typer.Option("--stdin-filename", metavar="PATH", help="Read the source from stdin, as the file PATH (for its go.mod, config and the paths shown); nothing is read from PATH itself.")]
UnusedIgnoresOpt = Annotated[bool, typer.Option("--report-unused-ignores", help="Report //gofix:ignore and //gofix:file-ignore directives that suppress nothing (unused-ignore, with a fix that removes them).")]
SinceExactOpt = Annotated[bool, typer.Option("--since-exact", help="With --since: compare with REF itself, not with the merge base.")]


def _expand(args: list[str] | None) -> list[Path]:
    """Paths and Go package patterns (gofix.patterns) as the paths the engine walks."""
    from gofix.patterns import expand

    found, errors = expand(args or ["."])
    for e in errors:
        eprint(f"gofix: {e}")
    if errors:
        raise typer.Exit(EXIT_ERROR)
    return found


def _split(v: str | None) -> list[str]:
    return [x.strip() for x in (v or "").split(",") if x.strip()]


def build_settings(
    select: str | None = None,
    ignore: str | None = None,
    unsafe_fixes: bool = False,
    go_version: str | None = None,
    exclude: list[str] | None = None,
    option: list[str] | None = None,
    config: Path | None = None,
    max_file_size: int | None = None,
    jobs: int = 0,
    cache_dir: Path | None = None,
    no_cache: bool = True,
    isolated: bool = False,
    apply_unverified: bool | None = None,
    report_unused_ignores: bool = False,
    time_budget: float | None = None,
) -> Settings:
    """The command line's flags as project Settings (a flag not given is None: the config decides)."""
    return Settings(
        select=tuple(_split(select)) if select else None,
        ignore=tuple(_split(ignore)) if ignore else None,
        unsafe_fixes=True if unsafe_fixes else None,
        go_version=go_version or None,
        exclude=tuple(exclude or ()),
        rule_options=Settings.parse_rule_options(option),
        max_file_size=max_file_size or None,
        time_budget=time_budget,
        apply_unverified=apply_unverified,
        config=config,
        isolated=isolated,
        jobs=max(0, jobs),
        cache_dir=None if no_cache else str(cache_dir or _default_cache_dir()),
        report_unused_ignores=report_unused_ignores,
    )


def build_project(*args, **kwargs) -> Project:
    """A Project (config per file) from the command line's flags (see build_settings)."""
    return Project(build_settings(*args, **kwargs))


def build_options(
    paths: list[Path],
    select: str | None,
    ignore: str | None,
    unsafe_fixes: bool,
    go_version: str | None,
    exclude: list[str] | None,
    option: list[str] | None,
    config: Path | None,
    max_file_size: int | None = None,
    jobs: int = 0,
    cache_dir: Path | None = None,
    no_cache: bool = True,
) -> Options:
    """The options for the first path only (the old API; faces use a Project, which resolves
    the config of each file)."""
    project = build_project(select, ignore, unsafe_fixes, go_version, exclude, option, config,
                            max_file_size, jobs, cache_dir, no_cache)
    return project.options_for(paths[0] if paths else Path("."))


def _default_cache_dir() -> Path:
    import os

    from gofix.cache import default_cache_dir

    env = os.environ.get("GOFIX_CACHE_DIR")
    return Path(env) if env else default_cache_dir()


class _ProgressBar:
    """A rich progress bar on stderr, started once the run knows how many files it has
    (from its own discovery: the tree is walked once) and only when there are enough."""

    def __init__(self) -> None:
        self.bar = None
        self.task = None

    def start(self, total: int) -> None:
        if total < PROGRESS_MIN_FILES:
            return
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.bar = Progress(TextColumn("scanning"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                            console=_err_console(), transient=True)
        self.bar.start()
        self.task = self.bar.add_task("scan", total=total)

    def tick(self) -> None:
        if self.bar is not None:
            self.bar.advance(self.task)

    def stop(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def _run(paths: list[Path], options: Options | Project, fix: bool, no_progress: bool) -> list[FileResult]:
    bar = None if no_progress or not sys.stderr.isatty() else _ProgressBar()
    try:
        results, errors = engine.run(paths, options, fix=fix, on_start=bar and bar.start,
                                     on_file=bar and bar.tick)
    finally:
        if bar is not None:
            bar.stop()
    for e in errors:
        eprint(f"gofix: {e}")
    for r in results:
        if r.error:
            eprint(f"{r.path}: error: {r.error}")
    return results


def _add_ignores(results: list[FileResult], paths: list[Path]) -> None:
    """--add-ignore: write the directives, then say how many (the findings stay reported)."""
    from gofix.add_ignore import add_ignores
    from gofix.writer import WriteError, scan_roots, write_atomic

    roots = scan_roots(paths)
    added = files = 0
    for r in results:
        if not r.findings:
            continue
        p = Path(r.path)
        try:
            src = p.read_bytes()
        except OSError as e:
            eprint(f"{r.path}: error: {e.strerror or e}")
            continue
        new, n = add_ignores(src, r.findings)
        if not n:
            continue
        try:
            write_atomic(p, new, expected=src, roots=roots)
        except WriteError as e:
            eprint(f"{r.path}: error: {e}")
            continue
        added += n
        files += 1
    eprint(f"gofix: added {added} //gofix:ignore directive(s) in {files} file(s)")


def _check_color(choice: str) -> None:
    from gofix.outputs.terminal import COLOR_CHOICES

    if choice not in COLOR_CHOICES:
        raise UsageError(f"--color: {choice!r} is not one of auto, always, never")


def _stdin_result(path: Path, options: Options | Project, fix: bool) -> FileResult:
    """The result for source read from stdin as if it were the file at path (the engine's
    public entry: the file's config, skip policy and layout, as for the file itself)."""
    src = sys.stdin.buffer.read()
    shown = engine.display_path(path)
    a = engine.analyse_source(path, src, options, fix, shown=shown, explicit=True)
    for e in a.errors:
        eprint(f"gofix: {e}")
    if a.result is None:  # excluded, too large: passed through untouched
        return FileResult(path=shown, source=src)
    result = a.result
    if result.error:
        eprint(f"{result.path}: error: {result.error}")
    result.source = src
    return result


def _fix_stdin(path: Path, select, ignore, unsafe_fixes, go_version, exclude, option, config,
               max_file_size, time_budget=None) -> None:
    """`gofix fix --stdin-filename PATH`: the fixed source on stdout; exit 1 if it changed."""
    project = build_project(select, ignore, unsafe_fixes, go_version, exclude, option, config, max_file_size,
                            time_budget=time_budget)
    r = _stdin_result(path, project, fix=True)
    sys.stdout.buffer.write(r.fixed if r.changed else (r.source or b""))
    sys.stdout.flush()
    if r.error:
        raise typer.Exit(EXIT_ERROR)
    raise typer.Exit(EXIT_FINDINGS if r.changed else EXIT_CLEAN)


def _path_style(paths: list[Path], prefix: str | None, doc_url: str | None):
    """(PathStyle, doc URL template) of an output."""
    from gofix.outputs.links import DocUrlError, resolve_template
    from gofix.outputs.paths import PathStyle

    try:
        template = resolve_template(doc_url)
    except DocUrlError as e:
        raise UsageError(str(e)) from None
    return PathStyle.for_run(paths, prefix), template


def _changed_lines(paths: list[Path], since: str | None, exact: bool):
    """--since: {path: changed line ranges}, or None without --since."""
    if since is None:
        if exact:
            raise UsageError("--since-exact needs --since REF")
        return None
    from gofix.since import SinceError, changed_lines

    try:
        return changed_lines(paths[0], since, exact=exact)
    except SinceError as e:
        raise UsageError(str(e)) from None


def _run_fix(paths: list[Path], project: Project, no_progress: bool, changed) -> list[FileResult]:
    """A fix run; with --since (changed not None), only the fixes on changed lines."""
    results = _run(paths, project, fix=True, no_progress=no_progress)
    if changed is None:
        return results
    from gofix.since import restrict_fixes

    originals = {r.path: r for r in results}

    def refix(path: str, accept):
        # the fixes restrict_fixes wants, as data: the origins of the findings it accepts
        r = originals.get(path)
        if r is None or r.source is None:
            return None
        origins = {(f.rule, f.start_byte) for f in r.findings if accept(f)}
        options = project.options_for(Path(path)).selecting(origins=origins)
        a = engine.analyse_source(path, r.source, options, fix=True, shown=path, explicit=True)
        for e in a.errors:
            eprint(f"gofix: {e}")
        return a.result

    return restrict_fixes(results, changed, refix,
                          lambda path, f: engine.fix_applies(f, project.options_for(Path(path))))


def _nothing_processed(results: list[FileResult]) -> bool:
    return bool(results) and all(r.error for r in results)


def _incomplete(results: list[FileResult]) -> bool:
    """Exit 2: nothing could be processed, or a file was skipped as too complex (its time
    budget ran out: the answer is incomplete, and CI must not take it for clean)."""
    return _nothing_processed(results) or any(engine.over_budget(r) for r in results)


def _guard(fn):
    """Turn usage/config errors into a clear message and exit 2, never a traceback."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except (SettingsError, ConfigError) as e:
            eprint(f"gofix: {e}")
            raise typer.Exit(EXIT_ERROR)

    return wrapper


# --- commands -----------------------------------------------------------------------------------------


@app.command()
@_guard
def check(
    paths: PathsArg = None,
    format: Annotated[str, typer.Option("--format", help="Output format: text, json, sarif (SARIF 2.1.0), github (workflow annotations), rdjson (reviewdog) or code-climate (GitLab code quality).")] = "text",
    select: SelectOpt = None,
    ignore: IgnoreOpt = None,
    unsafe_fixes: UnsafeOpt = False,
    go_version: GoVersionOpt = None,
    exclude: ExcludeOpt = None,
    option: OptionOpt = None,
    no_progress: ProgressOpt = False,
    config: ConfigOpt = None,
    max_file_size: MaxSizeOpt = None,
    time_budget: TimeBudgetOpt = None,
    jobs: JobsOpt = 0,
    cache_dir: CacheDirOpt = None,
    no_cache: NoCacheOpt = False,
    since: SinceOpt = None,
    since_exact: SinceExactOpt = False,
    path_prefix: PathPrefixOpt = None,
    doc_url: DocUrlOpt = None,
    statistics: Annotated[bool, typer.Option("--statistics", help="Print how many findings each rule has (and how many are fixable) instead of the findings (text or json).")] = False,
    color: ColorOpt = "auto",
    stdin_filename: StdinOpt = None,
    isolated: IsolatedOpt = False,
    report_unused_ignores: UnusedIgnoresOpt = False,
    add_ignore: Annotated[bool, typer.Option("--add-ignore", help="Write a `//gofix:ignore <rule> // TODO: ...` directive for every current finding (adopt gofix on a legacy tree, gate new code).")] = False,
) -> None:
    """Report leaks. Exit 1 if any finding is a warning or error (hints alone exit 0)."""
    paths = _expand(paths)
    from gofix.outputs.render import FORMATS, render

    if format not in FORMATS:
        raise UsageError(f"--format: unknown format {format!r} ({', '.join(FORMATS)})")
    if statistics and format not in ("text", "json"):
        raise UsageError("--statistics: only with --format text or json")
    _check_color(color)
    if stdin_filename is not None:
        paths = [stdin_filename]
    style, template = _path_style(paths, path_prefix, doc_url)
    changed = _changed_lines(paths, since, since_exact)
    project = build_project(select, ignore, unsafe_fixes, go_version, exclude, option, config, max_file_size,
                            jobs, cache_dir, no_cache, isolated, report_unused_ignores=report_unused_ignores,
                            time_budget=time_budget)
    if stdin_filename is not None:
        results = [_stdin_result(stdin_filename, project, fix=False)]
    else:
        results = _run(paths, project, fix=False, no_progress=no_progress)
    if changed is not None:
        from gofix.since import filter_results

        results = filter_results(results, changed)
    if add_ignore:
        if stdin_filename is not None:
            raise UsageError("--add-ignore writes files; it does not go with --stdin-filename")
        _add_ignores(results, paths)
    from gofix.outputs import terminal

    def fixable(path: str, f) -> bool:  # under the file's own config, as a fix run would be
        return engine.fix_applies(f, project.options_for(Path(path)))

    if statistics:
        sys.stdout.write(terminal.statistics(results, fixable, format))
    else:
        sys.stdout.write(render(results, format, style, template,
                                text_path=style.show if path_prefix is not None else None,
                                color=format == "text" and terminal.use_color(color, sys.stdout)))
    failing = any(f.severity != Severity.HINT for r in results for f in r.findings)
    eprint(terminal.colour_summary(terminal.summary(results, fixable), failing,
                                   terminal.use_color(color, sys.stderr)))
    if _incomplete(results):
        raise typer.Exit(EXIT_ERROR)
    raise typer.Exit(EXIT_FINDINGS if failing else EXIT_CLEAN)


@app.command()
@_guard
def diff(
    paths: PathsArg = None,
    select: SelectOpt = None,
    ignore: IgnoreOpt = None,
    unsafe_fixes: UnsafeOpt = False,
    go_version: GoVersionOpt = None,
    exclude: ExcludeOpt = None,
    option: OptionOpt = None,
    no_progress: ProgressOpt = False,
    config: ConfigOpt = None,
    max_file_size: MaxSizeOpt = None,
    time_budget: TimeBudgetOpt = None,
    jobs: JobsOpt = 0,
    cache_dir: CacheDirOpt = None,
    no_cache: NoCacheOpt = False,
    isolated: IsolatedOpt = False,
    verify: Annotated[bool, typer.Option("--verify/--no-verify", help="Check each changed package with go build and go vet (offline, through -overlay) and leave out fixes that fail, as fix does.")] = False,
    apply_unverified: ApplyUnverifiedOpt = None,
    since: SinceOpt = None,
    since_exact: SinceExactOpt = False,
    stdin_filename: StdinOpt = None,
    report_unused_ignores: UnusedIgnoresOpt = False,
) -> None:
    """Print the fixes as a unified diff (git apply-able). Exit 1 if there are changes."""
    paths = [stdin_filename] if stdin_filename is not None else _expand(paths)
    changed_since = _changed_lines(paths, since, since_exact)
    project = build_project(select, ignore, unsafe_fixes, go_version, exclude, option, config, max_file_size,
                            jobs, cache_dir, no_cache, isolated, apply_unverified,
                            report_unused_ignores=report_unused_ignores, time_budget=time_budget)
    if stdin_filename is not None:
        results = [_stdin_result(stdin_filename, project, fix=True)]
    else:
        results = _run_fix(paths, project, no_progress, changed_since)
    if verify:
        from gofix.apply import Policy, apply

        done = apply(results, project, Policy(verify=True, write=False, allow_dirty=True, jobs=project.jobs or None,
                                              progress=not no_progress,
                                              apply_unverified=_apply_unverified(project, paths)))
        results = done.results
        for m in done.messages[:-1]:  # not the summary: a diff is not written
            eprint(m)
    changed = False
    for r in results:
        if r.changed:
            changed = True
            # a file outside the cwd is named from the root without its leading "/", as
            # `git diff --no-index` does: git apply refuses absolute and ".." paths
            sys.stdout.write(output.unified_diff(Path(r.path).as_posix().lstrip("/"), r.source, r.fixed))
    if _incomplete(results):
        raise typer.Exit(EXIT_ERROR)
    raise typer.Exit(EXIT_FINDINGS if changed else EXIT_CLEAN)


@app.command()
@_guard
def fix(
    paths: PathsArg = None,
    select: SelectOpt = None,
    ignore: IgnoreOpt = None,
    unsafe_fixes: UnsafeOpt = False,
    go_version: GoVersionOpt = None,
    exclude: ExcludeOpt = None,
    option: OptionOpt = None,
    no_progress: ProgressOpt = False,
    config: ConfigOpt = None,
    max_file_size: MaxSizeOpt = None,
    time_budget: TimeBudgetOpt = None,
    jobs: JobsOpt = 0,
    cache_dir: CacheDirOpt = None,
    no_cache: NoCacheOpt = False,
    isolated: IsolatedOpt = False,
    verify: Annotated[Optional[bool], typer.Option("--verify/--no-verify", help="Check each changed package with go build and go vet (offline, through -overlay) before writing, and leave out fixes that fail (default: on when go is on PATH; --no-verify applies every selected fix unchecked).", show_default=False)] = None,
    apply_unverified: ApplyUnverifiedOpt = None,
    allow_dirty: Annotated[bool, typer.Option("--allow-dirty", help="Also fix files that have uncommitted changes in git.")] = False,
    strict_verify: Annotated[bool, typer.Option("--strict-verify", hidden=True, help="Leave out fixes that could not be verified (the default now; kept for old scripts).")] = False,
    exit_zero: Annotated[bool, typer.Option("--exit-zero", help="Exit 0 even when files changed or findings are left (2 still means an error).")] = False,
    format: Annotated[str, typer.Option("--format", help="Report format: text, or json (the findings, with each fix's verification).")] = "text",
    since: SinceOpt = None,
    since_exact: SinceExactOpt = False,
    stdin_filename: Annotated[Optional[Path], typer.Option("--stdin-filename", metavar="PATH", help="Read the source from stdin as the file PATH and print it, fixed, on stdout (nothing is written; for editors' format-on-save).")] = None,
    report_unused_ignores: UnusedIgnoresOpt = False,
) -> None:
    """Apply the fixes in place (atomic writes), verified with go build and go vet.

    Exit 0 only when the tree is clean: nothing changed and no finding left; 1 when files
    changed or findings remain unfixed (dropped, not verified, report-only); 2 on error.
    """
    from gofix.apply import Policy, apply
    from gofix.writer import scan_roots

    if stdin_filename is not None:
        _fix_stdin(stdin_filename, select, ignore, unsafe_fixes, go_version, exclude, option, config,
                   max_file_size, time_budget)
    paths = _expand(paths)
    if format not in ("text", "json"):
        raise UsageError(f"--format: unknown format {format!r} (text, json)")
    changed_since = _changed_lines(paths, since, since_exact)
    project = build_project(select, ignore, unsafe_fixes, go_version, exclude, option, config, max_file_size,
                            jobs, cache_dir, no_cache, isolated, False if strict_verify else apply_unverified,
                            report_unused_ignores=report_unused_ignores, time_budget=time_budget)
    results = _run_fix(paths, project, no_progress, changed_since)
    done = apply(results, project, Policy(verify=verify, allow_dirty=allow_dirty, roots=scan_roots(paths),
                                          jobs=project.jobs or None, progress=not no_progress,
                                          apply_unverified=_apply_unverified(project, paths)))
    if format == "text":
        for line in done.lines:
            print(line)
    else:
        from gofix.outputs.paths import PathStyle

        # as `check --format json`: paths from the repository root
        print(output.to_json(done.results, show=PathStyle.for_run(paths).show))
    for m in done.messages:
        eprint(m)
    if _incomplete(done.results) or _incomplete(results):
        raise typer.Exit(EXIT_ERROR)
    raise typer.Exit(EXIT_CLEAN if exit_zero or done.clean else EXIT_FINDINGS)


def _apply_unverified(project: Project, paths: list[Path]) -> bool:
    """--apply-unverified, else the config of the first path (a per-run choice)."""
    return project.apply_unverified(paths[0] if paths else Path("."))


@app.command("config")
@_guard
def config_command(
    path: Annotated[Path, typer.Argument(help="A Go file or directory (default: .)")] = Path("."),
    select: SelectOpt = None,
    ignore: IgnoreOpt = None,
    unsafe_fixes: UnsafeOpt = False,
    go_version: GoVersionOpt = None,
    exclude: ExcludeOpt = None,
    option: OptionOpt = None,
    config: ConfigOpt = None,
    max_file_size: MaxSizeOpt = None,
    time_budget: TimeBudgetOpt = None,
    isolated: IsolatedOpt = False,
    apply_unverified: ApplyUnverifiedOpt = None,
) -> None:
    """Print the settings that apply to PATH and where each comes from (flag, config file, default)."""
    import json

    project = build_project(select, ignore, unsafe_fixes, go_version, exclude, option, config, max_file_size,
                            0, None, True, isolated, apply_unverified, time_budget=time_budget)
    cfg = project.config_path(path)
    print(f"# settings for {engine.display_path(path)}")
    print(f"# config file: {engine.display_path(cfg) if cfg else 'none'}")
    for key, value, source in project.explain(path):
        shown = value if value in ("all rules", "from go.mod") else json.dumps(value)
        if cfg is not None:
            source = source.replace(str(cfg), engine.display_path(cfg))
        print(f"{key} = {shown}  # {source}")


@app.command()
def rules(
    rule: Annotated[Optional[str], typer.Argument(help="A rule id: print its documentation.")] = None,
) -> None:
    """List the rules, or show one rule's documentation (what, why, example, fix safety)."""
    from codemods import RULES

    if rule is None:
        width = max(len(r.id) for r in RULES)
        for r in RULES:
            print(f"{r.id:<{width}}  {r.summary}")
        return
    match = next((r for r in RULES if r.id == rule), None)
    if match is None:
        eprint(f"gofix: unknown rule {rule!r}; `gofix rules` lists them")
        raise typer.Exit(EXIT_ERROR)
    print(match.doc.strip())


def _register_subcommands() -> None:
    """Commands that live in their own modules (lsp, bot, triage): each module exports
    register(app). A module that is not there yet is skipped; any other import error is
    real and surfaces."""
    import importlib

    for name in ("gofix.lsp", "gofix.bot", "gofix.triage"):
        try:
            mod = importlib.import_module(name)
        except ModuleNotFoundError as e:
            if e.name == name:
                continue
            raise
        mod.register(app)


_register_subcommands()


def main() -> None:
    try:
        app(prog_name="gofix")  # also under python -m gofix: completion and usage name gofix
    except KeyboardInterrupt:
        eprint("gofix: interrupted")
        sys.exit(130)
