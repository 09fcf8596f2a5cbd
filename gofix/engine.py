"""The one way through: discover -> prefilter -> parse -> FileContext -> rules -> fixes.

The CLI, the language server, the bot and triage all call into this module; none of
them re-implements discovery, suppression, fix selection or the fixed-point loop.
"""

from __future__ import annotations

import fnmatch
import gc
import itertools
import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from gofix import gomod, safe_read
from gofix import syntax as S
from gofix import validity
from gofix.context import FileContext
from gofix.gomod import (
    ALWAYS_NEW_TIMERS,
    NEW_TIMERS,
    GoModError,
    GoVersion,
    ModuleInfo,
    has_debug_directive,
    module_for_dir,
)
from gofix.model import Applicability, FileResult, Finding, Severity
from gofix.edits import apply_edits, select_compatible
from gofix.rules import Rule
from gofix.analysis.package import DiskFiles, Package, disk_fingerprint
from gofix.analysis.rule import ByteScan

MAX_PASSES = 32  # fixes that touch the whole file (imports) go one per pass
DEFAULT_MAX_FILE_SIZE = 4 * 1024 * 1024
DEFAULT_TIME_BUDGET = 10.0  # CPU seconds of analysis per file; past it the file is skipped, with a message
SKIP_DIRS = {"vendor", "testdata", "node_modules"}
_GENERATED = re.compile(rb"^// Code generated .* DO NOT EDIT\.\r?$", re.M)
_PACKAGE = re.compile(rb"^package\s", re.M)
# Sibling files read for ctx.package, remembered by stat for the rest of the run (per process).
_DISK = DiskFiles()


_SEVERITY_RANK = {Severity.HINT: 0, Severity.WARNING: 1, Severity.ERROR: 2}


@dataclass(frozen=True)
class FixSelection:
    """Which findings' fixes a run applies, as data (so that it is part of the cache key and
    a selective run stays parallel and cached; a callable could be neither).

    A fix applies when it is not display-only, is safe (or unsafe fixes are on), its rule is
    in `rules` (None: any), its finding's severity is at least `floor` (a hint's fix also when
    its rule is selected by name), and, when `origins` is set, its finding is one of them:
    (rule id, start offset in the file as read), the identity a finding keeps through every
    pass of the fixed-point loop.
    """

    rules: frozenset[str] | None = None
    floor: Severity = Severity.WARNING
    origins: frozenset[tuple[str, int]] | None = None

    def only(self, rules: Iterable[str] | None = None,
             origins: Iterable[tuple[str, int]] | None = None) -> "FixSelection":
        return replace(self, rules=frozenset(rules) if rules is not None else self.rules,
                       origins=frozenset(origins) if origins is not None else self.origins)


@dataclass(frozen=True)
class Options:
    select: frozenset[str] | None = None  # None: every rule
    ignore: frozenset[str] = frozenset()
    unsafe_fixes: bool = False
    go_version: GoVersion | None = None  # overrides go.mod
    exclude: tuple[str, ...] = ()
    rule_options: dict[str, dict[str, Any]] = field(default_factory=dict)
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    extra_resources: dict[str, str] = field(default_factory=dict)  # "import/path.Func" -> "Close"
    jobs: int = 0  # worker processes; 0: one per core
    cache_dir: str | None = None  # None: no cache
    respect_gitignore: bool = True  # a walk skips what git ignores (gofix.gitignore)
    fixes: FixSelection = FixSelection()  # which fixes a fix run applies
    report_unused_ignores: bool = False  # unused-ignore findings for gofix directives that suppress nothing
    time_budget: float = DEFAULT_TIME_BUDGET  # seconds per file (checked between rules); results never depend on it

    def __hash__(self) -> int:  # rule_options is a dict; hash what identifies the run
        return hash((self.select, self.ignore, self.unsafe_fixes, self.go_version, self.exclude,
                     self.report_unused_ignores,
                     repr(sorted(self.rule_options.items())), self.max_file_size,
                     tuple(sorted(self.extra_resources.items())), self.fixes))

    def rules(self) -> list[Rule]:
        from codemods import RULES

        return [
            r for r in RULES
            if (self.select is None or r.id in self.select) and r.id not in self.ignore
        ]

    def explicitly_selected(self, rule_id: str) -> bool:
        return self.select is not None and rule_id in self.select

    def options_for(self, path: str | Path) -> "Options":
        """The options for one file: these (gofix.project.Project resolves config per file)."""
        return self

    def selecting(self, rules: Iterable[str] | None = None,
                  origins: Iterable[tuple[str, int]] | None = None) -> "Options":
        """These options applying only the fixes of rules / of the findings at origins."""
        return replace(self, fixes=self.fixes.only(rules, origins))


# --- discovery ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    path: Path  # as given / found
    explicit: bool  # named on the command line (not found by walking)


def display_path(path: Path) -> str:
    """path relative to the current directory when it is inside it, else as given."""
    s = os.fspath(path)
    if not os.path.isabs(s):
        rel = os.path.normpath(s)
        return s if rel.startswith("..") else rel
    cwd = os.getcwd()
    if s.startswith(cwd + os.sep):
        return os.path.normpath(s[len(cwd) + 1 :])
    return s


