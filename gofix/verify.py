"""Proving fixes with the Go toolchain: `go build` and `go vet` over an -overlay.

An engine service shared by every face (CLI, language server, bot): `verify(results,
options)` takes the FileResults of a fix run and returns them with every fix that makes
its package stop compiling, or adds a `go vet` diagnostic, dropped (the finding stays,
marked `verified=False` with the reason). Nothing is written into the user's tree: the
patched files go to a temporary directory and reach the go command through `-overlay`.

How packages ("units": a directory, and the GOOS/GOARCH and tags to build it for) are checked:
1. `go list -e -json` (no overlay): a load error or a dependency that is not available
   offline makes every fix in the package *unverified* (`verified=None`, with the reason),
   never verified; so does a patched file the build constraints exclude.
2. `go vet -json -overlay` of the patched packages: the units of one module (or go.work
   workspace) and build configuration share one go list and one go vet over one overlay
   (Checker.check_many). A vet failure (vet type-checks the package and its tests, and
   compiles its dependencies) or a vet diagnostic the unpatched package does not have fails
   the unit.
3. Only for the units that step 2 flags, `go vet -json` of the unpatched packages: the
   baseline. A package that does not type-check before the fixes cannot prove anything:
   unverified.
4. `go build -o /dev/null -overlay` only where vet cannot prove what the compiler would
   (`needs_build`: a patch that changes `//go:` directives or bodyless functions).
Files for another platform (x_windows.go, `//go:build darwin`) form units of their own
with that GOOS/GOARCH; a `//go:build ignore` program is a unit of one file (`go vet
gen.go`). Unsaved sources (an editor's buffers) are laid over the disk for the baseline too.
A unit that fails, or that one shared command cannot decide, is checked on its own
(Checker.check) and narrowed down: each file's fixes alone, then each fix alone; the
survivors are combined and checked again (if the combination still fails, every fix of
the package is dropped). The go commands get `-p` (the jobs setting).

The go command runs with GOTOOLCHAIN=local, GOPROXY=off, GOFLAGS=-mod=mod (-mod=vendor
for a vendored module; no -mod in workspace mode, where the default is read-only), and
`-modfile` pointing at a temporary copy of go.mod/go.sum, because -mod=mod may otherwise
rewrite the user's go.mod. Nothing is downloaded.

Vet diagnostics are compared as a multiset of (package, analyzer, file, message) with
line numbers in messages blanked out: a fix that inserts lines moves every diagnostic
below it, and that must not count as new.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from gofix.model import FileResult, Finding

GO_TIMEOUT = 600  # seconds for one go command (GOFIX_VERIFY_TIMEOUT overrides it)
_KNOWN_OS = {
    "aix", "android", "darwin", "dragonfly", "freebsd", "hurd", "illumos", "ios", "js",
    "linux", "nacl", "netbsd", "openbsd", "plan9", "solaris", "wasip1", "windows", "zos",
}
_KNOWN_ARCH = {
    "386", "amd64", "amd64p32", "arm", "armbe", "arm64", "arm64be", "loong64", "mips",
    "mipsle", "mips64", "mips64le", "mips64p32", "mips64p32le", "ppc", "ppc64", "ppc64le",
    "riscv", "riscv64", "s390", "s390x", "sparc", "sparc64", "wasm",
}
_LINE_REF = re.compile(r"\bline \d+\b")
# Where patched files go: <tmp>/gofix-verify-XXXX/ovN/M/<name>. The go command caches vet
# results by content and replays them with the paths of the run that stored them, so a
# position may name an overlay file of an earlier run: recognise them all by this shape.
_OVERLAY_PATH = re.compile(r"(?:[^\s:\"']*/)?gofix-verify-[^/\s]+/ov\d+/\d+/(?P<name>[^/\s:\"']+)")
# What verification reads from `go list`: naming the fields spares the go command the ones
# it computes only on request (Stale and StaleReason hash every dependency's files): on
# etcd's 26 touched packages 1.35 s -> 0.15 s cold, 0.33 s -> 0.15 s warm (go 1.26).
_LIST_JSON = "-json=Dir,ImportPath,GoFiles,CgoFiles,TestGoFiles,XTestGoFiles,Error,DepsErrors"
_IGNORE_TAG = re.compile(rb"^//go:build\b[^\n]*(?<![!\w])ignore\b", re.M)


def _timeout() -> int:
    try:
        return max(1, int(os.environ.get("GOFIX_VERIFY_TIMEOUT", "")))
    except ValueError:
        return GO_TIMEOUT


class Progress:
    """Says on stderr what verification is doing once it has run for a while (`after`
    seconds): a line per go command when stderr is not a terminal, one line kept up to date
    (with the seconds elapsed) when it is."""

    def __init__(self, stream=None, after: float = 2.0) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.after = after
        self.t0 = time.monotonic()
        self._running: dict[str, float] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None
        if self.tty:
            self._ticker = threading.Thread(target=self._tick, daemon=True)
            self._ticker.start()

    def _long(self) -> bool:
        return time.monotonic() - self.t0 >= self.after

    def started(self, what: str) -> None:
        with self._lock:
            self._running[what] = time.monotonic()
            if not self.tty and self._long():
                self._write(f"gofix: verifying: {what} ...\n")

    def finished(self, what: str, seconds: float) -> None:
        with self._lock:
            self._running.pop(what, None)
            if not self.tty and self._long():
                self._write(f"gofix: verifying: {what}: {seconds:.1f}s\n")

    def _tick(self) -> None:
        shown = False
        while not self._stop.wait(0.5):
            with self._lock:
                if not self._long():
                    continue
                now = time.monotonic()
                text = "; ".join(f"{w} ({now - t:.0f}s)" for w, t in self._running.items())
                self._write(f"\r\x1b[Kgofix: verifying: {text}"[:200])
                shown = True
        if shown:
            with self._lock:
                self._write("\r\x1b[K")

    def close(self) -> None:
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join()

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):
            pass


def find_go() -> str | None:
    """The go binary on PATH, or None (verification is then off by default)."""
    return shutil.which("go")


# --- one package -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Unit:
    directory: str  # absolute
    goos: str | None = None
    goarch: str | None = None
    # A program the package leaves out (`//go:build ignore`, e.g. a generator run with
    # `go run gen.go`): checked on its own, as the go command does for files it is given.
    file: str | None = None
    # Build tags a patched file asks for (`//go:build ... && integration`): the package is
    # checked under them, so that the file is part of the build it is verified in.
    tags: tuple[str, ...] = ()

    @property
    def target(self) -> tuple[str, ...]:
        return (os.path.basename(self.file),) if self.file else (".",)

    def label(self) -> str:
        d = _display(self.file or self.directory)
        if self.tags:
            d += f" (-tags {','.join(self.tags)})"
        if self.goos or self.goarch:
            return f"{d} ({self.goos or ''}/{self.goarch or ''})".replace("(/", "(").replace("/)", ")")
        return d


PASS, FAIL, UNVERIFIED = "pass", "fail", "unverified"


@dataclass
class Outcome:
    status: str  # PASS, FAIL or UNVERIFIED
    reason: str = ""
    files: frozenset[str] = frozenset()  # absolute paths the failure points at, when known


@dataclass
class _Baseline:
    outcome: Outcome | None  # UNVERIFIED outcome when the package cannot be checked
    diags: Counter | None = None  # vet diagnostics of the unpatched package (None: not run yet)
    files: set[str] = field(default_factory=set)  # absolute paths of files in the build
    builds: bool | None = None  # does the unpatched package build (computed lazily)
    test_only: bool = False  # only _test.go files: nothing for go build (go vet compiles the tests)
    import_path: str = ""
    vet_failure: Outcome | None = None  # the unpatched package does not vet (UNVERIFIED)


def _display(path: str) -> str:
    """A path in a message: absolute here; verify() makes the paths under its root relative
    (`_relative_paths`), so that every message names files as the user sees them."""
    return os.path.abspath(path)


_ABS_PATH = re.compile(r"(?<![\w.~-])(/[^\s:()'\"`,;]+)")
_REL_PATH = re.compile(r"(?<![\w/.~-])((?:\.\.?/)+[^\s:()'\"`,;]+)")


def _anchored(text: str, directory: str) -> str:
    """go output's paths relative to the directory it ran in (`../../x/y.go`, `./a.go`) as
    absolute paths."""
    return _REL_PATH.sub(lambda m: os.path.normpath(os.path.join(directory, m.group(1))), text)


def _relative_paths(text: str | None, root: str) -> str | None:
    """Absolute paths under root in text, relative to root (`dir/file.go`)."""
    if not text:
        return text
    prefix = root.rstrip(os.sep) + os.sep

    def one(m: re.Match) -> str:
        p = m.group(1)
        if p == root:
            return "."
        return p[len(prefix):] if p.startswith(prefix) else p

    return _ABS_PATH.sub(one, text)


def _module_root(directory: Path) -> tuple[Path | None, Path | None]:
    """(directory holding go.mod, go.work in force) for a package directory."""
    mod = work = None
    for p in [directory, *directory.parents]:
        if mod is None and (p / "go.mod").is_file():
            mod = p
        if (p / "go.work").is_file():
            work = p / "go.work"
            break
    gowork = os.environ.get("GOWORK")
    if gowork == "off":
        work = None
    elif gowork:
        work = Path(gowork)
    return mod, work


class Checker:
    """Runs the go command for units; caches each unit's baseline (list + unpatched vet)."""

    def __init__(self, go: str, tmp: Path, timeout: int | None = None,
                 buffers: dict[str, bytes] | None = None, jobs: int | None = None,
                 progress: Progress | None = None) -> None:
        self.go = go
        self.tmp = tmp
        self.timeout = timeout or _timeout()
        self.jobs = max(1, jobs or os.cpu_count() or 1)
        self.progress = progress
        # Unsaved contents (absolute path -> bytes) that differ from the disk, e.g. an
        # editor's buffers: the unpatched package is these, not what is on disk.
        self.buffers = buffers or {}
        self._baselines: dict[Unit, _Baseline] = {}
        self._modfiles: dict[Path, Path] = {}
        self._counter = 0
        self._lock = threading.Lock()  # units are checked from several threads
        # Appended to every file laid over the tree: go caches vet results by content and
        # replays them with the paths of the run that stored them, so without it the
        # user's own `go vet` of the fixed files would print this run's temporary paths.
        self._stamp = b"\n// gofix verification " + os.urandom(8).hex().encode() + b"\n"

    def _new_dir(self, prefix: str) -> Path:
        with self._lock:
            self._counter += 1
            d = self.tmp / f"{prefix}{self._counter}"
        d.mkdir()
        return d

    # -- environment

    def _flags(self, unit: Unit) -> tuple[list[str], str | None]:
        """GOFLAGS for a unit, and a reason it cannot be verified (or None)."""
        d = Path(unit.directory)
        mod, work = _module_root(d)
        flags = ["-buildvcs=false"]
        if work is not None:
            return flags, None  # workspace mode: read-only by default; -mod/-modfile refused
        if mod is None:
            return flags, "not in a Go module (no go.mod found)"
        head = (mod / "go.mod").read_bytes()[:4096]
        if re.search(rb"^\s*module\s+(std|cmd)\s*$", head, re.M):
            return flags + ["-mod=mod"], None  # the standard library: never rewritten
        if (mod / "vendor" / "modules.txt").is_file():
            return flags + ["-mod=vendor"], None
        return flags + ["-mod=mod", f"-modfile={self._modfile(mod)}"], None

    def _modfile(self, mod: Path) -> Path:
        """A private copy of go.mod (and go.sum): -mod=mod may rewrite them, never the user's."""
        with self._lock:
            if mod not in self._modfiles:
                self._counter += 1
                d = self.tmp / f"mod{self._counter}"
                d.mkdir()
                shutil.copyfile(mod / "go.mod", d / "go.mod")
                if (mod / "go.sum").is_file():
                    shutil.copyfile(mod / "go.sum", d / "go.sum")
                self._modfiles[mod] = d / "go.mod"
            return self._modfiles[mod]

    def _env(self, unit: Unit, flags: list[str]) -> dict[str, str]:
        env = dict(os.environ)
        # keep the user's own flags (-tags=...), but never their -mod/-modfile
        user = [f for f in env.get("GOFLAGS", "").split()
                if not f.startswith(("-mod=", "--mod=", "-modfile=", "--modfile=", "-buildvcs"))]
        if unit.tags:
            tags = [t for f in user if f.startswith(("-tags=", "--tags="))
                    for t in f.partition("=")[2].split(",") if t]
            user = [f for f in user if not f.startswith(("-tags=", "--tags="))]
            flags = flags + ["-tags=" + ",".join(sorted(set(tags) | set(unit.tags)))]
        env.update(GOTOOLCHAIN="local", GOPROXY="off", GOFLAGS=" ".join(user + flags))
        env.pop("GOPACKAGESDRIVER", None)
        if unit.goos:
            env["GOOS"] = unit.goos
        if unit.goarch:
            env["GOARCH"] = unit.goarch
        if unit.goos or unit.goarch:
            env["CGO_ENABLED"] = "0"
        return env

    def _overlay(self, unit: Unit, patched: dict[str, bytes]) -> tuple[list[str], dict[str, str]]:
        """(["-overlay=FILE"] or [], temp path -> real path) for the unit's buffers + patched."""
        files = {p: b for p, b in self.buffers.items() if os.path.dirname(p) == unit.directory}
        files.update(patched)
        return self._write_overlay(files)

    def _write_overlay(self, files: dict[str, bytes]) -> tuple[list[str], dict[str, str]]:
        if not files:
            return [], {}
        d = self._new_dir("ov")
        replace_map: dict[str, str] = {}
        back: dict[str, str] = {}
        for i, (path, data) in enumerate(sorted(files.items())):
            sub = d / str(i)
            sub.mkdir()
            tmpf = sub / Path(path).name
            tmpf.write_bytes(data + self._stamp)
            replace_map[path] = str(tmpf)
            back[str(tmpf)] = path
        overlay = d / "overlay.json"
        overlay.write_text(json.dumps({"Replace": replace_map}))
        return [f"-overlay={overlay}"], back

    def _go(self, unit: Unit, env: dict[str, str], *args: str, what: str = "") -> tuple[int, str, str]:
        """Runs `go ARGS` in the unit's directory; (-1, "", why) if it timed out or could not run.
        vet and build get `-p` (the jobs setting): the go command's own parallelism, and so
        its memory, stays bounded."""
        cmd = [self.go, args[0], *([f"-p={self.jobs}"] if args[0] in ("vet", "build") else []), *args[1:]]
        what = what or unit.label()
        t0 = time.monotonic()
        if self.progress is not None:
            self.progress.started(f"go {args[0]} of {what}")
        try:
            p = subprocess.run(cmd, cwd=unit.directory, env=env, capture_output=True,
                               text=True, errors="replace", timeout=self.timeout, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            return -1, "", (f"`go {args[0]}` of {what} timed out after {self.timeout}s "
                            f"(GOFIX_VERIFY_TIMEOUT sets the limit)")
        except OSError as e:
            return -1, "", f"cannot run go: {e}"
        finally:
            if self.progress is not None:
                self.progress.finished(f"go {args[0]} of {what}", time.monotonic() - t0)
        return p.returncode, p.stdout, p.stderr

    # -- baseline

    def baseline(self, unit: Unit, patched: dict[str, bytes]) -> _Baseline:
        if unit not in self._baselines:
            self._baselines[unit] = self._baseline(unit)
        base = self._baselines[unit]
        if base.outcome is not None:
            return base
        excluded = sorted(p for p in patched if p not in base.files)
        if excluded:
            why = []
            for p in excluded:
                line = build_line(patched[p])
                what = f"its build constraint `{line}`" if line else "its file name's GOOS/GOARCH"
                under = f" (checked for {unit.goos or 'this GOOS'}/{unit.goarch or 'this GOARCH'}" + \
                        (f" with -tags {','.join(unit.tags)})" if unit.tags else ")")
                why.append(f"{_display(p)}: excluded by {what}{under}")
            return _Baseline(Outcome(UNVERIFIED, "; ".join(why) + "; not verified"))
        return base

    def _baseline(self, unit: Unit) -> _Baseline:
        """The unit's `go list` (its files, load and dependency errors); the unpatched vet
        diagnostics are computed only when a check needs them (`_base_vet`)."""
        flags, why = self._flags(unit)
        if why:
            return _Baseline(Outcome(UNVERIFIED, why))
        env = self._env(unit, flags)
        ov, back = self._overlay(unit, {})
        rc, out, errout = self._go(unit, env, "list", "-e", _LIST_JSON, *ov, *unit.target)
        if rc == -1:
            return _Baseline(Outcome(UNVERIFIED, f"{errout}; not verified"))
        if rc != 0:
            return _Baseline(Outcome(UNVERIFIED, f"go list failed: {_first_error(errout or out, unit.directory)}"))
        try:
            info = json.loads(out)
        except ValueError:
            return _Baseline(Outcome(UNVERIFIED, "go list printed no package"))
        return _listed(info, unit)

    def _base_vet(self, unit: Unit, base: _Baseline) -> Outcome | None:
        """Fills base.diags with `go vet` of the unpatched unit; an UNVERIFIED outcome when
        that fails (the package proves nothing), else None."""
        if base.diags is not None:
            return base.vet_failure
        flags, _ = self._flags(unit)
        env = self._env(unit, flags)
        ov, back = self._overlay(unit, {})
        rc, out, errout = self._go(unit, env, "vet", "-json", *ov, *unit.target)
        base.diags = Counter()
        if rc == -1:  # timed out or could not run: says nothing about the package
            base.vet_failure = Outcome(UNVERIFIED, f"{errout} on the package without the fixes; not verified")
        elif rc != 0:
            base.vet_failure = Outcome(UNVERIFIED, "package does not type-check without the fixes "
                                       f"({_first_error(_unmap(errout, back), unit.directory)}); not verified")
        else:
            base.diags = _vet_diagnostics(out + "\n" + errout, back)
        return base.vet_failure

    # -- one check

    def check(self, unit: Unit, patched: dict[str, bytes]) -> Outcome:
        """Vet unit with patched (absolute path -> new bytes) laid over the tree (and build
        it when vet's type check does not prove what the compiler would: `needs_build`)."""
        base = self.baseline(unit, patched)
        if base.outcome is not None:
            return base.outcome
        flags, _ = self._flags(unit)
        env = self._env(unit, flags)
        ov, back = self._overlay(unit, patched)
        rc, out, errout = self._go(unit, env, "vet", "-json", *ov, *unit.target)
        if rc == -1:
            return Outcome(UNVERIFIED, f"{errout}; not verified")
        if rc != 0:
            failed = self._base_vet(unit, base)
            if failed is not None:
                return failed
            text = _unmap(errout or out, back)
            return Outcome(FAIL, f"the patched package does not compile: {_first_error(text, unit.directory)}",
                           _files_in(text, patched))
        where: dict = {}
        after = _vet_diagnostics(out + "\n" + errout, back, where)
        if after:
            failed = self._base_vet(unit, base)
            if failed is not None:
                return failed
            o = _new_findings(after, base.diags, where, patched)
            if o is not None:
                return o
        if not base.test_only and needs_build(patched, self._original):
            return self._build(unit, base, env, patched)
        return Outcome(PASS)

    def _build(self, unit: Unit, base: _Baseline, env: dict[str, str], patched: dict[str, bytes]) -> Outcome:
        ov, back = self._overlay(unit, patched)
        rc, out, errout = self._go(unit, env, "build", "-o", os.devnull, *ov, *unit.target)
        if rc == -1:  # the go command timed out or could not run: that proves nothing either way
            return Outcome(UNVERIFIED, f"{errout}; not verified")
        if rc != 0:
            if base.builds is None:
                bov, _ = self._overlay(unit, {})
                brc, _, _ = self._go(unit, env, "build", "-o", os.devnull, *bov, *unit.target)
                base.builds = brc == 0
            if not base.builds:
                return Outcome(UNVERIFIED, "package does not build without the fixes either; not verified")
            text = _unmap(errout or out, back)
            return Outcome(FAIL, f"the patched package does not compile: {_first_error(text, unit.directory)}",
                           _files_in(text, patched))
        return Outcome(PASS)

    def _original(self, path: str) -> bytes | None:
        if path in self.buffers:
            return self.buffers[path]
        try:
            return Path(path).read_bytes()
        except OSError:
            return None

    # -- many packages in one go command

    def check_many(self, items: list[tuple[Unit, dict[str, bytes]]]) -> dict[Unit, Outcome | None]:
        """Check units that share a module (or workspace) and a build configuration with one
        `go list`, one `go vet` of all their packages over one overlay, and (only for the
        packages whose check reports vet findings) one `go vet` of them unpatched. Returns
        each unit's outcome, or None where one command cannot tell (a failure, a package
        blocked by another's failure, a file outside the touched packages, a build to run):
        the caller checks those one by one (`check`)."""
        result: dict[Unit, Outcome | None] = {}
        first = items[0][0]
        flags, why = self._flags(first)
        if why:
            return {u: Outcome(UNVERIFIED, why) for u, _ in items}
        env = self._env(first, flags)
        run = Unit(_run_dir(Path(first.directory)), first.goos, first.goarch, tags=first.tags)
        dirs = {u.directory: u for u, _ in items}
        bov, bback = self._overlay_many({})
        rc, out, errout = self._go(run, env, "list", "-e", _LIST_JSON, *bov, *sorted(dirs), what=f"{len(dirs)} package(s)")
        if rc != 0:
            return {u: None for u, _ in items}  # one by one: each says why
        for info in _json_objects(out):
            u = dirs.get(info.get("Dir") or "")
            if u is not None and u not in self._baselines:
                self._baselines[u] = _listed(info, u)
        todo: dict[Unit, dict[str, bytes]] = {}
        for u, patched in items:
            if u not in self._baselines:
                result[u] = None
                continue
            base = self.baseline(u, patched)
            if base.outcome is not None:
                result[u] = base.outcome
            elif needs_build(patched, self._original) and not base.test_only:
                result[u] = None
            else:
                todo[u] = patched
        while todo:
            patched_all = {p: b for patched in todo.values() for p, b in patched.items()}
            ov, back = self._overlay_many(patched_all)
            rc, out, errout = self._go(run, env, "vet", "-json", *ov, *sorted(u.directory for u in todo),
                                       what=f"{len(todo)} package(s)")
            if rc == -1:
                for u in todo:
                    result[u] = Outcome(UNVERIFIED, f"{errout}; not verified")
                break
            if rc != 0:
                owners = _error_owners(_unmap(errout or out, back), todo, run.directory)
                if not owners:  # not attributable to a touched package: one by one
                    result.update({u: None for u in todo})
                    break
                for u in owners:  # checked alone (a baseline tells new from old); the rest again
                    result[u] = None
                    del todo[u]
                continue
            where: dict = {}
            after = _vet_diagnostics(out + "\n" + errout, back, where)
            by_unit = _by_unit(after, todo, self._baselines)
            if sum(after.values()) != sum(sum(c.values()) for c in by_unit.values()):
                result.update({u: None for u in todo})  # a finding of no touched package: one by one
                break
            flagged = [u for u in todo if by_unit.get(u)]
            for u in todo:
                if u not in flagged:
                    result[u] = Outcome(PASS)
            if flagged:
                self._base_vet_many(run, env, flagged)
                for u in flagged:
                    base = self._baselines[u]
                    if base.diags is None:
                        result[u] = None
                    else:
                        result[u] = _new_findings(by_unit[u], base.diags, where, todo[u]) or Outcome(PASS)
            break
        return result

    def _base_vet_many(self, run: Unit, env: dict[str, str], units: list[Unit]) -> None:
        """base.diags of units from one `go vet` of them unpatched (left None if it fails)."""
        ov, back = self._overlay_many({})
        rc, out, errout = self._go(run, env, "vet", "-json", *ov, *sorted(u.directory for u in units),
                                   what=f"{len(units)} package(s) without the fixes")
        if rc != 0:
            return
        diags = _vet_diagnostics(out + "\n" + errout, back)
        by_unit = _by_unit(diags, units, self._baselines)
        for u in units:
            self._baselines[u].diags = by_unit.get(u, Counter())

    def _overlay_many(self, patched: dict[str, bytes]) -> tuple[list[str], dict[str, str]]:
        files = dict(self.buffers)
        files.update(patched)
        return self._write_overlay(files)


def _run_dir(directory: Path) -> str:
    """Where one go command for many packages runs: the workspace root (go.work's directory)
    or the module root."""
    mod, work = _module_root(directory)
    if work is not None and not os.environ.get("GOWORK"):
        return str(work.parent)
    return str(mod or directory)


def _listed(info: dict, unit: Unit) -> _Baseline:
    """A unit's baseline from its `go list -e -json` entry."""
    if info.get("Error"):
        return _Baseline(Outcome(UNVERIFIED, "package does not load: "
                                             f"{_anchored(_one_line(info['Error'].get('Err', '')), unit.directory)}"))
    if info.get("DepsErrors"):
        e = info["DepsErrors"][0]
        pos = f"{e['Pos']}: " if e.get("Pos") else ""
        text = _anchored(f"{pos}{_one_line(e.get('Err', ''))}", unit.directory)
        return _Baseline(Outcome(UNVERIFIED, f"dependencies not available offline ({text}); not verified"))
    d = info.get("Dir") or unit.directory
    files = {str(Path(d) / f) for k in ("GoFiles", "CgoFiles", "TestGoFiles", "XTestGoFiles")
             for f in info.get(k) or []}
    test_only = not (info.get("GoFiles") or info.get("CgoFiles"))
    return _Baseline(None, None, files, test_only=test_only, import_path=info.get("ImportPath", ""))


def _new_findings(after: Counter, before: Counter, where: dict, patched: dict[str, bytes]) -> Outcome | None:
    """FAIL if after has a vet diagnostic before has not (a multiset difference)."""
    new = after - before
    if not new:
        return None
    key, _ = sorted(new.items())[0]
    (pkg, analyzer, fname, msg) = key
    return Outcome(FAIL, f"adds a go vet finding ({analyzer}): {where.get(key, _display(fname))}: {msg}",
                   frozenset(p for p in patched if os.path.basename(p) in {f for (_, _, f, _) in new}))


def _by_unit(diags: Counter, units: Iterable[Unit], baselines: dict[Unit, _Baseline]) -> dict[Unit, Counter]:
    """Vet diagnostics split by the unit their package belongs to. go vet names a package
    `path`, `path [path.test]` (with its tests) or `path_test [path.test]` (external tests)."""
    by_path = {baselines[u].import_path: u for u in units if u in baselines}
    out: dict[Unit, Counter] = {}
    for key, n in diags.items():
        pkg = key[0].split(" [", 1)[0]
        u = by_path.get(pkg) or (by_path.get(pkg[:-5]) if pkg.endswith("_test") else None)
        if u is not None:
            out.setdefault(u, Counter())[key] += n
    return out


_GO_POS = re.compile(r"(?<![\w.~/-])([^\s:()'\"`,;]+\.go):\d+")


def _error_owners(text: str, units: Iterable[Unit], cwd: str) -> set[Unit]:
    """The units whose directories the error lines of go output name (paths absolute or
    relative to cwd, where go ran); empty if some error line names no file of a unit (then
    one command cannot tell who failed)."""
    by_dir = {u.directory: u for u in units}
    owners: set[Unit] = set()
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#") or line.startswith("go: downloading"):
            continue
        m = _GO_POS.search(line)
        u = by_dir.get(os.path.dirname(os.path.normpath(os.path.join(cwd, m.group(1))))) if m else None
        if u is None:
            return set()
        owners.add(u)
    return owners


_DIRECTIVE = re.compile(rb"^//go:[a-z]+\b.*$", re.M)


def needs_build(patched: dict[str, bytes], original) -> bool:
    """Does proving these patched files need `go build` besides `go vet`?

    go vet type-checks every file of the package (its tests too) with go/types, the checker
    the compiler's own (types2) is a port of, and compiles the package's dependencies; so
    every type error, unused variable or import, missing return or bad goto fails vet as it
    fails the build. What only the compiler or linker checks is what the source says to
    them outside the types: a function declared without a body (`missing function body`),
    `//go:linkname` to a symbol that does not exist (a link error), `//go:embed` in a file
    that does not import "embed" or naming no file. Tried with go 1.26: those three pass
    go vet and fail go build. So go build runs only when a patch changes a file's `//go:`
    directives or its number of functions without a body."""
    for path, new in patched.items():
        old = original(path)
        if old is None:
            return True
        if _DIRECTIVE.findall(old) != _DIRECTIVE.findall(new) or _bodyless(old) != _bodyless(new):
            return True
    return False


def _bodyless(src: bytes) -> int:
    from gofix.analysis import syntax

    root = syntax.parse(src).root_node
    return sum(1 for n in root.children
               if n.type in syntax.FUNCTION_TYPES and n.child_by_field_name("body") is None)


def _one_line(s: str) -> str:
    return " ".join(s.split())


def _first_error(text: str, directory: str | None = None) -> str:
    if directory is not None:
        text = _anchored(text, directory)
    lines = [ln.strip() for ln in text.splitlines()
             if ln.strip() and not ln.startswith("#") and not ln.startswith("go: downloading")]
    if not lines:
        return "no output"
    first = lines[0]
    if first.startswith("vet: "):
        first = first[5:]
    more = len(lines) - 1
    return first + (f" (and {more} more line{'s' if more > 1 else ''})" if more else "")


def _unmap(text: str, back: dict[str, str]) -> str:
    """Replace overlay temp paths in go output by the user's paths (relative to the cwd)."""
    by_name = {os.path.basename(orig): orig for orig in back.values()}
    for tmp, orig in back.items():
        text = text.replace(tmp, _display(orig))
        rel = os.path.relpath(tmp, os.path.dirname(orig))
        text = text.replace(rel, _display(orig))
    return _OVERLAY_PATH.sub(lambda m: _display(by_name[m.group("name")]) if m.group("name") in by_name
                             else m.group(0), text)


def _files_in(text: str, patched: dict[str, bytes]) -> frozenset[str]:
    return frozenset(p for p in patched if _display(p) in text or os.path.basename(p) + ":" in text)


def _json_objects(text: str) -> Iterable[dict]:
    dec = json.JSONDecoder()
    i = 0
    while True:
        i = text.find("{", i)
        if i < 0:
            return
        if i > 0 and text[i - 1] != "\n":
            i += 1
            continue
        try:
            obj, end = dec.raw_decode(text, i)
        except ValueError:
            i += 1
            continue
        if isinstance(obj, dict):
            yield obj
        i = end


def _from_overlay(fname: str, back: dict[str, str]) -> str | None:
    """The user's file for an overlay path of this run or (from go's cache) an earlier one."""
    m = _OVERLAY_PATH.fullmatch(fname)
    if m is None:
        return None
    return next((orig for orig in back.values() if os.path.basename(orig) == m.group("name")), None)


def _vet_diagnostics(text: str, back: dict[str, str], where: dict | None = None) -> Counter:
    """A multiset of (package, analyzer, file name, message) from `go vet -json` output; where
    (if given) gets each key's first position as "file:line:col" (patched lines)."""
    out: Counter = Counter()
    for obj in _json_objects(text):
        for pkg, analyzers in obj.items():
            if not isinstance(analyzers, dict):
                continue
            for analyzer, diags in analyzers.items():
                if not isinstance(diags, list):
                    continue  # {"error": ...}: the analyzer failed; vet's exit status covers it
                for dg in diags:
                    posn = str(dg.get("posn", ""))
                    m = re.match(r"^(.*?)((?::\d+)*)$", posn)
                    fname, suffix = (m.group(1), m.group(2)) if m else (posn, "")
                    fname = back.get(fname) or _from_overlay(fname, back) or fname
                    msg = _LINE_REF.sub("line N", str(dg.get("message", "")))
                    # by base name: one package's files share a directory, and go replays
                    # cached vet results with the paths of whichever run stored them (this
                    # run's overlay, an earlier one's, another copy of the same tree)
                    key = (pkg, analyzer, os.path.basename(fname), msg)
                    out[key] += 1
                    if where is not None and key not in where:
                        where[key] = _display(fname) + suffix
    return out


# --- units from files ------------------------------------------------------------------------------


def _platform_of(path: Path, data: bytes) -> tuple[str | None, str | None]:
    """GOOS/GOARCH a build-constrained file asks for: from its name (x_windows_arm64.go), else
    the first GOOS named without `!` in its //go:build line. (None, None) if nothing."""
    stem = path.name[:-3]
    if stem.endswith("_test"):
        stem = stem[:-5]
    parts = stem.split("_")
    if len(parts) >= 3 and parts[-2] in _KNOWN_OS and parts[-1] in _KNOWN_ARCH:
        return parts[-2], parts[-1]
    if len(parts) >= 2 and parts[-1] in _KNOWN_OS:
        return parts[-1], None
    if len(parts) >= 2 and parts[-1] in _KNOWN_ARCH:
        return None, parts[-1]
    m = re.search(rb"^//go:build\s+(.*)$", data, re.M)
    if m:
        for tok in re.finditer(rb"(!?)([A-Za-z0-9_.]+)", m.group(1)):
            name = tok.group(2).decode()
            if not tok.group(1) and name in _KNOWN_OS:
                return name, None
    return None, None


_BUILD_LINE = re.compile(rb"^//go:build[ \t]+([^\n]*?)[ \t\r]*$", re.M)
_NOT_TAGS = {"cgo", "gc", "gccgo", "ignore", "unix"}


def build_line(data: bytes) -> str | None:
    """A file's `//go:build` line (before its package clause), or None."""
    pkg = re.search(rb"^package\s", data, re.M)
    m = _BUILD_LINE.search(data, 0, pkg.start() if pkg else len(data))
    return "//go:build " + m.group(1).decode("utf-8", "replace") if m else None


def custom_tags(data: bytes) -> tuple[str, ...]:
    """The build tags a file's //go:build line asks for that are neither a platform, a Go
    version nor a compiler (`integration` in `//go:build linux && integration`)."""
    line = build_line(data)
    if line is None:
        return ()
    tags = set()
    for tok in re.finditer(r"(!?)([A-Za-z0-9_.]+)", line[len("//go:build "):]):
        name = tok.group(2)
        if tok.group(1) or name in _KNOWN_OS or name in _KNOWN_ARCH or name in _NOT_TAGS:
            continue
        if re.fullmatch(r"go1\.\d+", name):
            continue
        tags.add(name)
    return tuple(sorted(tags))


def _unsaved(results: list[FileResult]) -> dict[str, bytes]:
    """Sources that are not what is on disk (an editor's unsaved buffers), by absolute path."""
    out = {}
    for r in results:
        p = Path(r.path).resolve()
        try:
            same = r.source is None or p.read_bytes() == r.source
        except OSError:
            same = False
        if not same:
            out[str(p)] = r.source
    return out


def _host_platform(go: str | None) -> tuple[str, str]:
    """The GOOS and GOARCH the go command builds for by default."""
    goos, goarch = os.environ.get("GOOS", ""), os.environ.get("GOARCH", "")
    if go and not (goos and goarch):
        try:
            p = subprocess.run([go, "env", "GOOS", "GOARCH"], capture_output=True, text=True, timeout=60,
                               env=dict(os.environ, GOTOOLCHAIN="local"), stdin=subprocess.DEVNULL)
            lines = p.stdout.split()
            if p.returncode == 0 and len(lines) == 2:
                goos, goarch = goos or lines[0], goarch or lines[1]
        except (OSError, subprocess.TimeoutExpired):
            pass
    return goos, goarch


# --- the service -------------------------------------------------------------------------------------


@dataclass
class VerifyReport:
    units: int = 0  # packages checked
    verified: int = 0  # fixes proven
    dropped: int = 0  # fixes removed
    unverified: int = 0  # fixes that could not be checked
    notes: list[str] = field(default_factory=list)  # one line per package that could not be checked


def _key(f: Finding) -> tuple:
    """Identifies a finding of the original file: its rule and its start offset on disk,
    the identity engine.fix_source keeps through its passes (FixSelection.origins)."""
    return (f.rule, f.start_byte)


def verify(results: list[FileResult], options, jobs: int | None = None, go: str | None = None,
           strict: bool = False, root: str | Path | None = None,
           progress: bool | Progress | None = None) -> tuple[list[FileResult], VerifyReport]:
    """Check every changed file's package with go build + go vet; drop the fixes that fail.

    Args:
        results: FileResults of a fix run (`fixed` set where fixes were applied; `source`,
            the bytes the fixes were computed from, which may be an editor's buffer).
        options: the engine Options of that run, or a gofix.project.Project (options per
            file): which fixes are chosen (engine.fix_applies), and how a file is fixed again
            with fewer of them (engine.analyse_source on its source, selecting by origin).
        jobs: the go command's parallelism (`-p`; default: CPU count), and units narrowed
            down at once after a failure.
        go: the go binary (default: `go` on PATH; without one every fix is unverified).
        strict: also drop the fixes that could not be verified (gofix.apply does, unless
            the user opts in to unverified fixes).
        root: paths in reasons and notes are relative to it (default: the current directory).
        progress: True: say on stderr what runs once it takes a while (`Progress`).

    Returns:
        The results (same order; changed ones replaced by new objects) and a summary. A
        dropped fix's finding stays, with `verified=False` and `verify_reason`, and the
        file's `fixed` bytes no longer contain it; a proven one has `verified=True`; one that
        could not be checked `verified=None` and a reason.
    """
    report = VerifyReport()
    changed = [r for r in results if r.changed]
    if not changed:
        return results, report
    from gofix import engine

    def accept(r: FileResult, f: Finding) -> bool:
        return engine.fix_applies(f, options.options_for(Path(r.path)))

    def refix(r: FileResult, origins: set[tuple]) -> FileResult | None:
        return _refix(r, options, origins)

    go = go or find_go()
    out = list(results)
    index = {id(r): i for i, r in enumerate(results)}
    host = _host_platform(go)
    units: dict[Unit, list[FileResult]] = {}
    for r in changed:
        p = Path(r.path).resolve()
        if _IGNORE_TAG.search(r.fixed or b""):
            units.setdefault(Unit(str(p.parent), file=str(p)), []).append(r)
            continue
        goos, goarch = _platform_of(p, r.fixed or b"")
        if (goos or host[0]) == host[0] and (goarch or host[1]) == host[1]:
            goos = goarch = None  # built here anyway (and with cgo, when there is a C compiler)
        units.setdefault(Unit(str(p.parent), goos, goarch, tags=custom_tags(r.fixed or b"")), []).append(r)
    report.units = len(units)
    tmp = Path(tempfile.mkdtemp(prefix="gofix-verify-"))
    try:
        if go is None:
            why = "no Go toolchain found (go not on PATH); not verified"
            outcomes = [_settle(units[u], Outcome(UNVERIFIED, why), accept, strict) for u in units]
        else:
            progress = Progress() if progress is True else progress or None
            try:
                outcomes = _check_all(go, tmp, units, _unsaved(changed), jobs, progress, accept, refix, strict)
            finally:
                if progress is not None:
                    progress.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    base = os.path.abspath(root) if root is not None else os.getcwd()
    for unit, (finals, note) in zip(units, outcomes):
        for r_old, r_new in finals:
            r_new.findings = [replace(f, verify_reason=_relative_paths(f.verify_reason, base))
                              if f.verify_reason else f for f in r_new.findings]
            r_new.applied = [replace(f, verify_reason=_relative_paths(f.verify_reason, base))
                             if f.verify_reason else f for f in r_new.applied]
            out[index[id(r_old)]] = r_new
            for f in r_new.findings:
                if f.fix is None or not accept(r_new, f):
                    continue
                if f.verified is True:
                    report.verified += 1
                elif f.verified is False:
                    report.dropped += 1
                else:
                    report.unverified += 1
        if note:
            report.notes.append(_relative_paths(f"{unit.label()}: {note}", base))
    return out, report


def _check_all(go: str, tmp: Path, units: dict[Unit, list[FileResult]], buffers: dict[str, bytes],
               jobs: int | None, progress: Progress | None, accept, refix, strict: bool) -> list:
    """Each unit's ([(old result, new result)], note), in the order of units.

    Units of one module (or workspace) and build configuration are checked together by one
    go command (Checker.check_many); a unit that fails there, or that it cannot decide, is
    checked on its own and narrowed down (_verify_unit), a few units at once."""
    jobs = max(1, jobs or os.cpu_count() or 1)
    checker = Checker(go, tmp, buffers=buffers, jobs=jobs, progress=progress)
    groups: dict[tuple, list[Unit]] = {}
    for u in units:
        if u.file is not None:  # a program of its own: `go vet gen.go` cannot take patterns
            groups[("file", u)] = [u]
            continue
        flags, why = checker._flags(u)
        groups.setdefault((_run_dir(Path(u.directory)) if why is None else u.directory, u.goos, u.goarch,
                           u.tags, tuple(flags), why), []).append(u)
    first: dict[Unit, Outcome | None] = {}
    for key, members in groups.items():
        if key[0] == "file" or len(members) == 1:
            first.update({u: None for u in members})
            continue
        first.update(checker.check_many([(u, _patched_of(units[u])) for u in members]))
    pending = [u for u in units if first.get(u) is None]
    # one by one: checks of their own (and narrowing); the go commands share the jobs
    workers = min(len(pending), jobs) or 1
    if workers > 1:
        checker.jobs = max(1, jobs // workers)
    done: dict[Unit, tuple] = {}
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for u, o in zip(pending, pool.map(
                lambda u: _verify_unit(checker, u, units[u], accept, refix, strict), pending)):
            done[u] = o
    return [done[u] if u in done else _verify_unit(checker, u, units[u], accept, refix, strict, first[u])
            for u in units]


def _patched_of(items: list[FileResult]) -> dict[str, bytes]:
    return {str(Path(r.path).resolve()): r.fixed for r in items if r.changed}


def _refix(r: FileResult, options, origins: set[tuple]) -> FileResult | None:
    """r's source fixed again with only the fixes of the findings at origins ((rule, offset)
    in r.source); None if that fails. The engine's one fixed-point loop does it (through
    engine.analyse_source, as every face does): it follows each finding through the passes
    by its origin, so a fix deferred to a later pass is still the same finding, and a
    finding that lost its fix on the way is never applied."""
    from gofix import engine

    if r.source is None:
        return None
    opts = options.options_for(Path(r.path)).selecting(origins=origins)
    try:
        a = engine.analyse_source(r.path, r.source, opts, fix=True, shown=r.path, explicit=True)
    except Exception:  # go.mod unreadable now, ...: nothing can be re-checked
        return None
    if a.result is None or a.result.error:
        return None
    return a.result


def _origin(offset: int, history: list[list]) -> int | None:
    """engine.origin (kept for callers of the old name)."""
    from gofix import engine

    return engine.origin(offset, history)


def _settle(rs: list[FileResult], outcome: Outcome, accept, strict: bool):
    """Results for a unit whose outcome is final (PASS, or UNVERIFIED for all its fixes)."""
    status = True if outcome.status == PASS else None
    reason = outcome.reason or None
    if status is None and strict:
        reason = f"{reason} (left out: fixes that could not be verified are applied only on request)"
        return [(r, _dropped(r, _fixes(r, accept), reason, verified=None)) for r in rs], outcome.reason
    return [(r, _marked(r, _fixes(r, accept), status, reason)) for r in rs], reason


def _fixes(r: FileResult, accept) -> list[Finding]:
    return [f for f in r.findings if f.fix is not None and accept(r, f)]


def _verify_unit(checker: Checker, unit: Unit, rs: list[FileResult], accept, refix, strict: bool,
                 outcome: Outcome | None = None):
    """Returns ([(old result, new result)], note for a package that could not be checked).
    outcome: the unit's check with all its fixes, when already known."""
    patched_of = _patched_of
    if outcome is None:
        outcome = checker.check(unit, patched_of(rs))
    if outcome.status != FAIL:
        return _settle(rs, outcome, accept, strict)

    # FAIL: narrow it down: each file's fixes alone, then each fix of a failing file alone.
    if sum(len(_fixes(r, accept)) for r in rs) <= 1:
        return [(r, _dropped(r, _fixes(r, accept), outcome.reason)) for r in rs], None
    finals: dict[int, FileResult] = {}
    for r in rs:
        fixes = _fixes(r, accept)
        solo = outcome if len(rs) == 1 else checker.check(unit, patched_of([r]))
        if solo.status != FAIL:
            finals[id(r)] = _settle([r], solo, accept, strict)[0][0][1]
            continue
        if len(fixes) <= 1:
            finals[id(r)] = _dropped(r, fixes, solo.reason)
            continue
        good: set[tuple] = set()
        bad_reason: dict[tuple, str] = {}
        for f in fixes:
            k = _key(f)
            one = refix(r, {k})
            if one is None or not one.changed:
                bad_reason[k] = "the fix could not be checked on its own; dropped to be safe"
                continue
            o = checker.check(unit, patched_of([one]))
            if o.status == PASS:
                good.add(k)
            else:
                bad_reason[k] = o.reason
        # Leave out the bad ones: the fixed-point loop follows each good one by its origin,
        # also when it went in a later pass than the first. A bad one fails the final check.
        new = refix(r, good) if good else None
        base = new if new is not None else _unchanged(r)
        if new is None:
            good = set()
        base.findings = [
            replace(f, verified=True, verify_reason=None) if _key(f) in good
            else replace(f, verified=False, verify_reason=bad_reason.get(_key(f), solo.reason))
            if f.fix is not None and accept(r, f) else f
            for f in r.findings
        ]
        base.applied = [replace(f, verified=True, verify_reason=None) for f in base.applied]
        finals[id(r)] = base
    combined = [finals[id(r)] for r in rs]
    if any(x.changed for x in combined):
        o = checker.check(unit, patched_of(combined))
        if o.status == FAIL:
            reason = f"this package's fixes fail together: {o.reason}"
            return [(r, _dropped(r, _fixes(r, accept), reason)) for r in rs], None
    return [(r, finals[id(r)]) for r in rs], None


def _marked(r: FileResult, fixes: list[Finding], status: bool | None, reason: str | None) -> FileResult:
    ids = {id(f) for f in fixes}
    r2 = replace(r)
    r2.findings = [replace(f, verified=status, verify_reason=reason) if id(f) in ids else f for f in r.findings]
    r2.applied = [replace(f, verified=status, verify_reason=reason) for f in r.applied]
    return r2


def _unchanged(r: FileResult) -> FileResult:
    r2 = replace(r)
    r2.fixed = None
    r2.applied = []
    return r2


def _dropped(r: FileResult, fixes: list[Finding], reason: str, verified: bool | None = False) -> FileResult:
    r2 = _unchanged(r)
    ids = {id(f) for f in fixes}
    r2.findings = [replace(f, verified=verified, verify_reason=reason) if id(f) in ids else f for f in r.findings]
    return r2
