"""The `gofix` command line: a thin face over gofix.engine."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from gofix import engine, output
from gofix.config import ConfigError, find_config, load_config
from gofix.engine import Options
from gofix.gomod import parse_version
from gofix.model import FileResult, Severity

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
PROGRESS_MIN_FILES = 20

app = typer.Typer(
    name="gofix",
    help=(
        "Find goroutine and resource leaks in Go code and rewrite them.\n\n"
        "Exit status: 0 nothing to report, 1 findings (or changes for diff/fix), "
        "2 usage or internal error."
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


class UsageError(Exception):
    pass


# --- shared options ---------------------------------------------------------------------------------

PathsArg = Annotated[Optional[list[str]], typer.Argument(
    help="Go files, directories or package patterns: ./..., dir/..., example.com/m/internal/... (default: .)",
    show_default=False, metavar="PATHS")]
SelectOpt = Annotated[Optional[str], typer.Option("--select", help="Comma-separated rule ids to run (default: all).")]
IgnoreOpt = Annotated[Optional[str], typer.Option("--ignore", help="Comma-separated rule ids to skip.")]
UnsafeOpt = Annotated[bool, typer.Option("--unsafe-fixes", help="Also apply fixes marked unsafe (may change behaviour).")]
GoVersionOpt = Annotated[Optional[str], typer.Option("--go-version", help="Go version to assume (e.g. 1.22), instead of the nearest go.mod's go line.")]
ExcludeOpt = Annotated[Optional[list[str]], typer.Option("--exclude", help="Glob of paths to skip (repeatable).")]
OptionOpt = Annotated[Optional[list[str]], typer.Option("--option", help="Rule option RULE.KEY=VALUE, e.g. time-after-in-loop.style=context (repeatable).")]
ProgressOpt = Annotated[bool, typer.Option("--no-progress", help="Never show a progress bar.")]
ConfigOpt = Annotated[Optional[Path], typer.Option("--config", help="Config file (default: .gofix.toml or gofix.toml found upward from the first path).")]
MaxSizeOpt = Annotated[Optional[int], typer.Option("--max-file-size", help="Skip files larger than this many bytes (default 4 MiB).")]
JobsOpt = Annotated[int, typer.Option("--jobs", "-j", help="Worker processes (default: one per core; 1: no parallelism).")]
CacheDirOpt = Annotated[Optional[Path], typer.Option("--cache-dir", help="Result cache directory (default: $GOFIX_CACHE_DIR or ~/.cache/gofix).")]
NoCacheOpt = Annotated[bool, typer.Option("--no-cache", help="Neither read nor write the result cache.")]
SinceOpt = Annotated[Optional[str], typer.Option("--since", metavar="REF", help="Only findings (and fixes) on lines changed since the merge base of REF and HEAD (e.g. origin/main).")]
PathPrefixOpt = Annotated[Optional[str], typer.Option("--path-prefix", metavar="DIR", help="Put DIR/ in front of every path shown (paths are relative to the repository root in the machine formats; with this option in text too).")]
DocUrlOpt = Annotated[Optional[str], typer.Option("--doc-url", metavar="TEMPLATE", help="Link to each rule's documentation in SARIF, rdjson and code-climate, with {rule} or {module} in it (default: $GOFIX_DOC_URL, else the package's source URL).")]
ColorOpt = Annotated[str, typer.Option("--color", metavar="WHEN", help="Colour the text output: auto (on a terminal, unless NO_COLOR is set), always or never.")]
StdinOpt = Annotated[Optional[Path], typer.Option("--stdin-filename", metavar="PATH", help="Read the source from stdin, as the file PATH (for its go.mod, config and the paths shown); nothing is read from PATH itself.")]
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
    cfg_path = config if config is not None else find_config(paths[0] if paths else Path("."))
    if config is not None and not config.is_file():
        raise UsageError(f"{config}: config file not found")
    cfg = load_config(cfg_path)

    def rules_from(values: list[str], flag: str) -> list[str]:
        from codemods import RULE_IDS  # imports every rule: only when rules are named

        for r in values:
            if r not in RULE_IDS:
                raise UsageError(f"{flag}: unknown rule {r!r} (see `gofix rules`)")
        return values

    sel = rules_from(_split(select), "--select") if select else cfg.select
    ign = rules_from(_split(ignore), "--ignore") if ignore else cfg.ignore
    version = None
    gv = go_version or cfg.go_version
    if gv:
        try:
            version = parse_version(gv)
        except ValueError as e:
            raise UsageError(f"--go-version: {e}") from e
    rule_options = {k: dict(v) for k, v in cfg.rule_options.items()}
    for item in option or []:
        key, sep, value = item.partition("=")
        rid, dot, name = key.partition(".")
        if not sep or not dot or not name:
            raise UsageError(f"--option {item!r}: expected RULE.KEY=VALUE")
        from codemods import RULE_IDS

        if rid not in RULE_IDS:
            raise UsageError(f"--option {item!r}: unknown rule {rid!r}")
        rule_options.setdefault(rid, {})[name] = value
    return Options(
        select=frozenset(sel) if sel is not None else None,
        ignore=frozenset(ign),
        unsafe_fixes=unsafe_fixes or bool(cfg.unsafe_fixes),
        go_version=version,
        exclude=tuple((exclude or []) + cfg.exclude),
        rule_options=rule_options,
        max_file_size=max_file_size or cfg.max_file_size or engine.DEFAULT_MAX_FILE_SIZE,
        extra_resources=dict(cfg.resources),
        jobs=max(0, jobs),
        cache_dir=None if no_cache else str(cache_dir or _default_cache_dir()),
    )


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


def _run(paths: list[Path], options: Options, fix: bool, no_progress: bool) -> list[FileResult]:
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


def _check_color(choice: str) -> None:
    from gofix.outputs.terminal import COLOR_CHOICES

    if choice not in COLOR_CHOICES:
        raise UsageError(f"--color: {choice!r} is not one of auto, always, never")


def _stdin_result(path: Path, options: Options, fix: bool) -> FileResult:
    """The result for source read from stdin as if it were the file at path."""
    from gofix.gomod import GoModError

    src = sys.stdin.buffer.read()
    shown = engine.display_path(path)
    try:
        module = engine.module_info(path, options)
    except GoModError as e:
        return FileResult(path=shown, error=str(e), source=src)
    result, errors = engine.compute(shown, src, module, options, fix)
    for e in errors:
        eprint(f"gofix: {e}")
    if result.error:
        eprint(f"{result.path}: error: {result.error}")
    result.source = src
    return result


def _fix_stdin(path: Path, select, ignore, unsafe_fixes, go_version, exclude, option, config,
               max_file_size) -> None:
    """`gofix fix --stdin-filename PATH`: the fixed source on stdout; exit 1 if it changed."""
    options = build_options([path], select, ignore, unsafe_fixes, go_version, exclude, option, config,
                            max_file_size)
    r = _stdin_result(path, options, fix=True)
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


def _run_fix(paths: list[Path], options: Options, no_progress: bool, changed) -> list[FileResult]:
    """A fix run; with --since (changed not None), only the fixes on changed lines."""
    results = _run(paths, options, fix=True, no_progress=no_progress)
    if changed is None:
        return results
    from gofix.since import restrict_fixes

    def refix(path: str, accept):
        again, errors = engine.run([path], options, fix=True, accept=accept)
        for e in errors:
            eprint(f"gofix: {e}")
        return again[0] if again else None

    return restrict_fixes(results, changed, refix, lambda f: engine.fix_applies(f, options))


def _verify(results: list[FileResult], options: Options, strict: bool = False) -> list[FileResult]:
    """gofix.verify over a fix run; says on stderr which fixes were dropped and why."""
    from gofix import verify

    results, report = verify.verify(results, options, jobs=options.jobs or None, strict=strict)
    for r in results:
        for f in r.findings:
            if f.verified is False and f.fix is not None:
                eprint(f"{r.path}:{f.start.line}:{f.start.column}: fix dropped: {f.fix.title} [{f.rule}]: {f.verify_reason}")
    for note in report.notes:
        eprint(f"gofix: not verified: {note}")
    if report.units:
        eprint(f"gofix: verified {report.units} package(s): {report.verified} fix(es) proven, "
               f"{report.dropped} dropped, {report.unverified} not verifiable")
    return results


def _nothing_processed(results: list[FileResult]) -> bool:
    return bool(results) and all(r.error for r in results)


def _guard(fn):
    """Turn usage/config errors into a clear message and exit 2, never a traceback."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except (UsageError, ConfigError) as e:
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
    options = build_options(paths, select, ignore, unsafe_fixes, go_version, exclude, option, config, max_file_size,
                            jobs, cache_dir, no_cache)
    if stdin_filename is not None:
        results = [_stdin_result(stdin_filename, options, fix=False)]
    else:
        results = _run(paths, options, fix=False, no_progress=no_progress)
    if changed is not None:
        from gofix.since import filter_results

        results = filter_results(results, changed)
    from gofix.outputs import terminal

    fixable = lambda f: engine.fix_applies(f, options)  # noqa: E731
    if statistics:
        sys.stdout.write(terminal.statistics(results, fixable, format))
    else:
        sys.stdout.write(render(results, format, style, template,
                                text_path=style.show if path_prefix is not None else None,
                                color=format == "text" and terminal.use_color(color, sys.stdout)))
    failing = any(f.severity != Severity.HINT for r in results for f in r.findings)
    eprint(terminal.colour_summary(terminal.summary(results, fixable), failing,
                                   terminal.use_color(color, sys.stderr)))
    if _nothing_processed(results):
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
    jobs: JobsOpt = 0,
    cache_dir: CacheDirOpt = None,
    no_cache: NoCacheOpt = False,
    verify: Annotated[bool, typer.Option("--verify/--no-verify", help="Check each changed package with go build and go vet (offline, through -overlay) and leave out fixes that fail.")] = False,
    since: SinceOpt = None,
    since_exact: SinceExactOpt = False,
    stdin_filename: StdinOpt = None,
) -> None:
    """Print the fixes as a unified diff (git apply-able). Exit 1 if there are changes."""
    paths = [stdin_filename] if stdin_filename is not None else _expand(paths)
    changed_since = _changed_lines(paths, since, since_exact)
    options = build_options(paths, select, ignore, unsafe_fixes, go_version, exclude, option, config, max_file_size,
                            jobs, cache_dir, no_cache)
    if stdin_filename is not None:
        results = [_stdin_result(stdin_filename, options, fix=True)]
    else:
        results = _run_fix(paths, options, no_progress, changed_since)
    if verify:
        results = _verify(results, options)
    changed = False
    for r in results:
        if r.changed:
            changed = True
            # a file outside the cwd is named from the root without its leading "/", as
            # `git diff --no-index` does: git apply refuses absolute and ".." paths
            sys.stdout.write(output.unified_diff(Path(r.path).as_posix().lstrip("/"), r.source, r.fixed))
    if _nothing_processed(results):
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
    jobs: JobsOpt = 0,
    cache_dir: CacheDirOpt = None,
    no_cache: NoCacheOpt = False,
    verify: Annotated[Optional[bool], typer.Option("--verify/--no-verify", help="Check each changed package with go build and go vet (offline, through -overlay) before writing, and leave out fixes that fail (default: on when go is on PATH).", show_default=False)] = None,
    allow_dirty: Annotated[bool, typer.Option("--allow-dirty", help="Also fix files that have uncommitted changes in git.")] = False,
    strict_verify: Annotated[bool, typer.Option("--strict-verify", help="Also leave out fixes that could not be verified (dependencies not available offline, no go.mod, ...).")] = False,
    format: Annotated[str, typer.Option("--format", help="Report format: text, or json (the findings, with each fix's verification).")] = "text",
    since: SinceOpt = None,
    since_exact: SinceExactOpt = False,
    stdin_filename: Annotated[Optional[Path], typer.Option("--stdin-filename", metavar="PATH", help="Read the source from stdin as the file PATH and print it, fixed, on stdout (nothing is written; for editors' format-on-save).")] = None,
) -> None:
    """Apply the fixes in place (atomic writes). Exit 1 if any file changed."""
    import dataclasses

    from gofix import safety
    from gofix.writer import WriteError, scan_roots, write_atomic

    if stdin_filename is not None:
        _fix_stdin(stdin_filename, select, ignore, unsafe_fixes, go_version, exclude, option, config,
                   max_file_size)
    paths = _expand(paths)
    if format not in ("text", "json"):
        raise UsageError(f"--format: unknown format {format!r} (text, json)")
    changed_since = _changed_lines(paths, since, since_exact)
    options = build_options(paths, select, ignore, unsafe_fixes, go_version, exclude, option, config, max_file_size,
                            jobs, cache_dir, no_cache)
    results = _run_fix(paths, options, no_progress, changed_since)
    if not allow_dirty:
        results = safety.refuse_dirty(results, eprint)
    if verify is None:
        from gofix.verify import find_go

        verify = find_go() is not None
    if verify or strict_verify:
        results = _verify(results, options, strict_verify)
    from gofix import validity

    results = validity.refuse_invalid(results, eprint)  # never write what go/parser rejects
    roots = scan_roots(paths)
    written = 0
    fixes = 0
    refused = sum(1 for r in results if r.error == safety.DIRTY)
    for i, r in enumerate(results):
        if not r.changed:
            continue
        try:
            write_atomic(Path(r.path), r.fixed, expected=r.source, roots=roots)
        except WriteError as e:
            eprint(f"{r.path}: error: {e}")
            results[i] = dataclasses.replace(r, error=str(e), fixed=None, applied=[])
            refused += 1
            continue
        written += 1
        fixes += len(r.applied)
        if format == "text":
            for f in r.applied:
                print(f"{r.path}:{f.start.line}:{f.start.column}: fixed: {f.fix.title} [{f.rule}]")
    if format == "json":
        print(output.to_json(results))
    remaining = sum(1 for r in results for f in r.findings) - fixes
    eprint(f"gofix: {fixes} fix(es) applied in {written} file(s); {remaining} finding(s) left for review")
    if _nothing_processed(results):
        raise typer.Exit(EXIT_ERROR)
    raise typer.Exit(EXIT_FINDINGS if written or refused else EXIT_CLEAN)


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