def discover(paths: Iterable[str | Path], exclude: tuple[str, ...] = (),
             gitignore: bool = False) -> Iterator[Target | FileResult]:
    """Go files under paths, in a stable (sorted) order; a FileResult error for a missing path.
    gitignore: a walk skips what git ignores (files named in paths are always taken)."""
    for raw in paths:
        p = Path(raw)
        try:
            is_dir = stat.S_ISDIR(os.stat(p).st_mode)
        except OSError as e:  # missing, a link loop, a dangling link: one line
            yield FileResult(path=str(raw), error=safe_read.stat_error(p, e))
            continue
        if not is_dir:  # a file, or a FIFO or device (read_target says which, and skips it)
            if not _excluded(p, exclude):
                yield Target(p, explicit=True)
            continue
        ignore = None
        if gitignore:
            from gofix.gitignore import GitIgnore

            gi = GitIgnore(p)
            # a directory named on the command line is walked even when git ignores it
            ignore = None if gi.ignored(p, True) else gi.ignored
        yield from _walk(os.fspath(p), p.resolve(), exclude, ignore)


def _walk(top: str, root: Path, exclude: tuple[str, ...],
          ignored: Callable[[str, bool], bool] | None = None) -> Iterator[Target]:
    """A directory's Go files (sorted), then its subdirectories' (sorted, depth first), as
    os.walk would give them, but from one scandir per directory: the entries' types come
    with the listing, so a large tree costs no stat per file here. Links to directories are
    not followed. A stack, not recursion: no depth of tree is too deep."""
    stack = [top]
    while stack:
        directory = stack.pop()
        try:
            with os.scandir(directory) as it:
                entries = list(it)
        except OSError:
            continue
        files: list[os.DirEntry] = []
        dirs: list[str] = []
        for e in entries:
            try:
                is_dir = e.is_dir()
            except OSError:
                is_dir = False
            if is_dir:
                if not e.is_symlink() and e.name not in SKIP_DIRS and not e.name.startswith((".", "_")):
                    dirs.append(e.path)
            elif e.name.endswith(".go"):
                files.append(e)
        for e in sorted(files, key=lambda e: e.name):
            fp = Path(e.path)
            if _excluded(fp, exclude) or (e.is_symlink() and not _inside(fp, root)):
                continue
            if ignored is not None and ignored(e.path, False):
                continue
            yield Target(fp, explicit=False)
        stack.extend(d for d in sorted(dirs, reverse=True)
                     if not _excluded(Path(d), exclude) and not (ignored is not None and ignored(d, True)))


def _inside(p: Path, root: Path) -> bool:
    """Whether p (after following links) stays inside root: links out of the tree are not followed."""
    try:
        p.resolve().relative_to(root)
        return True
    except (ValueError, OSError):
        return False
    except RuntimeError:  # a symbolic link loop: kept, so that reading it says so in one line
        return True


def _excluded(p: Path, patterns: tuple[str, ...]) -> bool:
    if not patterns:
        return False
    s = p.as_posix()
    rel = display_path(p)
    return any(
        fnmatch.fnmatch(s, pat) or fnmatch.fnmatch(rel, pat) or fnmatch.fnmatch(p.name, pat)
        or any(fnmatch.fnmatch(part, pat) for part in p.parts)
        for pat in patterns
    )


def is_generated(src: bytes) -> bool:
    m = _PACKAGE.search(src)
    head = src[: m.start()] if m else src
    return _GENERATED.search(head) is not None


# --- module / Go version -----------------------------------------------------------------------


@lru_cache(maxsize=4096)
def _dir_has_debug_directive(directory: str) -> bool:
    """A `//go:debug asynctimerchan=1` in the directory's Go files. Go accepts //go:debug
    only before the package clause, so only each file's head is read."""
    try:
        for entry in os.scandir(directory):
            if entry.name.endswith(".go") and entry.is_file():
                with open(entry.path, "rb") as f:
                    head = f.read(4096)
                    while _PACKAGE.search(head) is None and len(head) < 65536:
                        more = f.read(8192)
                        if not more:
                            break
                        head += more
                m = _PACKAGE.search(head)
                if has_debug_directive(head[: m.start()] if m else head):
                    return True
    except OSError:
        pass
    return False


def clear_module_caches() -> None:
    """Forget what was read from go.mod / go.work / //go:debug (after they changed)."""
    gomod.clear_caches()
    _dir_has_debug_directive.cache_clear()
    _module_info_for_dir.cache_clear()
    _with_async_timers.cache_clear()


def module_info(path: Path, options: Options, timers: bool = True, index=None) -> ModuleInfo:
    """The module info for a file. timers=False skips what only the timer rules need (the
    //go:debug scan of the directory): for files no timer rule looks at. With a stat index
    (gofix.cache.StatIndex), the scan's answer is reused while the directory's Go files
    keep their stats."""
    directory = os.path.dirname(os.path.abspath(path))
    info = _module_info_for_dir(directory, options.go_version)
    v = info.go_version
    # //go:debug only matters where the go line alone leaves the choice open (1.23-1.26)
    if timers and v is not None and NEW_TIMERS <= v < ALWAYS_NEW_TIMERS and not info.async_timers:
        if index is not None:
            found = index.directory_flag(directory, _dir_has_debug_directive)
        else:
            found = _dir_has_debug_directive(directory)
        if found:
            return _with_async_timers(info)
    return info


