"""Presenting triage results: a rich table, JSON (the documented contract) and markdown."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from rich.console import Console
from rich.table import Table

from gofix.engine import Options
from gofix.output import finding_json
from gofix.triage.group import Frame, Group
from gofix.triage.match import Match, fix_label

MAX_LOOK_AT = 3  # user frames listed for a group without a finding
MAX_LABELS_SHOWN = 3  # values shown per label key in the table and sentences


@dataclass
class Row:
    """One ranked group with what was matched to it (and its counts across dumps)."""

    rank: int
    group: Group
    matches: list[Match] = field(default_factory=list)
    counts: list[int] | None = None  # BEFORE ... AFTER, when comparing
    group_by: tuple[str, ...] = ()  # the label keys of --group-by, naming g.key[3]

    @property
    def growth(self) -> int | None:
        return self.counts[-1] - self.counts[0] if self.counts else None


def minutes_text(m: int) -> str:
    if m <= 0:
        return "<1m"
    if m < 60:
        return f"{m}m"
    if m < 24 * 60:
        h, r = divmod(m, 60)
        return f"{h}h{r:02d}m" if r else f"{h}h"
    d, r = divmod(m, 24 * 60)
    return f"{d}d{r // 60}h" if r // 60 else f"{d}d"


def wait_text(g: Group) -> str:
    lo, hi = g.wait_range
    if g.debug1 and hi == 0:
        return "?"
    return minutes_text(hi) if lo == hi else f"{minutes_text(lo)}-{minutes_text(hi)}"


def frame_json(f: Frame | None) -> dict | None:
    if f is None:
        return None
    return {"path": f.rel if f.rel is not None else f.file, "line": f.line, "function": f.function,
            "mapped": f.rel is not None, "kind": f.kind}


def row_json(row: Row) -> dict:
    g = row.group
    out = {
        "rank": row.rank,
        "count": g.count,
        "state": g.state,
        "wait_minutes": list(g.wait_range),
        "blocking": frame_json(g.blocking),
        "created_by": frame_json(g.created_by),
        "findings": [dict(finding_json(m.rel, m.finding), scope=m.scope) for m in row.matches],
        "frames": [frame_json(f) for f in g.frames],
        "goroutine_ids": list(g.goids),
        "locked_to_thread": g.locked,
        "leaked": g.leaked,
        "evidence": "proven" if g.proven else "suspected",
        "labels": {k: dict(sorted(v.items(), key=lambda kv: (-kv[1], kv[0]))) for k, v in sorted(g.labels.items())},
        "stack_elided": g.elided,
    }
    if g.key[3]:
        out["group_labels"] = dict(zip(row.group_by, g.key[3]))
    if row.counts is not None:
        out["counts"] = list(row.counts)
        out["growth"] = row.growth
    return out


def to_json(rows: list[Row]) -> str:
    return json.dumps([row_json(r) for r in rows], indent=2, ensure_ascii=False)


def _state_phrase(g: Group) -> str:
    lo, hi = g.wait_range
    state = f"`{g.state}`" if g.state else "an unknown state (debug=1 dump)"
    if hi == 0:
        return f"in {state}"
    if lo == hi:
        return f"in {state} for {minutes_text(hi)}"
    if lo == 0:
        return f"in {state} for up to {minutes_text(hi)}"
    return f"in {state} for {minutes_text(lo)}-{minutes_text(hi)}"


def state_text(g: Group) -> str:
    """The state with the markers worth seeing: locked to an OS thread, and the evidence:
    proven leaked by the runtime, or suspected from count and age."""
    text = g.state or "?"
    if g.locked:
        text += f" (locked to thread: {g.locked})" if g.locked != g.count else " (locked to thread)"
    return f"{text}\n{g.evidence}"


def labels_text(g: Group) -> str:
    """`handler=fetch req=0,1,2`: the pprof labels of the group's goroutines."""
    parts = []
    for k, values in sorted(g.labels.items()):
        ranked = sorted(values, key=lambda v: (-values[v], v))
        shown = ",".join(ranked[:MAX_LABELS_SHOWN]) + (f",+{len(ranked) - MAX_LABELS_SHOWN}" if len(ranked) > MAX_LABELS_SHOWN else "")
        parts.append(f"{k}={shown}")
    return " ".join(parts)


