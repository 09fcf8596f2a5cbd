"""A per-file result cache keyed by everything that decides a file's result.

Key: the file's content hash, gofix's version, a fingerprint of the rule modules' code,
the options that change results (rule selection, unsafe fixes, rule options, extra
resources), the module's Go version and timer setting, the displayed path (it is part of
the output), and whether fixes were computed. Entries are JSON files written atomically
(temp + rename), so concurrent runs never see half an entry; an entry that does not load
or does not have the expected shape is ignored and rebuilt, never trusted.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import time
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from gofix import __version__
from gofix.gomod import ModuleInfo
from gofix.model import Applicability, Edit, FileResult, Finding, Fix, Position, Severity

SCHEMA = 1


_IMPORT = re.compile(rb"^[ \t]*(?:from[ \t]+(gofix(?:\.\w+)*)[ \t]+import[ \t]+(?:\(([^)]*)\)|([^\n]*))"
                     rb"|import[ \t]+(gofix(?:\.\w+)*))", re.M)
# Where the result of a file is decided: the engine and everything it imports (the rules
# come in through codemods/); the faces (cli, lsp, bot, triage) import the engine, not
# the other way round, so they stay out.
_ENGINE_ROOTS = ("gofix.engine", "gofix.cache")


def engine_files(rule_files: list[Path] = ()) -> list[Path]:
    """The gofix source files a file's result depends on: the modules gofix.engine and the
    rule files import, transitively (imports inside functions included), found by reading
    the sources, not by importing them. Derived, so a new module cannot be forgotten."""
    here = Path(__file__).parent
    seen: dict[str, Path] = {}
    todo = list(_ENGINE_ROOTS)
    sources = [(None, p) for p in rule_files]
    while todo or sources:
        if sources:
            _, path = sources.pop()
        else:
            name = todo.pop()
            if name in seen:
                continue
            path = _module_file(here, name)
            if path is None:
                continue
            seen[name] = path
            parts = name.split(".")
            todo += [".".join(parts[:i]) for i in range(1, len(parts))]  # parent packages run too
        try:
            data = path.read_bytes()
        except OSError:
            continue
        for m in _IMPORT.finditer(data):
            if m.group(4):
                todo.append(m.group(4).decode())
                continue
            base = m.group(1).decode()
            todo.append(base)
            names = (m.group(2) or m.group(3) or b"").split(b"#")[0]
            for word in re.split(rb"[\s,()\\]+", names):
                if word and word != b"as" and re.fullmatch(rb"\w+", word):
                    todo.append(f"{base}.{word.decode()}")  # a submodule, if there is one
    return sorted(set(seen.values()))


def _module_file(here: Path, name: str) -> Path | None:
    parts = name.split(".")
    if parts[0] != "gofix":
        return None
    base = here.joinpath(*parts[1:])
    for candidate in (base.with_suffix(".py") if len(parts) > 1 else None, base / "__init__.py"):
        if candidate is not None and candidate.is_file():
            return candidate
    return None


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A hash of the engine's and rules' source files: editing a rule, or adding one to the
    catalog (codemods/__init__.py), invalidates the cache. The rules are found, not imported:
    a warm run that analyses nothing never loads them."""
    from importlib.util import find_spec

    h = hashlib.sha256(__version__.encode())
    here = Path(__file__).parent
    rules: list[Path] = []
    spec = find_spec("codemods")
    for location in (spec.submodule_search_locations or []) if spec else []:
        rules += sorted(Path(location).glob("*.py"))
    for p in engine_files(rules) + rules:
        h.update(p.relative_to(here.parent).as_posix().encode() if p.is_relative_to(here.parent) else p.name.encode())
        try:
            h.update(p.read_bytes())
        except OSError:
            h.update(b"missing")
    return h.hexdigest()[:16]


def options_fingerprint(options) -> str:
    data = {
        # the selection as given: which rules it resolves to is fixed by the catalog's code,
        # which code_fingerprint covers (and resolving it would import every rule)
        "select": sorted(options.select) if options.select is not None else None,
        "ignore": sorted(options.ignore),
        "unsafe": options.unsafe_fixes,
        "rule_options": {k: sorted(v.items()) for k, v in sorted(options.rule_options.items())},
        "resources": sorted(options.extra_resources.items()),
        "max_file_size": options.max_file_size,
        "fixes": _selection(getattr(options, "fixes", None)),
    }
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()[:16]


def _selection(sel) -> list | None:
    """The fix selection (gofix.engine.FixSelection) as JSON data."""
    if sel is None:
        return None
    return [sorted(sel.rules) if sel.rules is not None else None, sel.floor.value,
            sorted(sel.origins) if sel.origins is not None else None]


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "gofix"