@lru_cache(maxsize=4096)
def _module_info_for_dir(directory: str, go_version: GoVersion | None) -> ModuleInfo:
    info = module_for_dir(directory)
    return info if go_version is None else replace(info, go_version=go_version)


@lru_cache(maxsize=256)
def _with_async_timers(info: ModuleInfo) -> ModuleInfo:
    return replace(info, async_timers=True)


# --- analysis -------------------------------------------------------------------------------------


def analyze(path: str, src: bytes, module: ModuleInfo, options: Options,
            rules: list[Rule] | None = None,
            siblings: Mapping[str, bytes] | None = None,
            source_path: str | None = None, *,
            tree: Any = None, memo: Any = None,
            deadline: tuple[float, float] | None = None) -> tuple[FileResult, list[str]]:
    """Findings for one file's bytes.

    The file's package (ctx.package) is src plus the other files of its directory, read
    from disk only if a rule asks; `siblings` (path -> bytes) gives them instead (tests,
    editors). When a rule used them, result.package_fingerprint is set: the result then
    depends on their bytes too (the cache checks it).

    tree: src's syntax tree when the caller has it (an incremental parse). memo: a
    gofix.analysis.incremental.Memo holding the findings of an earlier version of the file,
    per top-level declaration: only the declarations whose key changed are analysed again.
    deadline: (end in time.process_time, budget): past it, the file's result is the error
    "too complex: skipped after N s" (checked between rules and declarations).

    Returns the FileResult and internal errors of single rules (logged by the caller;
    the other rules still report).
    """
    from gofix.analysis import incremental

    result = FileResult(path=path, source=src)
    rules = options.rules() if rules is None else rules
    scan = _byte_scan(src)
    packages: list[Package] = []  # the file's package, once a prefilter asked for it (before the parse)

    def the_package() -> Package:
        if not packages:
            packages.append(Package.of_file(source_path or path, src, reader=_DISK) if siblings is None
                            else Package.in_memory(path, src, siblings))
        return packages[0]

    active = [r for r in rules if r.prefilter(scan, options, the_package)]
    prefilter_used = bool(packages) and packages[0].used  # a prefilter's answer came from the other files
    if not active:
        if prefilter_used:
            result.package_fingerprint = packages[0].fingerprint
        return result, []
    try:
        src.decode("utf-8")
    except UnicodeDecodeError as e:
        result.error = f"not valid UTF-8 (byte {e.start}); file skipped"
        return result, []
    if tree is None:  # the tree parsed when a sibling of this file read it (same bytes on disk), else parsed now
        tree = _DISK.tree(source_path or path, src) if siblings is None else S.parse(src)
    degraded = validity.degrade(tree)  # a syntax error: findings of intact functions only, no fixes
    if degraded is not None:
        result.error = degraded.message
        if not degraded.intact:
            return result, []
    # source_path: where the file lives on disk, when path is only how results name it
    package = the_package()
    package.current.attach(tree)
    ctx = FileContext(path, src, tree, module, options.rule_options, package=package,
                      nolint={r.id: r.nolint for r in active})
    ctx.extra_resources = options.extra_resources  # read by unclosed-resource
    try:
        with S.rooted(tree.root_node):  # ancestor walks cost the depth, not its square
            if memo is not None and degraded is None and not options.report_unused_ignores:
                memo.bind((options, module, tuple(r.id for r in rules)))
                found = incremental.by_declaration(ctx, memo, tuple(active),
                                                   lambda ranges: _rule_findings(ctx, active, module, degraded,
                                                                                 ranges, deadline),
                                                   deadline)
            else:
                found = _rule_findings(ctx, active, module, degraded, None, deadline)
            findings, errors, used = found
            findings.extend(_directive_findings(ctx, active, options))
    except incremental.TooComplex as e:
        result.error = str(e)
        return result, []
    finally:
        ctx.memo_clear()  # its facts hold the context (cycles): the tree goes now, not at the next GC
    findings.sort(key=lambda f: (f.start_byte, f.rule, f.end_byte))
    result.findings = findings
    if used or prefilter_used:
        result.package_fingerprint = package.fingerprint
    return result, errors


def _rule_findings(ctx: FileContext, active: list[Rule], module: ModuleInfo, degraded: Any,
                   ranges: tuple[tuple[int, int], ...] | None,
                   deadline: tuple[float, float] | None) -> tuple[list[Finding], list[str], bool]:
    """The active rules' findings in ranges (None: the whole file), internal errors, and
    whether a rule read the package's other files."""
    from gofix.analysis import incremental

    errors: list[str] = []
    findings: list[Finding] = []
    ctx.ranges = ranges
    package = ctx.package
    package.used = False
    for rule in active:
        incremental.check_deadline(deadline)
        try:
            found = rule.find(ctx)
        except Exception as e:  # a bug in one rule must not hide the others' findings
            if degraded is None:  # on a broken tree a rule may trip; the file error says why
                errors.append(f"{ctx.path}: internal error in rule {rule.id}: {type(e).__name__}: {e}")
            continue
        for f in found:
            if degraded is not None:
                if not degraded.keeps(f.start_byte):
                    continue
                if f.fix is not None:  # say why the fix is gone, on the finding itself (D02)
                    f = replace(f, fix=None, message=f"{f.message} ({degraded.no_fix_note})")
            if ctx.suppressed(rule.id, f):
                continue
            if rule.timer_rule and module.timers_collected and f.severity != Severity.HINT:
                f = _as_timer_hint(f)
            findings.append(f)
    ctx.ranges = None
    return findings, errors, package.used


