"""The Go version and timer behaviour a file is built with, read from go.mod / go.work."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

GoVersion = tuple[int, int]

_GO_LINE = re.compile(rb"^\s*go\s+(\d+)\.(\d+)(?:\.\d+|rc\d+|beta\d+)?\s*(?://.*)?$", re.M)
_MODULE_LINE = re.compile(rb"^\s*module\s+(\S+)", re.M)
_GODEBUG_ASYNC = re.compile(rb"asynctimerchan\s*=\s*1")
_GODEBUG_BLOCK = re.compile(rb"^\s*godebug\s*\((.*?)^\s*\)", re.M | re.S)
_GODEBUG_LINE = re.compile(rb"^\s*godebug\s+(\S.*)$", re.M)

NEW_TIMERS = (1, 23)  # timers collected when unreferenced, synchronous channels
ALWAYS_NEW_TIMERS = (1, 27)  # the asynctimerchan setting is gone


class GoModError(Exception):
    """A go.mod or go.work that cannot be read or parsed."""


@dataclass(frozen=True)
class ModuleInfo:
    path: Path | None  # the go.mod (or go.work) that decided; None when none was found
    module: str | None  # the module path
    go_version: GoVersion | None
    async_timers: bool  # godebug asynctimerchan=1 in force

    @property
    def timers_collected(self) -> bool:
        """True when unstopped timers/tickers are garbage collected (Go >= 1.23 semantics)."""
        v = self.go_version
        if v is None:
            return False
        if v >= ALWAYS_NEW_TIMERS:
            return True
        return v >= NEW_TIMERS and not self.async_timers


MAX_MINOR = 999


def parse_version(text: str) -> GoVersion:
    m = re.fullmatch(r"(?:go)?(\d+)\.(\d+)(?:\.\d+)?(?:rc\d+|beta\d+)?", text.strip())
    if not m:
        raise ValueError(f"not a Go version: {text!r} (expected e.g. 1.22 or 1.23.4)")
    major, minor = int(m.group(1)), int(m.group(2))
    if major != 1 or minor > MAX_MINOR:  # Go 1 is the only major version; no 1.1000 for centuries
        raise ValueError(f"not a Go version: {text!r} (expected 1.N with N at most {MAX_MINOR}, e.g. 1.22)")
    return major, minor


def _read_mod(path: Path) -> tuple[str | None, GoVersion | None, bool]:
    return _read_mod_cached(str(path))


@lru_cache(maxsize=1024)
def _read_mod_cached(path_str: str) -> tuple[str | None, GoVersion | None, bool]:
    path = Path(path_str)
    try:
        data = path.read_bytes()
    except OSError as e:
        raise GoModError(f"{path}: cannot read: {e.strerror or e}") from e
    for lineno, raw in enumerate(data.splitlines(), 1):
        line = raw.split(b"//", 1)[0].strip()
        if line.startswith(b"go ") or line == b"go":
            if not re.fullmatch(rb"go\s+\d+\.\d+(\.\d+|rc\d+|beta\d+)?", line):
                raise GoModError(f"{path}:{lineno}: malformed go directive: {raw.decode(errors='replace').strip()}")
    m = _GO_LINE.search(data)
    version = (int(m.group(1)), int(m.group(2))) if m else None
    mod = _MODULE_LINE.search(data)
    module = mod.group(1).decode(errors="replace").strip('"') if mod else None
    godebug = b" ".join(b.group(1) for b in _GODEBUG_BLOCK.finditer(data))
    godebug += b" " + b" ".join(b.group(1) for b in _GODEBUG_LINE.finditer(data))
    return module, version, bool(_GODEBUG_ASYNC.search(godebug))


@lru_cache(maxsize=16384)
def _nearest(directory: str, name: str) -> str | None:
    """The file `name` in directory or its nearest ancestor that has one (cached per
    directory, so a tree of thousands of directories costs one stat each)."""
    candidate = os.path.join(directory, name)
    if os.path.isfile(candidate):
        return candidate
    parent = os.path.dirname(directory)
    return None if parent == directory else _nearest(parent, name)


@lru_cache(maxsize=4096)
def module_for_dir(directory: str) -> ModuleInfo:
    """The module info that applies to Go files in directory (nearest go.work, else go.mod)."""
    directory = os.path.abspath(directory)
    found_mod = _nearest(directory, "go.mod")
    found_work = None if os.environ.get("GOWORK") == "off" else _nearest(directory, "go.work")
    mod_path = Path(found_mod) if found_mod else None
    work_path = Path(found_work) if found_work else None
    if mod_path is None and work_path is None:
        return ModuleInfo(None, None, None, _env_async())
    module, version, async_timers = _read_mod(mod_path) if mod_path else (None, None, False)
    decided = mod_path
    if work_path is not None:
        _, wversion, wasync = _read_mod(work_path)
        if wversion is not None:
            version, decided = wversion, work_path
        async_timers = async_timers or wasync
    return ModuleInfo(decided, module, version, async_timers or _env_async())


def clear_caches() -> None:
    _read_mod_cached.cache_clear()
    _nearest.cache_clear()
    module_for_dir.cache_clear()


def _env_async() -> bool:
    return bool(re.search(r"(^|,)asynctimerchan=1($|,)", os.environ.get("GODEBUG", "")))


def has_debug_directive(src: bytes) -> bool:
    """`//go:debug asynctimerchan=1` in a file (meaningful in package main)."""
    return re.search(rb"^//go:debug\s+asynctimerchan=1\b", src, re.M) is not None