class Cache:
    def __init__(self, directory: Path, options) -> None:
        self.dir = directory
        self.prefix = f"{SCHEMA}:{code_fingerprint()}:{options_fingerprint(options)}"

    def key(self, path: str, digest: str, module: ModuleInfo, fix: bool) -> str:
        """The entry key; digest is content_digest(src)."""
        h = hashlib.sha256()
        for part in (self.prefix, path, str(module.go_version), str(module.async_timers), str(fix), digest):
            h.update(part.encode())
            h.update(b"\0")
        return h.hexdigest()

    def _file(self, key: str) -> Path:
        return self.dir / key[:2] / f"{key}.json"

    def get(self, key: str, src: bytes | None,
            package: Callable[[], str] | None = None) -> FileResult | None:
        """The entry for key, or None. An entry whose result used the file's package (other
        files of its directory) holds their fingerprint; `package()` gives today's, and a
        different one is a miss. Without `package` the caller vouches for the siblings (the
        stat index compared their stats)."""
        try:
            data = json.loads(self._file(key).read_text(encoding="utf-8"))
            if data.get("key") != key:
                return None
            stored = data.get("package")
            if stored is not None and package is not None and package() != stored:
                return None
            return _decode(data, src)
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None  # missing or corrupt: recompute

    def put(self, key: str, result: FileResult) -> None:
        target = self._file(key)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            payload = json.dumps(_encode(key, result), separators=(",", ":"))
            fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=target.parent)
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(payload)
            os.replace(tmp, target)
        except OSError:
            pass  # a cache that cannot be written only costs time


def content_digest(src: bytes) -> str:
    return hashlib.sha256(src).hexdigest()


class StatIndex:
    """path -> (mtime_ns, size, inode, content digest, state, whether a timer rule looks at the
    file, module tag, siblings: "" or a hash of the names and stats of the directory's other Go
    files, for a result that used the file's package).

    state is EMPTY (nothing found: no cache entry to load), GENERATED (skipped as generated)
    or "" (the result is in the cache); the module tag (gofix.engine.module_tag) says which
    Go version and timer setting the state holds for.

    Lets a warm `check` skip reading files whose stat is unchanged (as git's index does).
    Entries whose mtime is within RACY_NS of the index's own write time are not trusted,
    since a file changed in the same clock tick could keep its stat.

    It also keeps facts about whole directories (directory_flag: the //go:debug scan),
    trusted while the directory's Go files keep their names and stats.
    """

    RACY_NS = 2_000_000_000

    def __init__(self, cache: Cache) -> None:
        self.file = cache.dir / f"index-{hashlib.sha256(cache.prefix.encode()).hexdigest()[:16]}.json"
        self.entries: dict[str, list] = {}
        self.dirs: dict[str, list] = {}  # absolute directory -> [listing, flag]
        self._flags: dict[str, bool] = {}  # answered in this run
        self._listings: dict[str, list[list] | None] = {}  # directory -> _go_listing, this run
        self.written_ns = 0
        self.dirty = False
        try:
            data = json.loads(self.file.read_text(encoding="utf-8"))
            if isinstance(data, dict) and isinstance(data.get("entries"), dict):
                self.entries = data["entries"]
                self.written_ns = int(data.get("written_ns", 0))
                if isinstance(data.get("dirs"), dict):
                    self.dirs = data["dirs"]
        except (OSError, ValueError, TypeError):
            pass

    @staticmethod
    def stat_of(st: os.stat_result) -> list[int]:
        return [st.st_mtime_ns, st.st_size, st.st_ino]

    EMPTY, GENERATED = "empty", "generated"

    def lookup(self, path: str, st: os.stat_result) -> tuple[str, str, bool, str] | None:
        """(digest, state, timer_relevant, module tag) for path when its stat matches a
        trustworthy entry (and, for a result that used the package's other files, their
        names and stats match too)."""
        e = self.entries.get(path)
        if not isinstance(e, list) or len(e) != 8 or e[:3] != self.stat_of(st):
            return None
        if st.st_mtime_ns >= self.written_ns - self.RACY_NS:
            return None
        digest, state, relevant, tag, siblings = e[3:]
        if not (isinstance(digest, str) and state in ("", self.EMPTY, self.GENERATED)
                and isinstance(relevant, int) and isinstance(tag, str) and isinstance(siblings, str)):
            return None  # not written by this code: never trusted
        if siblings and siblings != self._siblings(path, trusted=True):
            return None  # another file of the directory changed: the package facts may have
        return digest, state, bool(relevant), tag

    def lookup_content(self, path: str, st: os.stat_result, read: Callable[[], bytes | None]) -> tuple[str, str, bool, str] | None:
        """lookup for a file whose stat changed but whose bytes may not have (a fresh
        checkout, a touch, the bot's worktree): read() gives them; when their digest is the
        entry's, the entry holds (and takes the new stat). Entries whose result used the
        package's other files are left to lookup (their stats are the check)."""
        e = self.entries.get(path)
        if not isinstance(e, list) or len(e) != 8:
            return None
        digest, state, relevant, tag, siblings = e[3:]
        if not (isinstance(digest, str) and digest and state in ("", self.EMPTY)
                and isinstance(relevant, int) and isinstance(tag, str) and siblings == ""):
            return None
        src = read()
        if src is None or content_digest(src) != digest:
            return None
        self.record(path, st, digest, state, bool(relevant), tag)
        return digest, state, bool(relevant), tag

    def record(self, path: str, st: os.stat_result, digest: str, state: str, timer_relevant: bool,
               module_tag: str, package: bool = False) -> None:
        """package: the result used the package's other files (FileResult.package_fingerprint)."""
        siblings = (self._siblings(path, trusted=False) or "") if package else ""
        if package and not siblings:
            self.entries.pop(path, None)  # the directory cannot be listed: nothing to trust
            return
        self.entries[path] = [*self.stat_of(st), digest, state, int(timer_relevant), module_tag, siblings]
        self.dirty = True

    def _siblings(self, path: str, trusted: bool) -> str | None:
        """A hash of the names and stats of the other Go files in path's directory; with
        trusted=True, None when one of them changed within the racy window."""
        directory = os.path.dirname(os.path.abspath(path))
        listing = self._listings.get(directory)
        if listing is None:
            listing = self._listings[directory] = _go_listing(directory)
        if listing is None:
            return None
        me = os.path.basename(path)
        others = [item for item in listing if item[0] != me]
        if trusted and any(item[1] >= self.written_ns - self.RACY_NS for item in others):
            return None
        return hashlib.sha256(json.dumps(others).encode()).hexdigest()[:16]

    def forget(self, drop: Callable[[str], bool]) -> None:
        """Remove the entries whose path drop() accepts."""
        gone = [path for path in self.entries if drop(path)]
        for path in gone:
            del self.entries[path]
        self.dirty = self.dirty or bool(gone)

    def directory_flag(self, directory: str, compute: Callable[[str], bool]) -> bool:
        """compute(directory), a fact about the directory's Go files, remembered across runs
        while those files keep their names and stats (and none is within the racy window)."""
        known = self._flags.get(directory)
        if known is not None:
            return known
        listing = _go_listing(directory)
        e = self.dirs.get(directory)
        if (listing is not None and isinstance(e, list) and len(e) == 2 and e[0] == listing
                and all(item[1] < self.written_ns - self.RACY_NS for item in listing)):
            value = bool(e[1])
        else:
            value = compute(directory)
            if listing is not None:
                self.dirs[directory] = [listing, int(value)]
                self.dirty = True
        self._flags[directory] = value
        return value

    def save(self) -> None:
        if not self.dirty:
            return
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".tmp-index-", dir=self.file.parent)
            # json.dumps, not json.dump: dump streams through the pure-Python encoder (~10x slower)
            data = json.dumps({"written_ns": time.time_ns(), "entries": self.entries, "dirs": self.dirs},
                              separators=(",", ":"))
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(data)
            os.replace(tmp, self.file)
        except OSError:
            pass