def sentence(row: Row, options: Options) -> str:
    """`412 goroutines in `chan send` for 2h at worker.go:88, created by fetchWithTimeout at
    worker.go:80: forgotten-sender, safe fix available`"""
    g = row.group
    n = f"{g.count:,} goroutine{'s' if g.count != 1 else ''}"
    if row.counts is not None and len(row.counts) > 1:
        n += f" (+{row.growth} since the first dump)" if row.growth and row.growth > 0 else f" ({row.growth:+d})"
    text = f"{n} {'proven leaked' if g.proven else 'suspected'} {_state_phrase(g)}"
    if g.labels:
        text += f" [{labels_text(g)}]"
    if g.blocking is not None:
        text += f" at {g.blocking.where} ({g.blocking.short_function})"
    if g.created_by is not None:
        text += f", created by {g.created_by.short_function} at {g.created_by.where}"
    if row.matches:
        m = row.matches[0]
        text += f": {m.finding.rule}, {fix_label(m.finding, options)}"
        if len(row.matches) > 1:
            text += f" (+{len(row.matches) - 1} more finding{'s' if len(row.matches) > 2 else ''})"
    else:
        look = [f.where for f in g.frames if f.kind == "user"][:MAX_LOOK_AT]
        if look:
            text += ": no gofix rule matches; look at " + ", ".join(look)
        else:
            text += ": no frame in your code (standard library or dependencies only)"
    return text


def _finding_cell(row: Row, options: Options) -> str:
    if not row.matches:
        return "-"
    return "\n".join(f"{m.finding.rule} ({fix_label(m.finding, options)})" for m in row.matches[:3])


def _frame_cell(f: Frame | None) -> str:
    if f is None:
        return "-"
    return f"{f.where}\n{f.short_function}"


def print_table(console: Console, rows: list[Row], options: Options, title: str, comparing: bool,
                limit: int) -> None:
    table = Table(title=title, show_lines=True, title_justify="left")
    table.add_column("#", justify="right")
    table.add_column("Goroutines" if not comparing else "Count (growth)", justify="right")
    table.add_column("State", overflow="fold")
    table.add_column("Wait", no_wrap=True)
    table.add_column("Blocking at", overflow="fold", ratio=3)
    table.add_column("Created by", overflow="fold", ratio=3)
    table.add_column("Finding", overflow="fold", ratio=2)
    for row in rows[:limit]:
        g = row.group
        count = str(g.count)
        if comparing and row.counts is not None:
            count = f"{' -> '.join(str(c) for c in row.counts)}\n({row.growth:+d})"
        state = state_text(g) + (f"\n{labels_text(g)}" if g.labels else "")
        table.add_row(str(row.rank), count, state, wait_text(g), _frame_cell(g.blocking),
                      _frame_cell(g.created_by), _finding_cell(row, options))
    console.print(table)
    if len(rows) > limit:
        console.print(f"... {len(rows) - limit} more group(s); --limit N or --format json shows them",
                      markup=False, soft_wrap=True)
    for row in rows[: min(limit, 5)]:
        console.print(f"{row.rank}. {sentence(row, options)}", markup=False, highlight=False, soft_wrap=True)


def to_markdown(rows: list[Row], options: Options, title: str, summary: str, comparing: bool) -> str:
    out = [f"## {title}", "", summary, ""]
    head = "| # | " + ("Count (growth)" if comparing else "Goroutines") + " | State | Wait | Blocking at | Created by | Finding |"
    out += [head, "|---:|---:|---|---|---|---|---|"]

    def cell(s: str) -> str:
        return s.replace("|", "\\|").replace("\n", "<br>")

    for row in rows:
        g = row.group
        count = str(g.count)
        if comparing and row.counts is not None:
            count = f"{' → '.join(str(c) for c in row.counts)} ({row.growth:+d})"
        blocking = f"`{g.blocking.where}` {g.blocking.short_function}" if g.blocking else "-"
        created = f"`{g.created_by.where}` {g.created_by.short_function}" if g.created_by else "-"
        finding = ", ".join(f"{m.finding.rule} ({fix_label(m.finding, options)})" for m in row.matches) or "-"
        state = state_text(g) + (f"\n{labels_text(g)}" if g.labels else "")
        out.append(f"| {row.rank} | {count} | {cell(state)} | {wait_text(g)} | {cell(blocking)} "
                   f"| {cell(created)} | {cell(finding)} |")
    for row in rows:
        g = row.group
        out += ["", f"### {row.rank}. {g.count} goroutine{'s' if g.count != 1 else ''} in `{g.state or '?'}`", "",
                sentence(row, options), ""]
        for m in row.matches:
            f = m.finding
            fix = f" Fix ({f.fix.applicability.value}): {f.fix.title}." if f.fix is not None else ""
            out.append(f"- `{m.rel}:{f.start.line}:{f.start.column}` **{f.rule}** ({f.severity.value}): {f.message}.{fix}")
        if row.matches:
            out.append("")
        out.append("```text")
        for fr in g.frames:
            out.append(fr.function)
            out.append(f"    {fr.where}")
        if g.elided:
            out.append("...additional frames elided...")
        if g.created_by is not None:
            out.append(f"created by {g.created_by.function}")
            out.append(f"    {g.created_by.where}")
        out.append("```")
    return "\n".join(out) + "\n"
