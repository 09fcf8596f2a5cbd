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
import tempfile
import time
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from gofix import __version__
from gofix.gomod import ModuleInfo
from gofix.model import Applicability, Edit, FileResult, Finding, Fix, Position, Severity

SCHEMA = 1


# The engine modules whose code decides a file's result (the faces, triage, bot and lsp,
# do not), plus every rule module.
_ENGINE_FILES = ("__init__.py", "cache.py", "context.py", "edits.py", "engine.py", "gomod.py",
                 "model.py", "rules.py", "syntax.py", "visitor.py")


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A hash of the engine's and rules' source files: editing a rule, or adding one to the
    catalog (codemods/__init__.py), invalidates the cache. The rules are found, not imported:
    a warm run that analyses nothing never loads them."""
    from importlib.util import find_spec

    h = hashlib.sha256(__version__.encode())
    here = Path(__file__).parent
    files = [here / name for name in _ENGINE_FILES]
    spec = find_spec("codemods")
    for location in (spec.submodule_search_locations or []) if spec else []:
        files += sorted(Path(location).glob("*.py"))
    for p in files:
        h.update(p.name.encode())
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
    }
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()[:16]


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

    def get(self, key: str, src: bytes | None) -> FileResult | None:
        try:
            data = json.loads(self._file(key).read_text(encoding="utf-8"))
            if data.get("key") != key:
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
    file, module tag).

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
        trustworthy entry."""
        e = self.entries.get(path)
        if not isinstance(e, list) or len(e) != 7 or e[:3] != self.stat_of(st):
            return None
        if st.st_mtime_ns >= self.written_ns - self.RACY_NS:
            return None
        digest, state, relevant, tag = e[3:]
        if not (isinstance(digest, str) and state in ("", self.EMPTY, self.GENERATED)
                and isinstance(relevant, int) and isinstance(tag, str)):
            return None  # not written by this code: never trusted
        return digest, state, bool(relevant), tag

    def record(self, path: str, st: os.stat_result, digest: str, state: str, timer_relevant: bool,
               module_tag: str) -> None:
        self.entries[path] = [*self.stat_of(st), digest, state, int(timer_relevant), module_tag]
        self.dirty = True

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
    return result