def _directive_findings(ctx: FileContext, active: list[Rule], options: Options) -> list[Finding]:
    """invalid-ignore / unused-ignore findings about the file's //gofix: directives."""
    if b"gofix:" not in ctx.src:
        return []
    from codemods import RULE_IDS
    from gofix.analysis.suppression import directive_findings

    return directive_findings(ctx, frozenset(RULE_IDS), frozenset(r.id for r in active),
                              options.report_unused_ignores)


def _as_timer_hint(f: Finding) -> Finding:
    note = (" Not a leak on this module's Go version (>= 1.23: unreferenced timers and tickers"
            " are collected); kept as a hint.")
    sep = " " if f.message.rstrip().endswith((".", "!", "?")) else "."  # a sentence of its own
    return replace(f, severity=Severity.HINT, message=f.message.rstrip() + sep + note)


def fix_applies(f: Finding, options: Options, floor: Severity | None = None) -> bool:
    """Whether a fix run with options applies f's fix (options.fixes, and unsafe fixes only
    when they are on). floor overrides the selection's severity floor: the language server
    offers a hint's fix as a quick fix (picking one is explicit)."""
    sel = options.fixes
    if f.fix is None or f.fix.applicability == Applicability.DISPLAY_ONLY:
        return False
    if f.fix.applicability == Applicability.UNSAFE and not options.unsafe_fixes:
        return False
    if sel.rules is not None and f.rule not in sel.rules:
        return False
    least = sel.floor if floor is None else floor
    if _SEVERITY_RANK[f.severity] < _SEVERITY_RANK[least] and not options.explicitly_selected(f.rule):
        return False
    if sel.origins is not None and (f.rule, f.start_byte) not in sel.origins:
        return False
    return True


def fix_source(path: str, src: bytes, module: ModuleInfo, options: Options,
               accept: Callable[[Finding], bool] | None = None,
               siblings: Mapping[str, bytes] | None = None,
               to_file: Callable[[int], int] | None = None,
               source_path: str | None = None,
               deadline: tuple[float, float] | None = None, *,
               tree: Any = None, memo: Any = None) -> tuple[FileResult, list[str]]:
    """Analyse src and apply the selected fixes up to a fixed point: the one loop.

    Fixes whose edits overlap (or that introduce names into the same function) go in later
    passes, each pass re-analysing the previous output. A finding keeps its identity
    through the passes: its origin, the offset in src its start maps back to through the
    edits applied so far (findings inside inserted code have none). The selection
    (fix_applies, or accept when given) sees every finding with `start_byte` set to its
    origin as an offset in the file as read (to_file maps src offsets there: the layout's
    BOM and CRLF), so that `options.fixes.origins` names the same finding in every pass;
    a finding without an origin is fixed only when the selection names no origins.

    The result's findings are those of the original source; `applied` holds those whose
    fix went in (the first-pass finding, whatever pass applied it); `fixed` the final bytes.

    tree and memo (an editor's buffer): src's syntax tree and the
    gofix.analysis.incremental.Memo of its earlier analyses, so that the first pass reuses
    every unchanged declaration's findings (a fix-all right after the diagnostics analyses
    nothing again before its edits) and the passes' versions stay in the memo.
    """
    from gofix.analysis import incremental

    # Each pass re-parses only around its edits and re-analyses only the declarations whose
    # key changed (gofix.analysis.incremental): the findings of the others are reused.
    memo = incremental.Memo() if memo is None else memo
    tree = S.parse(src) if tree is None else tree
    first, errors = analyze(path, src, module, options, siblings=siblings, source_path=source_path,
                            tree=tree, memo=memo, deadline=deadline)
    if first.error or not first.findings:
        return first, errors
    to_file = to_file or (lambda n: n)
    origins_only = accept is None and options.fixes.origins is not None

    def wanted(f: Finding, origin: int | None) -> bool:
        if f.fix is None:
            return False  # nothing to apply, whatever the selection says
        if origin is None:
            if origins_only:
                return False
            return accept(f) if accept is not None else fix_applies(f, options)
        g = replace(f, start_byte=to_file(origin))
        return accept(g) if accept is not None else fix_applies(g, options)

    by_origin = {(f.rule, f.start_byte): f for f in first.findings}
    cur, result = src, first
    history: list[list] = []
    applied: list[Finding] = []
    for _ in range(MAX_PASSES):
        chosen = []
        for f in result.findings:
            o = origin(f.start_byte, history)
            if wanted(f, o):
                chosen.append((f, o))
        if not chosen:
            break
        accepted, _ = select_compatible([f.fix for f, _ in chosen])
        accepted_ids = {id(x) for x in accepted}
        edits = sorted(e for fx in accepted for e in fx.edits)
        nxt = apply_edits(cur, edits)
        tree = incremental.reparse(nxt, incremental.edited(tree, cur, edits))
        if validity.syntax_problem(tree) is not None:
            errors.append(f"{path}: a fix produced code that does not parse; fixes for this file dropped")
            return first, errors
        for f, o in chosen:
            if id(f.fix) in accepted_ids:
                applied.append(by_origin.get((f.rule, o), f) if o is not None else f)
        history.append(_Pass(edits))
        cur = nxt
        result, errs = analyze(path, cur, module, options, siblings=siblings, source_path=source_path,
                               tree=tree, memo=memo, deadline=deadline)
        first.package_fingerprint = first.package_fingerprint or result.package_fingerprint
        errors.extend(errs)
        if result.error and over_budget(result):
            first.error = result.error  # out of time in a later pass: nothing is written
            return first, errors
        if result.error:
            errors.append(f"{path}: fixed output failed to re-analyse: {result.error}")
            return first, errors
    first.fixed = cur if cur != src else None
    first.applied = applied
    return first, errors


