"""Reading a goroutine dump (a file, `-` for stdin, or a pprof URL) into an Aggregator, with
a progress bar. Text dumps (debug=2, debug=1, SIGQUIT, panics) are streamed; a gzipped
protobuf profile (debug=0) is read whole (bounded) by gofix.triage.profile."""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

from gofix.safe_read import ReadError, open_regular
from gofix.triage.group import Aggregator
from gofix.triage.parse import Report, parse

PROGRESS_EVERY = 20_000  # lines between progress bar updates
MAX_LINE = 1 << 20  # bytes; the longest real dump line (a frame with its arguments) is far shorter
_GZIP = b"\x1f\x8b"


class DumpError(Exception):
    pass


def read_dump(name: str, agg: Aggregator, report: Report, progress: bool = False) -> None:
    """Stream one dump (a path, `-` for stdin, or an http(s) URL) into agg; problems go into report."""
    from gofix.triage.fetch import is_url

    if is_url(name):
        from gofix.triage.fetch import FetchError, open_url

        try:
            resp, url = open_url(name)
        except FetchError as e:
            raise DumpError(str(e)) from e
        report.source = url
        with resp:
            length = resp.headers.get("Content-Length")
            _read_stream(io.BufferedReader(resp), agg, report, int(length) if length and length.isdigit() else None,
                         progress)
        return
    report.source = "<stdin>" if name == "-" else name
    if name == "-":
        binary: IO[bytes] = sys.stdin.buffer
        total = None
    else:
        try:  # a regular file only: a FIFO would block, /dev/zero never ends; `-` streams stdin
            binary = open_regular(name)
        except ReadError as e:
            hint = " (pipe it into `gofix triage -` instead)" if "FIFO" in str(e) else ""
            raise DumpError(f"{name}: cannot read: {str(e).removesuffix('; skipped')}{hint}") from e
        try:
            import os

            total = os.fstat(binary.fileno()).st_size
        except OSError:
            total = None
    try:
        _read_stream(binary, agg, report, total, progress)
    finally:
        if name != "-":
            binary.close()


def _read_stream(binary: IO[bytes], agg: Aggregator, report: Report, total: int | None, progress: bool) -> None:
    head = binary.peek(2)[:2] if hasattr(binary, "peek") else b""
    if head == _GZIP:
        _read_profile(binary, agg, report)
        return
    with _progress_bar(report.source, total, progress) as tick:
        records = parse(bounded_lines(binary), report)
        if tick is None:
            for r in records:
                agg.add(r)
        else:
            n = 0
            for r in records:
                agg.add(r)
                n += 1
                if n % PROGRESS_EVERY == 0:
                    tick(binary, report, len(agg.groups))
            tick(binary, report, len(agg.groups))


def _read_profile(binary: IO[bytes], agg: Aggregator, report: Report) -> None:
    from gofix.triage.profile import MAX_PROFILE_BYTES, ProfileError, read_profile

    data = binary.read(MAX_PROFILE_BYTES + 1)
    if len(data) > MAX_PROFILE_BYTES:
        raise DumpError(f"{report.source}: a protobuf profile larger than {MAX_PROFILE_BYTES >> 20} MiB")
    try:
        for r in read_profile(data, report):
            agg.add(r)
    except ProfileError as e:
        raise DumpError(f"{report.source}: {e}") from e


def bounded_lines(binary: IO[bytes], chunk: int = 1 << 20, limit: int = MAX_LINE) -> Iterator[str]:
    """The lines of a binary stream as text (UTF-8, bad bytes replaced; split as
    TextIOWrapper(newline="") splits them), with every line cut at `limit` bytes: memory
    stays bounded by the chunk and the limit even on input without newlines (`/dev/zero`
    piped into `-`). The cut line ends in a newline, so that the parser reports it as
    unreadable and goes on; the rest of it is dropped."""
    read = getattr(binary, "read1", binary.read)
    rest = b""
    dropping = False  # inside a line that was already cut
    while True:
        data = read(chunk)
        if not data:
            if rest and not dropping:
                yield from io.StringIO(rest.decode("utf-8", "replace"), newline="")
            return
        if dropping:
            nl = data.find(b"\n")
            if nl < 0:
                continue
            data, dropping = data[nl + 1:], False
        data = rest + data
        cut = data.rfind(b"\n") + 1
        if cut:
            yield from io.StringIO(data[:cut].decode("utf-8", "replace"), newline="")
        rest = data[cut:]
        if len(rest) > limit:
            yield rest[:limit].decode("utf-8", "replace") + "\n"
            rest, dropping = b"", True


@contextmanager
def _progress_bar(label: str, total: int | None, enabled: bool) -> Iterator:
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns = [SpinnerColumn(), TextColumn("[bold]{task.description}"), BarColumn(), DownloadColumn(),
               TextColumn("{task.fields[goroutines]:,} goroutines, {task.fields[groups]:,} groups"),
               TimeElapsedColumn()]
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=total, goroutines=0, groups=0)

        def tick(binary, report: Report, groups: int) -> None:
            try:
                pos = binary.tell()
            except (OSError, ValueError):
                pos = None
            bar.update(task, completed=pos, goroutines=report.goroutines, groups=groups)

        yield tick
