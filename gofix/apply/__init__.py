"""The apply pipeline: dirty check -> verify -> write -> report, the one way fixes reach files.

`gofix fix`, `gofix triage --fix` and `gofix bot` all hand the results of an engine fix run
to `apply(...)`; none of them writes a fixed file another way.

1. Dirty check (gofix.safety): a file with uncommitted changes in git is not touched
   (unless `Policy.allow_dirty`); it becomes a per-file error.
2. Verify (gofix.verify): each changed package is vetted (built where vet cannot prove it) with the fixes laid
   over it. A fix that breaks either is dropped. A fix that could not be checked (no Go
   toolchain, no go.mod, dependencies not available offline, a timeout) is **left out**
   unless the user opted in (`Policy.apply_unverified`, the `--apply-unverified` flag or
   `apply-unverified = true` in the config): what a careful reviewer would do with a
   change nobody could compile. With `Policy.verify=False` (`--no-verify`) nothing is
   checked and every selected fix is applied, each line saying so.
3. Write (gofix.writer.write_atomic), only files that are valid Go (gofix.validity): atomic, refusing files that changed meanwhile and
   links out of the scanned tree.
4. Report: one `fixed:` line per applied fix, saying "verified" or "not verified (why)";
   one line per fix left out; a summary; the counts `gofix fix` derives its exit status
   from (`Outcome.clean`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from gofix.model import FileResult, Finding, Severity


@dataclass(frozen=True)
class Policy:
    """How a face wants fixes applied."""

    verify: bool | None = None  # None: when a Go toolchain is on PATH
    apply_unverified: bool = False  # also apply fixes verification could not check
    allow_dirty: bool = False  # also fix files with uncommitted changes
    write: bool = True  # False: verify and report, write nothing (a dry run)
    roots: Sequence[Path] | None = None  # writes stay inside these trees (None: anywhere)
    jobs: int | None = None  # the go command's parallelism during verification (go -p)
    progress: bool = False  # say on stderr what verification runs, once it takes a while
    display_root: Path | None = None  # paths in messages relative to it (default: the cwd)
    # the path a result's file is written at and shown as (default: as the result names it)
    locate: Callable[[FileResult], Path] | None = None
    show: Callable[[FileResult], str] | None = None


@dataclass
class Outcome:
    results: list[FileResult]  # after verification and writing (a failed write is an error)
    lines: list[str] = field(default_factory=list)  # stdout: one `fixed:` line per applied fix
    messages: list[str] = field(default_factory=list)  # stderr: left out, refused, notes, summary
    written: int = 0  # files written
    fixes: int = 0  # fixes applied
    dropped: int = 0  # fixes verification proved wrong
    unverified: int = 0  # fixes left out because they could not be verified
    refused: int = 0  # files not written (dirty, changed meanwhile, ...)
    remaining: int = 0  # findings (not hints) left in the tree: no fix, not selected, left out
    write_errors: list[tuple[str, str]] = field(default_factory=list)  # (shown path, why) of failed writes

    @property
    def clean(self) -> bool:
        """Nothing changed and nothing is left: `gofix fix` exits 0 only then."""
        return not self.written and not self.refused and not self.remaining


def applied_line(path: str, f: Finding, verified: bool | None, why: str | None) -> str:
    """`path:line:col: fixed: Title [rule] (verified)` or `(not verified: why)`."""
    if verified is True:
        state = "verified"
    else:
        state = f"not verified: {why}" if why else "not verified"
    return f"{path}:{f.start.line}:{f.start.column}: fixed: {f.fix.title} [{f.rule}] ({state})"


def apply(results: list[FileResult], options, policy: Policy = Policy()) -> Outcome:
    """Run the pipeline over the results of an engine fix run (options: the run's Options,
    or a gofix.project.Project). Returns what happened; prints nothing."""
    from gofix import safety

    out = Outcome(list(results))
    show = policy.show or (lambda r: r.path)
    locate = policy.locate or (lambda r: Path(r.path))
    if not policy.allow_dirty:
        out.results = safety.refuse_dirty(out.results, lambda m: out.messages.append(m))
    verify = policy.verify
    go = None
    if verify is None:
        from gofix.verify import find_go

        go = find_go()
        verify = go is not None
    not_checked = "--no-verify" if not verify else None
    if verify and any(r.changed for r in out.results):
        from gofix import verify as verifier

        out.results, report = verifier.verify(out.results, options, jobs=policy.jobs, go=go,
                                              strict=not policy.apply_unverified,
                                              root=policy.display_root, progress=policy.progress or None)
        for note in report.notes:
            out.messages.append(f"gofix: not verified: {note}")
        if report.units:
            out.messages.append(
                f"gofix: verified {report.units} package(s): {report.verified} fix(es) proven, "
                f"{report.dropped} dropped, {report.unverified} not verifiable"
                + ("" if policy.apply_unverified or not report.unverified
                   else " (left out; --apply-unverified applies them)"))
    for r in out.results:
        applied = {(f.rule, f.start_byte) for f in r.applied} if r.changed else set()
        for f in r.findings:
            if f.fix is None or not f.verify_reason:
                continue
            where = f"{show(r)}:{f.start.line}:{f.start.column}"
            if f.verified is False:
                out.dropped += 1
                out.messages.append(f"{where}: fix dropped: {f.fix.title} [{f.rule}]: {f.verify_reason}")
            elif f.verified is None and (f.rule, f.start_byte) not in applied:
                out.unverified += 1
                out.messages.append(f"{where}: fix not applied: {f.fix.title} [{f.rule}]: {f.verify_reason}")
    import os

    from gofix import validity
    from gofix.writer import WriteError, remove_stale_temps, write_atomic

    if policy.write:  # temporary files of an earlier gofix killed mid-write, next to the files found
        remove_stale_temps({os.path.dirname(os.path.abspath(locate(r))) for r in out.results})

    # never write what go/parser rejects (gofix.validity: gofmt once per changed file). A
    # file every applied fix of which verification proved needs no second look: go vet
    # parsed exactly these bytes with go/parser (the overlay adds only a trailing comment,
    # which cannot make invalid Go valid), so gofmt runs only for the others.
    proven = {id(r) for r in out.results if _go_parsed(r)}
    checked = iter(validity.refuse_invalid([r for r in out.results if id(r) not in proven],
                                           lambda m: out.messages.append(m)))
    out.results = [r if id(r) in proven else next(checked) for r in out.results]

    for i, r in enumerate(out.results):
        if r.error == safety.DIRTY:
            out.refused += 1
        if not r.changed:
            continue
        if policy.write:
            try:
                write_atomic(locate(r), r.fixed, expected=r.source, roots=policy.roots)
            except WriteError as e:
                out.messages.append(f"{show(r)}: error: {e}")
                out.write_errors.append((show(r), str(e)))
                out.results[i] = dataclasses.replace(r, error=str(e), fixed=None, applied=[])
                out.refused += 1
                continue
        out.written += 1
        out.fixes += len(r.applied)
        for f in r.applied:
            out.lines.append(applied_line(show(r), f, f.verified, f.verify_reason or not_checked))
    fixed_ids = {(r.path, f.rule, f.start_byte) for r in out.results for f in r.applied if r.changed}
    out.remaining = sum(1 for r in out.results for f in r.findings
                        if f.severity != Severity.HINT and (r.path, f.rule, f.start_byte) not in fixed_ids)
    done = "applied" if policy.write else "would be applied"
    out.messages.append(f"gofix: {out.fixes} fix(es) {done} in {out.written} file(s); "
                        f"{out.remaining} finding(s) left for review")
    return out


def _go_parsed(r: FileResult) -> bool:
    """Did a go command parse r's fixed bytes as they are (every applied fix verified)?"""
    return r.changed and bool(r.applied) and all(f.verified is True for f in r.applied)


__all__ = ["Outcome", "Policy", "apply", "applied_line"]
