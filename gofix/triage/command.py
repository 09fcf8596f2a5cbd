"""The `gofix triage` command (typer lives here; the rest of gofix.triage is plain code)."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

if TYPE_CHECKING:
    from gofix.triage.group import Aggregator
    from gofix.triage.match import Matcher
    from gofix.triage.parse import Report
    from gofix.triage.render import Row

# Only typer at import time: every `gofix` start registers this command, and only a triage
# run needs the parser, the matcher and rich; those are imported in triage().

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
MAX_PROBLEMS_SHOWN = 5
FORMATS = ("table", "json", "markdown")


def _eprint(message: str) -> None:
    print(message, file=sys.stderr)


def parse_duration(text: str) -> float:
    """`30s`, `2m`, `500ms`, `1h`, `1m30s` or plain seconds -> seconds. ValueError otherwise."""
    import re

    t = text.strip()
    if re.fullmatch(r"\d+(\.\d+)?", t):
        return float(t)
    parts = re.findall(r"(\d+(?:\.\d+)?)(ms|s|m|h)", t)
    if not parts or "".join(a + b for a, b in parts) != t:
        raise ValueError(f"{text!r}: expected a duration like 30s, 2m, 500ms or 1h")
    unit = {"ms": 0.001, "s": 1, "m": 60, "h": 3600}
    return sum(float(a) * unit[b] for a, b in parts)


def triage(
    dumps: Annotated[list[str], typer.Argument(help="Goroutine dumps (debug=2, debug=1, SIGQUIT or panic output, goroutine or goroutineleak profiles in any debug form) or pprof URLs (http://host:6060 fetches the goroutineleak profile, else the goroutine dump); - reads stdin. Two or more: compare, first is BEFORE, last is AFTER.", show_default=False)],
    repo: Annotated[Path, typer.Option("--repo", help="The source checkout the dump's binary was built from.")] = Path("."),
    format: Annotated[str, typer.Option("--format", help="Output format: table, json or markdown.")] = "table",
    fix: Annotated[bool, typer.Option("--fix", help="Write the safe fixes of the findings matched to the groups shown.")] = False,
    unsafe_fixes: Annotated[bool, typer.Option("--unsafe-fixes", help="With --fix, also apply unsafe fixes.")] = False,
    all_groups: Annotated[bool, typer.Option("--all", help="Comparing: also list the groups that did not grow.")] = False,
    limit: Annotated[int, typer.Option("--limit", help="Rows in the table (json and markdown list every group).")] = 20,
    select: Annotated[Optional[str], typer.Option("--select", help="Comma-separated rule ids to run (default: all).")] = None,
    ignore: Annotated[Optional[str], typer.Option("--ignore", help="Comma-separated rule ids to skip.")] = None,
    go_version: Annotated[Optional[str], typer.Option("--go-version", help="Go version to assume instead of go.mod's.")] = None,
    option: Annotated[Optional[list[str]], typer.Option("--option", help="Rule option RULE.KEY=VALUE (repeatable).")] = None,
    config: Annotated[Optional[Path], typer.Option("--config", help="Config file (default: found upward from --repo).")] = None,
    no_progress: Annotated[bool, typer.Option("--no-progress", help="Never show a progress bar.")] = False,
    verify: Annotated[Optional[bool], typer.Option("--verify/--no-verify", help="With --fix: check each changed package with go build and go vet first and leave out fixes that fail (default: on when go is on PATH).", show_default=False)] = None,
    allow_dirty: Annotated[bool, typer.Option("--allow-dirty", help="With --fix: also fix files that have uncommitted changes in git.")] = False,
    group_by: Annotated[Optional[str], typer.Option("--group-by", help="Also split groups by pprof label values: label:KEY[,label:KEY2] (Go 1.27 dumps and profiles carry labels).")] = None,
    every: Annotated[Optional[str], typer.Option("--every", help="With one URL: take a snapshot every DURATION (30s, 2m) and rank by growth over the series.")] = None,
    count: Annotated[Optional[int], typer.Option("--count", help="With --every: how many snapshots (default 2).")] = None,
    apply_unverified: Annotated[Optional[bool], typer.Option("--apply-unverified/--no-apply-unverified", help="With --fix: also apply fixes verification could not check (default: left out, or the config's apply-unverified).", show_default=False)] = None,
) -> None:
    """Rank the goroutines of a dump by leak suspicion and point at the code and its fix.

    Groups goroutines by (wait state, first frame in your code, creation site), ranks the groups the runtime proved leaked (goroutineleak profile, `(leaked)`) first, then by count and longest wait (by growth when given BEFORE and AFTER dumps or --every), maps frames into --repo and attaches the gofix findings of those functions. Exit status: 0 nothing matched, 1 a group has a finding (or --fix wrote files), 2 error. See docs/triage.md.
    """
    from rich.console import Console

    from gofix.config import ConfigError
    from gofix.model import Severity
    from gofix.project import Project, Settings, SettingsError
    from gofix.triage.dump import DumpError, read_dump
    from gofix.triage.fetch import is_url
    from gofix.triage.group import Aggregator, compare, parse_group_by, rank
    from gofix.triage.match import Matcher
    from gofix.triage.parse import Report
    from gofix.triage.render import Row, print_table, to_json, to_markdown
    from gofix.triage.repo import RepoMap

    if format not in FORMATS:
        _eprint(f"gofix: --format: unknown format {format!r} ({', '.join(FORMATS)})")
        raise typer.Exit(EXIT_ERROR)
    if not repo.is_dir():
        _eprint(f"gofix: --repo {repo}: not a directory")
        raise typer.Exit(EXIT_ERROR)
    if dumps.count("-") > 1:
        _eprint("gofix: stdin (-) can be read only once")
        raise typer.Exit(EXIT_ERROR)
    def split(v: str | None) -> tuple[str, ...] | None:
        items = tuple(x.strip() for x in (v or "").split(",") if x.strip())
        return items or None

    try:
        label_keys = parse_group_by(group_by)
    except ValueError as e:
        _eprint(f"gofix: {e}")
        raise typer.Exit(EXIT_ERROR)
    interval = None
    if count is not None and every is None:
        _eprint("gofix: --count needs --every")
        raise typer.Exit(EXIT_ERROR)
    if every is not None:
        try:
            interval = parse_duration(every)
        except ValueError as e:
            _eprint(f"gofix: --every: {e}")
            raise typer.Exit(EXIT_ERROR)
        if count is None:
            count = 2
        if count < 2 or count > 1000:
            _eprint("gofix: --count: between 2 and 1000 snapshots")
            raise typer.Exit(EXIT_ERROR)
        if len(dumps) != 1 or not is_url(dumps[0]):
            _eprint("gofix: --every takes one pprof URL (http://host:port[/debug/pprof/...])")
            raise typer.Exit(EXIT_ERROR)
        dumps = dumps * count
    try:
        options = Project(Settings(select=split(select), ignore=split(ignore),
                                   unsafe_fixes=True if unsafe_fixes else None, go_version=go_version,
                                   rule_options=Settings.parse_rule_options(option), config=config,
                                   apply_unverified=apply_unverified))
        options.options_for(repo)  # a broken config file is an error now, not at the first match
    except (SettingsError, ConfigError) as e:
        _eprint(f"gofix: {e}")
        raise typer.Exit(EXIT_ERROR)

    repo_map = RepoMap(repo)
    progress = not no_progress and sys.stderr.isatty()
    aggs: list[Aggregator] = []
    reports: list[Report] = []
    for i, name in enumerate(dumps):
        if interval is not None and i:
            _eprint(f"gofix: snapshot {i + 1}/{len(dumps)} of {name} in {every}")
            time.sleep(interval)
        agg, report = Aggregator(repo_map, label_keys), Report()
        try:
            read_dump(name, agg, report, progress=progress)
        except DumpError as e:
            _eprint(f"gofix: {e}")
            raise typer.Exit(EXIT_ERROR)
        except KeyboardInterrupt:
            raise
        _report_problems(report)
        if report.goroutines == 0 and "goroutineleak" in report.profiles and len(dumps) == 1:
            print(f"{report.source}: the runtime found no leaked goroutine (goroutineleak profile: total 0)")
            raise typer.Exit(EXIT_CLEAN)
        if report.goroutines == 0 and "goroutineleak" not in report.profiles:
            _eprint(f"gofix: {report.source}: no goroutines found (expected a goroutine dump: "
                    "/debug/pprof/goroutine?debug=2 or ?debug=1, a SIGQUIT traceback or panic output)")
            raise typer.Exit(EXIT_ERROR)
        aggs.append(agg)
        reports.append(report)

    comparing = len(aggs) > 1
    if comparing:
        grown, folded = compare(aggs)
        changes = grown + (folded if all_groups else [])
        rows = [Row(i, c.group, counts=c.counts, group_by=label_keys) for i, c in enumerate(changes, 1)]
    else:
        folded = []
        rows = [Row(i, g, group_by=label_keys) for i, g in enumerate(rank(aggs[0].groups.values()), 1)]

    matcher = Matcher(repo_map, options)
    for row in rows:
        row.matches = matcher.for_group(row.group)
    for e in matcher.errors:
        _eprint(f"gofix: {e}")

    summary = _summary(reports, aggs, rows, folded, comparing)
    if interval is not None:
        title = f"Goroutine growth: {reports[-1].source} ({len(reports)} snapshots, every {every})"
    elif comparing:
        title = "Goroutine growth: " + " -> ".join(r.source for r in reports)
    else:
        title = f"Goroutines: {reports[0].source}"
    if format == "json":
        print(to_json(rows))
    elif format == "markdown":
        sys.stdout.write(to_markdown(rows, options, title, summary, comparing))
    else:
        console = Console(highlight=False)
        if not console.is_terminal:
            console = Console(highlight=False, width=max(console.width, 160))
        console.print(summary, markup=False, soft_wrap=True)
        if rows:
            print_table(console, rows, options, title, comparing, limit)
        if folded and not all_groups:
            console.print(f"{len(folded)} group(s) did not grow (folded; --all lists them)", markup=False,
                          soft_wrap=True)

    status = EXIT_FINDINGS if any(m.finding.severity != Severity.HINT for r in rows for m in r.matches) else EXIT_CLEAN
    if fix:
        written = _write_fixes(matcher, rows, to_stderr=format == "json", verify=verify, allow_dirty=allow_dirty)
        status = EXIT_FINDINGS if written else status
    raise typer.Exit(status)


def _report_problems(report: Report) -> None:
    if not report.problem_count:
        return
    _eprint(f"gofix: {report.source}: {report.problem_count} unreadable part(s) skipped"
            f"{' (the dump looks truncated)' if report.truncated else ''}; the rest was used:")
    for p in report.problems[:MAX_PROBLEMS_SHOWN]:
        _eprint(f"  {p}")
    if report.problem_count > MAX_PROBLEMS_SHOWN:
        _eprint(f"  ... and {report.problem_count - MAX_PROBLEMS_SHOWN} more")


def _summary(reports: list[Report], aggs: list[Aggregator], rows: list[Row], folded: list, comparing: bool) -> str:
    matched = sum(1 for r in rows if r.matches)
    proven = sum(r.group.leaked for r in rows)
    leaks = f"; {proven:,} proven leaked by the runtime" if proven else ""
    if comparing:
        counts = " -> ".join(f"{r.goroutines:,}" for r in reports)
        return (f"Goroutines {counts}; {len(rows)} group(s) grew or are proven leaked"
                f"{f', {len(folded)} did not grow' if folded else ''}{leaks}; {matched} with a matching gofix finding.")
    r, a = reports[0], aggs[0]
    kinds = "/".join(sorted(r.formats)) or "?"
    if "goroutineleak" in r.profiles:
        kinds = f"goroutineleak profile, {kinds}"
    panics = f" Panic: {r.panics[0]}" if r.panics else ""
    return (f"{r.goroutines:,} goroutines ({kinds}) in {len(a.groups):,} group(s){leaks}; "
            f"{matched} with a matching gofix finding.{panics}")


def _write_fixes(matcher: Matcher, rows: list[Row], to_stderr: bool, verify: bool | None,
                 allow_dirty: bool) -> int:
    """Apply the matched findings' fixes through the apply pipeline `gofix fix` uses (dirty
    files refused, go build + go vet verification, atomic writes). Returns files written."""
    from gofix.apply import Policy, apply
    from gofix.triage.match import compute_fixes

    out = sys.stderr if to_stderr else sys.stdout
    matches = [m for r in rows for m in r.matches]
    outcomes, chosen, errors = compute_fixes(matcher, matches)
    for e in errors:
        _eprint(f"gofix: {e}")
    root = matcher.repo.root
    assert root is not None
    rel = {o.result.path: o.rel for o in outcomes}
    done = apply([o.result for o in outcomes], chosen,
                 Policy(verify=verify, allow_dirty=allow_dirty, roots=[root], display_root=root,
                        apply_unverified=matcher.options.apply_unverified(root),
                        show=lambda r: rel.get(r.path, r.path)))
    for line in done.lines:
        print(line, file=out)
    for m in done.messages:
        _eprint(m)
    return done.written


__all__ = ["triage"]