def origin(offset: int, history: list[list]) -> int | None:
    """offset in the text after the passes' edits (history: each pass's sorted edits) as an
    offset in the text before them; None when it lies in inserted text."""
    for edits in reversed(history):
        if isinstance(edits, _Pass):
            offset = edits.before(offset)
            if offset is None:
                return None
            continue
        delta = 0
        for e in edits:
            start = e.start + delta
            if offset < start:
                break
            if offset < start + len(e.text):
                return None
            delta += len(e.text) - (e.end - e.start)
        offset -= delta
    return offset


class _Pass(list):
    """One pass's sorted edits, with where each lands in the text after them: `origin` finds
    the edit before an offset by bisection (a scan per finding made large files quadratic)."""

    def __init__(self, edits: list) -> None:
        super().__init__(edits)
        self.starts: list[int] = []  # each edit's start in the text after the pass
        self.deltas: list[int] = []  # the size change of the edits up to and including it
        delta = 0
        for e in edits:
            self.starts.append(e.start + delta)
            delta += len(e.text) - (e.end - e.start)
            self.deltas.append(delta)

    def before(self, offset: int) -> int | None:
        import bisect

        k = bisect.bisect_right(self.starts, offset) - 1
        if k < 0:
            return offset
        if offset < self.starts[k] + len(self[k].text):
            return None
        return offset - self.deltas[k]


# --- files ----------------------------------------------------------------------------------------


def read_target(target: Target, options: Options) -> tuple[bytes | None, str | None]:
    """The file's bytes, or an error message. Generated files come back as (None, None)."""
    try:  # regular files only (a FIFO would hang, /dev/zero never ends), bounded by the limit
        st = safe_read.check_regular(target.path)
        src = _DISK.known(str(target.path), st) if st.st_size <= options.max_file_size else None
        if src is None:  # (else read moments ago, as a sibling of a file of its package)
            src = safe_read.read_regular(target.path, options.max_file_size)
    except safe_read.ReadError as e:
        return None, str(e)
    if not target.explicit and is_generated(src):
        return None, None
    return src, None


@dataclass
class Analysis:
    """What the engine says about one source (analyse_source)."""

    result: FileResult | None  # None when the source was skipped
    errors: list[str]  # internal errors of single rules (the other rules still report)
    skipped: str | None = None  # why it was not analysed (generated, excluded, too large)


def skip_reason(path: Path | None, src: bytes, options: Options, explicit: bool = False) -> str | None:
    """The skip policy for a source: too large, generated (unless named explicitly), or
    excluded by the configuration. None: analyse it."""
    if len(src) > options.max_file_size:
        return f"file is {len(src)} bytes, over the {options.max_file_size}-byte limit; not analysed"
    if not explicit and is_generated(src):
        return "generated file; not analysed"
    if path is not None and options.exclude and _excluded(path, options.exclude):
        return "excluded by the configuration; not analysed"
    return None


def analyse_source(path: str | Path, src: bytes, options: Options, fix: bool = False, *,
                   shown: str | None = None, explicit: bool = False,
                   module: ModuleInfo | None = None, tree: Any = None, memo: Any = None) -> Analysis:
    """The public entry: analyse this source as if it were the file at path.

    Applies the skip policy (skip_reason), reads the module's Go version for path, takes a
    UTF-8 BOM and CRLF line endings away before the rules run and maps the result back (every
    offset is into src, and `fixed` keeps src's BOM and line endings), and goes through the
    result cache when options have one. With fix, the fixes options.fixes selects are applied
    up to a fixed point (fix_source). options may be a gofix.project.Project: the options for
    path are used. Nothing is read from disk but go.mod (and //go:debug lines); nothing is
    written; the other files of the package are read from path's directory only if a rule
    asks. shown: the path as results name it (default: display_path(path)). tree and memo
    (an editor's buffer, analysed again after each edit): src's syntax tree, and the
    gofix.analysis.incremental.Memo of the buffer's earlier versions (see analyze); the
    tree is used only when src has no BOM and no CR (what the rules see is then src).
    """
    p = Path(path)
    options = options.options_for(p)
    label = shown if shown is not None else display_path(p)
    why = skip_reason(p, src, options, explicit)
    if why is not None:
        return Analysis(None, [], why)
    relevant = timer_relevant(src, options)
    if module is None:
        try:
            module = module_info(p, options, timers=relevant)
        except GoModError as e:
            return Analysis(FileResult(path=label, error=str(e), source=src), [])
    result, errors = compute(label, src, module, options, fix, relevant=relevant, source_path=str(p),
                             tree=tree, memo=memo)
    return Analysis(result, errors)


