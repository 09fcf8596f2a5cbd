"""Go package patterns on the command line: `./...`, `dir/...`, `.`, and import paths of
the main module(s) (`example.com/m/internal/...`), resolved through go.mod / go.work.

An argument that names an existing file or directory is taken as it is (a directory is
walked, like `dir/...`). Otherwise:

- a pattern with `...` is a wildcard, as `go help packages` describes it: `...` matches
  any string, and `x/...` also matches `x` itself. Relative (`./`, `../`, or a first
  element that exists here) and absolute patterns match directories; the others match
  import paths of the main modules.
- an import path without `...` names one package: the Go files of its directory.

The main modules are those of the nearest go.work (its `use` directives; `GOWORK=off`
disables it, `GOWORK=/path/go.work` picks one), else the nearest go.mod. Directories
named vendor or testdata, or starting with `.` or `_`, never match a wildcard, and a
directory with its own go.mod is another module, not part of the one above it (as with
the go command). Nothing here runs `go`.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

SKIP_DIRS = {"vendor", "testdata", "node_modules"}
_USE_LINE = re.compile(r"^\s*use\s+(\S+)\s*$")
_MODULE = re.compile(r"^\s*module\s+(\S+)")


class PatternError(Exception):
    """A package pattern that matches nothing (message says why)."""


@dataclass(frozen=True)
class Module:
    path: str  # module path, e.g. example.com/m
    directory: str  # absolute directory holding its go.mod


def _strip_comment(line: str) -> str:
    return line.split("//", 1)[0].strip()


def _unquote(word: str) -> str:
    return word[1:-1] if len(word) >= 2 and word[0] == word[-1] and word[0] in "\"`" else word


def read_module_path(go_mod: str) -> str | None:
    try:
        with open(go_mod, encoding="utf-8", errors="replace") as f:
            for line in f:
                m = _MODULE.match(_strip_comment(line))
                if m:
                    return _unquote(m.group(1))
    except OSError:
        return None
    return None


def _work_uses(go_work: str) -> list[str]:
    """The directories of a go.work's `use` directives (single lines and blocks)."""
    uses: list[str] = []
    block = False
    try:
        with open(go_work, encoding="utf-8", errors="replace") as f:
            lines = f.read().splitlines()
    except OSError:
        return uses
    for raw in lines:
        line = _strip_comment(raw)
        if block:
            if line == ")":
                block = False
            elif line:
                uses.append(_unquote(line))
            continue
        if re.fullmatch(r"use\s*\(", line):
            block = True
            continue
        m = _USE_LINE.match(line)
        if m:
            uses.append(_unquote(m.group(1)))
    return uses


def _nearest(start: str, name: str) -> str | None:
    d = os.path.abspath(start)
    while True:
        candidate = os.path.join(d, name)
        if os.path.isfile(candidate):
            return candidate
        parent = os.path.dirname(d)
        if parent == d:
            return None
        d = parent


def find_go_work(cwd: str) -> str | None:
    env = os.environ.get("GOWORK", "")
    if env == "off":
        return None
    if env:
        return env if os.path.isfile(env) else None
    return _nearest(cwd, "go.work")


def main_modules(cwd: str | None = None) -> list[Module]:
    """The main modules seen from cwd: go.work's, else the nearest go.mod's."""
    cwd = os.path.abspath(cwd or os.getcwd())
    work = find_go_work(cwd)
    mods: list[Module] = []
    if work is not None:
        base = os.path.dirname(os.path.abspath(work))
        for use in _work_uses(work):
            d = os.path.normpath(os.path.join(base, use))
            mp = read_module_path(os.path.join(d, "go.mod"))
            if mp:
                mods.append(Module(mp, d))
        return mods
    go_mod = _nearest(cwd, "go.mod")
    if go_mod is not None:
        mp = read_module_path(go_mod)
        if mp:
            mods.append(Module(mp, os.path.dirname(os.path.abspath(go_mod))))
    return mods


def pattern_regex(pattern: str) -> re.Pattern[str]:
    """go's matchPattern: `...` matches anything; a trailing `/...` also matches the prefix."""
    parts = pattern.split("...")
    rx = ".*".join(re.escape(p) for p in parts)
    if pattern.endswith("/..."):
        rx = rx[: -len(re.escape("/") + ".*")] + "(?:/.*)?"
    return re.compile(rx + r"\Z", re.S)


def _skip(name: str) -> bool:
    return name in SKIP_DIRS or name.startswith((".", "_"))


def _dirs_under(top: str, stop_at_modules: bool) -> list[str]:
    """top and the directories below it a wildcard may match (sorted, depth first)."""
    out: list[str] = []
    stack = [top]
    while stack:
        d = stack.pop()
        out.append(d)
        try:
            with os.scandir(d) as it:
                subs = sorted(e.path for e in it
                              if e.is_dir(follow_symlinks=False) and not _skip(e.name))
        except OSError:
            continue
        if stop_at_modules:
            subs = [s for s in subs if not os.path.isfile(os.path.join(s, "go.mod"))]
        stack.extend(reversed(subs))
    return out


def package_files(directory: str) -> list[Path]:
    """The Go files of one package directory (generated files left out, as a walk would)."""
    from gofix.engine import is_generated

    out = []
    try:
        names = sorted(os.listdir(directory))
    except OSError:
        return out
    for name in names:
        p = os.path.join(directory, name)
        if not name.endswith(".go") or not os.path.isfile(p):
            continue
        try:
            with open(p, "rb") as f:
                head = f.read(65536)
        except OSError:
            head = b""
        if not is_generated(head):
            out.append(Path(p))
    return out