def _go_listing(directory: str) -> list[list] | None:
    """[name, mtime_ns, size, inode] of the directory's Go files, sorted; None if unreadable."""
    try:
        out = []
        with os.scandir(directory) as it:
            for entry in it:
                if entry.name.endswith(".go") and entry.is_file():
                    st = entry.stat()
                    out.append([entry.name, st.st_mtime_ns, st.st_size, st.st_ino])
        return sorted(out)
    except OSError:
        return None


def _encode(key: str, r: FileResult) -> dict:
    return {
        "key": key,
        "path": r.path,
        "error": r.error,
        "fixed": r.fixed.decode("utf-8") if r.fixed is not None else None,
        "findings": [_finding(f) for f in r.findings],
        "applied": [r.findings.index(f) for f in r.applied if f in r.findings],
        "package": r.package_fingerprint,
    }


def _finding(f: Finding) -> dict:
    return {
        "rule": f.rule,
        "severity": f.severity.value,
        "message": f.message,
        "span": [f.start_byte, f.end_byte, f.start.line, f.start.column, f.end.line, f.end.column],
        "fix": None if f.fix is None else {
            "title": f.fix.title,
            "applicability": f.fix.applicability.value,
            "scope": list(f.fix.scope) if f.fix.scope else None,
            "edits": [[e.start, e.end, e.text.decode("utf-8")] for e in f.fix.edits],
        },
    }


def _decode(data: dict, src: bytes | None) -> FileResult:
    findings = []
    for d in data["findings"]:
        sb, eb, sl, sc, el, ec = d["span"]
        fx = d["fix"]
        fix = None
        if fx is not None:
            fix = Fix(
                title=fx["title"],
                edits=tuple(Edit(s, e, t.encode("utf-8")) for s, e, t in fx["edits"]),
                applicability=Applicability(fx["applicability"]),
                scope=tuple(fx["scope"]) if fx["scope"] else None,
            )
        findings.append(Finding(d["rule"], Severity(d["severity"]), d["message"], sb, eb,
                                Position(sl, sc), Position(el, ec), fix))
    result = FileResult(path=data["path"], findings=findings, error=data["error"], source=src)
    result.fixed = data["fixed"].encode("utf-8") if data["fixed"] is not None else None
    result.applied = [findings[i] for i in data["applied"]]
    result.package_fingerprint = data.get("package")
    if result.package_fingerprint is not None and not isinstance(result.package_fingerprint, str):
        raise TypeError("package fingerprint")
    return result