def process(target: Target, options: Options, fix: bool) -> tuple[FileResult | None, list[str]]:
    """Read, analyse and (with fix=True) compute the fixed bytes of one file. Writes nothing."""
    options = options.options_for(target.path)
    shown = display_path(target.path)
    src, err = read_target(target, options)
    if err is not None:
        return FileResult(path=shown, error=err), []
    if src is None:
        return None, []  # generated
    _DISK.offer(str(target.path), src)  # its package's other files may read it: not twice
    relevant = timer_relevant(src, options)
    try:
        module = module_info(target.path, options, timers=relevant)
    except GoModError as e:
        return FileResult(path=shown, error=str(e), source=src), []
    result, errors = compute(shown, src, module, options, fix, relevant=relevant, source_path=str(target.path))
    if target.explicit and result.error is None and not result.findings:
        # No rule looked at this file, so nothing parsed it; a file named on the command
        # line still gets its syntax checked, so that a typo is not a silent "clean".
        bad = validity.degrade(S.parse(src))
        if bad is not None:
            result.error = bad.message
    if result.error is not None and result.error.startswith("syntax error at "):
        result.error = validity.clarify(result.error, src)  # the grammar's gap, or the user's typo
    return result, errors


def compute(shown: str, src: bytes, module: ModuleInfo, options: Options, fix: bool,
            relevant: bool | None = None, source_path: str | None = None,
            tree: Any = None, memo: Any = None) -> tuple[FileResult, list[str]]:
    """analyze or fix_source in the file's layout, through the result cache when one is
    configured (the fix selection is data in options: part of the cache key).
    relevant: timer_relevant(src, options), when the caller knows it already."""
    cache = _cache_for(options)
    if cache is None:
        return _in_layout(shown, src, module, options, fix, source_path, tree, memo)
    from gofix.cache import content_digest

    digest = content_digest(src)
    if relevant is None:
        relevant = timer_relevant(src, options)
    key = cache.key(shown, digest, _key_module(module, relevant), fix)
    hit = cache.get(key, src, package=lambda: disk_fingerprint(source_path or shown, src, _DISK))
    if hit is not None:
        hit.digest, hit.timer_relevant = digest, relevant
        return hit, []
    result, errors = _in_layout(shown, src, module, options, fix, source_path, tree, memo)
    if not errors and not _is_empty(result) and not over_budget(result):
        cache.put(key, result)
    result.digest, result.timer_relevant = digest, relevant
    return result, errors


def timer_relevant(src: bytes, options: Options) -> bool:
    """Whether a timer rule (whose severity depends on the timer settings) looks at src."""
    scan = _byte_scan(src)
    return any(r.timer_rule and r.prefilter(scan, options) for r in options.rules())


_LAST_SCAN: list[ByteScan] = []


def _byte_scan(src: bytes) -> ByteScan:
    """The ByteScan of src: the last one when it is of these very bytes (timer_relevant and
    analyze look at the same file one after the other), else a new one."""
    if _LAST_SCAN and _LAST_SCAN[0].src is src:
        return _LAST_SCAN[0]
    scan = ByteScan(src)
    _LAST_SCAN[:] = [scan]
    return scan


@lru_cache(maxsize=256)
def _key_module(module: ModuleInfo, timer_relevant: bool) -> ModuleInfo:
    """What of the module info the cache key covers: the timer settings only for files a
    timer rule looks at (no other rule's result depends on them)."""
    return module if timer_relevant else replace(module, path=None, async_timers=False)


def _in_layout(shown: str, src: bytes, module: ModuleInfo, options: Options,
               fix: bool, source_path: str | None = None, tree: Any = None,
               memo: Any = None) -> tuple[FileResult, list[str]]:
    """analyze or fix_source with a UTF-8 BOM and CRLF line endings taken away (rules only
    ever see LF without BOM), the result mapped back (gofix.writer.Layout): offsets are
    into the file's own bytes, and the fixed bytes keep its BOM and line endings."""
    from gofix.writer import Layout

    layout = Layout.of(src)
    text = layout.normalize(src)
    if not layout.plain:
        tree = None  # a tree of the bytes as given, not of the text the rules see
    deadline = budget_deadline(options)
    if fix:
        result, errors = fix_source(shown, text, module, options,
                                    to_file=None if layout.plain else (lambda n: layout.offset(text, n)),
                                    source_path=source_path, deadline=deadline, tree=tree, memo=memo)
    else:
        result, errors = analyze(shown, text, module, options, source_path=source_path, deadline=deadline,
                                 tree=tree, memo=memo)
    return layout.restore_result(result, src, text), errors


def budget_deadline(options: Options) -> tuple[float, float] | None:
    """(end in time.process_time, budget) for analysing one file from now (CPU seconds: the
    machine's load does not count), None without a budget."""
    import time

    budget = getattr(options, "time_budget", DEFAULT_TIME_BUDGET)
    return (time.process_time() + budget, budget) if budget and budget > 0 else None