def _shown(path: str, cwd: str) -> str:
    """A path relative to cwd (so outputs stay short and clickable), as a walk would show it."""
    try:
        return os.path.relpath(path, cwd)
    except ValueError:  # another drive (Windows)
        return path


def _is_relative_pattern(arg: str) -> bool:
    if arg in (".", "..") or arg.startswith(("./", "../", "/")) or os.path.isabs(arg):
        return True
    first = arg.split("/", 1)[0]
    # `internal/...` where ./internal exists: meant as a directory, not an import path
    return "..." not in first and os.path.isdir(first)


def _has_go_files(directory: str) -> bool:
    try:
        return any(n.endswith(".go") for n in os.listdir(directory))
    except OSError:
        return False


def _norm_pattern(arg: str) -> str:
    """./a/.../b -> a/.../b (as normpath makes the directories it is matched against)."""
    tail = "/..." if arg.endswith("/...") else ""
    body = arg[: -len(tail)] if tail else arg
    return os.path.normpath(body).replace(os.sep, "/") + tail


def _dir_pattern(arg: str, cwd: str) -> list[Path]:
    literal = arg.split("...", 1)[0]
    if arg.endswith("/...") and "..." not in arg[:-4]:
        top = arg[:-4] or "/"
        if not os.path.isdir(os.path.join(cwd, top)):
            raise PatternError(f"{arg}: directory {top} does not exist")
        return [Path(top)]
    top = literal.rsplit("/", 1)[0] if "/" in literal else "."
    rx = pattern_regex(_norm_pattern(arg))
    out: list[Path] = []
    base = os.path.join(cwd, top)
    for d in _dirs_under(base, stop_at_modules=False):
        rel = os.path.normpath(os.path.join(top, os.path.relpath(d, base))).replace(os.sep, "/")
        if rx.match(rel) and _has_go_files(d):
            out.extend(Path(_shown(str(p), cwd)) for p in package_files(d))
    if not out:
        raise PatternError(f"{arg}: matched no packages")
    return out


def _import_pattern(arg: str, cwd: str, modules: list[Module]) -> list[Path]:
    if not modules:
        raise PatternError(f"{arg}: no such file or directory, and no go.mod or go.work here to resolve it as an import path")
    wild = "..." in arg
    rx = pattern_regex(arg) if wild else None
    out: list[Path] = []
    for mod in modules:
        if not wild:
            if arg == mod.path or arg.startswith(mod.path + "/"):
                d = os.path.join(mod.directory, arg[len(mod.path) + 1:]) if arg != mod.path else mod.directory
                if os.path.isdir(d) and _has_go_files(d):
                    out.extend(Path(_shown(str(p), cwd)) for p in package_files(d))
            continue
        literal = arg.split("...", 1)[0]
        if not (literal.startswith(mod.path) or mod.path.startswith(literal)):
            continue  # cannot match anything in this module
        prefix = arg[:-4] if arg.endswith("/...") and arg.count("...") == 1 else None
        if prefix is not None and (prefix == mod.path or prefix.startswith(mod.path + "/")):
            d = os.path.join(mod.directory, prefix[len(mod.path) + 1:])
            if os.path.isdir(d) and not _has_nested_modules(d):
                out.append(Path(_shown(os.path.normpath(d), cwd)))  # the engine walks it
                continue
        for d in _dirs_under(mod.directory, stop_at_modules=True):
            rel = os.path.relpath(d, mod.directory)
            ip = mod.path if rel == "." else mod.path + "/" + rel.replace(os.sep, "/")
            if rx.match(ip) and _has_go_files(d):
                out.extend(Path(_shown(str(p), cwd)) for p in package_files(d))
    if not out:
        names = ", ".join(m.path for m in modules)
        raise PatternError(f"{arg}: matched no packages of the main module(s) ({names})")
    return out


def _has_nested_modules(directory: str) -> bool:
    for d in _dirs_under(directory, stop_at_modules=False)[1:]:
        if os.path.isfile(os.path.join(d, "go.mod")):
            return True
    return False


def expand(args: list[str], cwd: str | None = None) -> tuple[list[Path], list[str]]:
    """(paths for the engine, errors): each argument as a path or a Go package pattern.
    Order is kept and duplicates dropped; an argument that matches nothing is an error."""
    cwd = os.path.abspath(cwd or os.getcwd())
    modules: list[Module] | None = None
    out: list[Path] = []
    errors: list[str] = []
    seen: set[str] = set()
    for arg in args:
        try:
            if os.path.lexists(os.path.join(cwd, arg)) and "..." not in arg:
                found = [Path(arg)]
            elif _is_relative_pattern(arg):
                if "..." not in arg:
                    found = [Path(arg)]  # missing: the engine reports it
                else:
                    found = _dir_pattern(arg, cwd)
            else:
                if modules is None:
                    modules = main_modules(cwd)
                found = _import_pattern(arg, cwd, modules)
        except PatternError as e:
            errors.append(str(e))
            continue
        for p in found:
            key = os.path.normpath(os.path.join(cwd, p))
            if key not in seen:
                seen.add(key)
                out.append(p)
    return out, errors