def over_budget(r: FileResult) -> bool:
    """The file ran out of time (its time budget): never cached, and the faces say the run
    is incomplete (the CLI exits 2)."""
    return r.error is not None and r.error.startswith("too complex:")


def _is_empty(r: FileResult) -> bool:
    """Nothing to remember beyond "clean": the stat index records these without an entry."""
    return not r.findings and r.error is None and r.fixed is None


_CACHES: dict[tuple, object] = {}


def _cache_for(options: Options):
    if options.cache_dir is None:
        return None
    k = (options.cache_dir, hash(options))
    c = _CACHES.get(k)
    if c is None:
        from gofix.cache import Cache

        c = _CACHES[k] = Cache(Path(options.cache_dir), options)
    return c


def _work(job: tuple[Target, Options, bool]) -> tuple[FileResult | None, list[str]]:
    target, options, fix = job
    try:
        res, errs = process(target, options, fix)
    except Exception as e:  # never lose the whole run to one file
        return FileResult(path=display_path(target.path), error=f"internal error: {type(e).__name__}: {e}"), []
    if res is not None and (not fix or not res.changed):
        res.source = None  # only changed files need their bytes back: memory stays bound by the work in flight
    return res, errs


def _work_batch(jobs: list[tuple[Target, Options, bool]]) -> list[tuple[FileResult | None, list[str]]]:
    with _DISK.steady():
        out = [_work(j) for j in jobs]
    # a batch is a package or a few: what is left of its trees in reference cycles goes now
    # (the collector counts Python objects, not the trees' memory, and would wait)
    gc.collect()
    return out


PARALLEL_MIN_FILES = 16


def run(paths: Iterable[str | Path], options: Options, fix: bool = False,
        on_file: Callable[[], None] | None = None,
        on_start: Callable[[int], None] | None = None) -> tuple[list[FileResult], list[str]]:
    """Process every Go file under paths; results in discovery order, whatever `jobs` is.
    on_start gets the number of files once they are found; on_file is called once per file.

    options: Options for every file, or a gofix.project.Project, which gives each file the
    options of its nearest config file (`options_for(path)`); the fix selection is part of
    them, so a selective fix run is as parallel and cached as any other.

    With several jobs, files are spread over worker processes; each worker reads, parses
    and drops its trees package by package (a directory's files go to one worker, which
    parses each of them once, for itself and as a sibling of the others), and only results
    come back. The largest packages are sent first, so that one does not end the run by itself.
    """
    paths = list(paths)
    items = list(discover(paths, options.exclude, getattr(options, "respect_gitignore", True)))
    per_dir: dict[Path, Options] = {}  # a file's config is its directory's: looked up once per directory

    def options_of(t: Target) -> Options:
        o = per_dir.get(t.path.parent)
        if o is None:
            o = per_dir[t.path.parent] = options.options_for(t.path)
        return o

    found = [(i, t, options_of(t)) for i, t in enumerate(items) if isinstance(t, Target)]
    # a config file's own exclude patterns apply to the files it governs
    targets = [(i, t, o) for i, t, o in found if not (o.exclude and _excluded(t.path, o.exclude))]
    if on_start is not None:
        on_start(len(targets))
    slots: list[tuple[FileResult | None, list[str]]] = [
        (t, []) if isinstance(t, FileResult) else (None, []) for t in items
    ]
    stats: dict[int, os.stat_result] = {}
    seen: set[str] = set()  # display paths of the files found, for forgetting the others
    indexes: dict[Options, object] = {}
    by_options: dict[Options, list] = {}
    for i, t, o in targets:
        by_options.setdefault(o, []).append((i, t))
    targets = []
    for o, group in by_options.items():
        index = _stat_index(o)
        if index is not None:
            indexes[o] = index
            group = _from_index(index, group, slots, stats, o, on_file, seen, fix)
        targets += [(i, t, o) for i, t in group]
    targets.sort(key=lambda it: it[0])
    jobs = options.jobs or os.cpu_count() or 1
    if jobs <= 1 or len(targets) < PARALLEL_MIN_FILES:
        # a directory at a time (discovery lists a directory's files together)
        for _, batch in itertools.groupby(targets, key=lambda it: it[1].path.parent):
            with _DISK.steady():
                for i, t, o in batch:
                    slots[i] = _work((t, o, fix))
                    if on_file is not None:
                        on_file()
    else:
        import concurrent.futures as cf
        import multiprocessing as mp

        order = targets
        mp_ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else None
        # gc.freeze: what a worker inherits is never garbage, so its collections skip it
        with cf.ProcessPoolExecutor(max_workers=jobs, mp_context=mp_ctx, initializer=gc.freeze) as pool:
            futures = {
                pool.submit(_work_batch, [(t, o, fix) for _, t, o in batch]): batch
                for batch in _batches(order, jobs)
            }
            for fut in cf.as_completed(futures):
                batch = futures[fut]
                for (i, _, _), out in zip(batch, fut.result()):
                    slots[i] = out
                    if on_file is not None:
                        on_file()
    if indexes:
        # files under a scanned directory that were not found again (deleted, renamed,
        # unreadable) leave the index: forgetting costs at most a re-read, never a result
        roots = [_shown_root(p) for p in paths if os.path.isdir(p)]
        for o, index in indexes.items():
            index.forget(lambda path: path not in seen and any(_under(path, root) for root in roots))
            _record_index(index, [(i, t) for i, t, oo in targets if oo == o], slots, stats, o)
    results: list[FileResult] = []
    errors: list[str] = []
    for res, errs in slots:
        errors.extend(errs)
        if res is not None:
            results.append(res)
    return results, errors


def _stat_index(options: Options):
    cache = _cache_for(options)
    if cache is None:
        return None
    from gofix.cache import StatIndex

    return StatIndex(cache)


def module_tag(module: ModuleInfo, timer_relevant: bool) -> str:
    """What of the module info a file's result depends on, as the stat index stores it."""
    return f"{module.go_version}|{int(timer_relevant and module.async_timers)}"  # as _key_module


def _shown_root(directory: str | Path) -> str:
    """A scanned directory as the display paths of its files begin: "." for the current
    directory (its files show as relative paths)."""
    if os.path.abspath(directory) == os.getcwd():
        return "."
    return display_path(Path(directory))


def _under(path: str, root: str) -> bool:
    if root == ".":
        return not os.path.isabs(path) and not path.startswith("..")
    return path.startswith(root.rstrip(os.sep) + os.sep)


def _from_index(index, targets, slots, stats, options: Options, on_file, seen: set[str], fix: bool = False) -> list:
    """Fill slots for files whose stat is unchanged since a previous run; return the rest.
    Adds the display path of every file it could stat to seen. A fix run takes only the
    files in which nothing was found (nothing to fix either) and the generated ones: a
    file with findings is fixed again (its state names the check's cache entry)."""
    cache = _cache_for(options)
    rest = []
    for i, t in targets:
        try:
            st = os.stat(t.path)
        except OSError:
            rest.append((i, t))
            continue
        stats[i] = st
        shown = display_path(t.path)
        seen.add(shown)
        known = index.lookup(shown, st)
        if known is None and st.st_size <= options.max_file_size:
            known = index.lookup_content(shown, st, lambda: _read_or_none(t.path))
        if known is None:
            rest.append((i, t))
            continue
        digest, state, relevant, tag = known
        if state == index.GENERATED:
            if t.explicit:  # a file named on the command line is analysed even when generated
                rest.append((i, t))
                continue
            if on_file is not None:
                on_file()
            continue  # its slot stays (None, []): skipped, as when it was read
        try:
            module = module_info(t.path, options, timers=relevant, index=index)
        except GoModError:
            rest.append((i, t))
            continue
        if tag != module_tag(module, relevant):  # go.mod or //go:debug changed
            rest.append((i, t))
            continue
        if state == index.EMPTY:
            slots[i] = (FileResult(path=shown, digest=digest, timer_relevant=relevant), [])
        elif fix:
            rest.append((i, t))
            continue
        else:
            hit = cache.get(cache.key(shown, digest, _key_module(module, relevant), False), None)
            if hit is None:
                rest.append((i, t))
                continue
            hit.digest, hit.timer_relevant = digest, relevant
            slots[i] = (hit, [])
        if on_file is not None:
            on_file()
    return rest


def _read_or_none(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _record_index(index, targets, slots, stats, options: Options) -> None:
    for i, t in targets:
        res, errs = slots[i]
        st = stats.get(i)
        if st is None or errs:
            continue
        shown = display_path(t.path)
        if res is None and not t.explicit:  # generated: remembered so that it is not read again
            index.record(shown, st, "", index.GENERATED, False, "")
            continue
        if res is None or res.digest is None:
            continue
        try:
            module = module_info(t.path, options, timers=res.timer_relevant, index=index)
        except GoModError:
            continue
        state = index.EMPTY if _is_empty(res) else ""
        index.record(shown, st, res.digest, state, res.timer_relevant, module_tag(module, res.timer_relevant),
                     package=res.package_fingerprint is not None)
    index.save()


def _size(t: Target) -> int:
    try:
        return t.path.stat().st_size
    except OSError:
        return 0


def _batches(order: list, jobs: int) -> list[list]:
    """Batches of files, a directory's files together (a worker reads and parses each file
    of a package once, for the file itself and for its siblings, and drops them when it
    moves on): the largest packages first, so that no worker is left with a long tail,
    small directories grouped up to a few dozen files so that process overhead stays low."""
    by_dir: dict[str, list] = {}
    for item in order:
        by_dir.setdefault(os.path.dirname(os.path.abspath(item[1].path)), []).append(item)
    sizes = {d: sum(_size(it[1]) for it in group) for d, group in by_dir.items()}
    groups = sorted(by_dir.items(), key=lambda kv: -sizes[kv[0]])
    limit = max(1, min(64, len(order) // (jobs * 16) or 1))
    batches: list[list] = []
    cur: list = []
    for n, (_, group) in enumerate(groups):
        if n < jobs * 2 or len(group) >= limit:
            batches.append(group)
            continue
        cur.extend(group)
        if len(cur) >= limit:
            batches.append(cur)
            cur = []
    if cur:
        batches.append(cur)
    return batches
