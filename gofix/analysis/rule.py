"""The Rule value each codemods/ module exports, and rule documentation helpers."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

from gofix.analysis.context import FileContext
from gofix.analysis.package import import_header
from gofix.analysis.model import Finding


class _WordPattern:
    """A bytes regex that must start at a word boundary, searched fast: the pattern itself
    starts with a literal (which the regex engine scans for quickly) and the boundary before
    it is checked by hand (a leading \\b makes the engine try every position: 13x slower
    over the standard library)."""

    def __init__(self, pattern: bytes) -> None:
        self.pattern = re.compile(pattern)

    def search(self, src: bytes) -> re.Match[bytes] | None:
        for m in self.pattern.finditer(src):
            before = src[m.start() - 1 : m.start()]
            if not before or not (before.isalnum() or before == b"_"):
                return m
        return None


# A goroutine started from a function literal: `go func(`, also `go (func(`.
GO_FUNC_LITERAL = _WordPattern(rb"go(?:\s+|\s*\(\s*)func\b")


@dataclass(frozen=True)
class Imports:
    """A prefilter condition: the file imports one of these packages (b"net/http", or b'"net"'
    for exactly net: any byte string of the import spec). Looked for in the import
    declarations only, which come before every other declaration. (A package's own files
    name its types unqualified, without importing it: a rule with this condition does not
    look at the package itself.)"""

    paths: tuple[bytes, ...]


@dataclass(frozen=True)
class PackageImports(Imports):
    """A prefilter condition: some file of the file's package (this one, or another file of
    its directory with the same package clause) imports one of these packages. For a rule
    whose evidence may sit in any file of the package (a *http.Client field declared in
    another file): without an import of net/http anywhere in the package, no declaration
    in it can name a net/http type. Looked at after every other condition (it may read the
    other files), and assumed to hold when the package is not known (prefilter given only
    bytes). A result it rejects depends on the other files (Package.used is set)."""


_SPACE = b" \t\r\n"
# A string in an import block: an import spec's path (or a string in a comment).
_STRING = re.compile(rb'["`]([^"`\n]*)["`]')


def _name_before(header: bytes, i: int) -> bytes | None:
    """The word (or ".") just before offset i, white space skipped: an import spec's name
    when its path starts at i; b"" for none, None when a comment ends there."""
    j = i
    while j > 0 and header[j - 1] in _SPACE:
        j -= 1
    if j > 0 and header[j - 1] == 0x2F:  # "/"
        return None
    if j > 0 and header[j - 1] == 0x2E:
        return b"."
    k = j
    while k > 0 and _ident_byte(header[k - 1]):
        k -= 1
    return header[k:j]


@dataclass(frozen=True)
class PackageCalls:
    """A prefilter condition: a call `pkg.F(` (white space and comments allowed between the
    tokens) of one of these (import path, function) pairs, pkg being a name the file's import
    block gives the path: its alias, or default_package_name (what FileContext.imports
    takes). Held by any call that is_pkg_call matches. A dot import of one of the paths lets
    the file through. option_calls(options) adds pairs (a config catalog), see Rule.requires_for."""

    calls: tuple[tuple[str, str], ...]
    option_calls: Callable[[Any], tuple[tuple[str, str], ...]] | None = None

    def for_options(self, options: Any) -> PackageCalls:
        if self.option_calls is None:
            return self
        extra = tuple(self.option_calls(options))
        return replace(self, calls=self.calls + extra, option_calls=None) if extra else self

    def search(self, src: bytes) -> bool:
        from gofix.analysis.context import default_package_name

        wanted: dict[str, list[str]] = {}
        for path, fn in self.calls:
            wanted.setdefault(path, []).append(fn)
        names: dict[bytes, set[bytes]] = {}  # function -> the names its package goes by here
        header = import_header(src)
        for m in _STRING.finditer(header):
            path = m.group(1).decode("utf-8", "replace")
            if path not in wanted:
                continue
            alias = _name_before(header, m.start())
            if alias in (b".", None):
                return True  # F( unqualified (or a comment in the way): not worth telling apart
            local = {default_package_name(path).encode(), *([alias] if alias else [])}
            for fn in wanted[path]:
                names.setdefault(fn.encode(), set()).update(local)
        return any(_qualified_call_at(src, i, fn, pkgs) for fn, pkgs in names.items() for i in _occurrences(src, fn))


def _qualified_call_at(src: bytes, i: int, fn: bytes, pkgs: set[bytes]) -> bool:
    """Whether the word fn at i may be the F of a call `pkg . F (` with pkg in pkgs. White
    space is skipped; a comment, or a line break between pkg and F (a line comment may end
    the line before), makes it a maybe (True)."""
    j = i
    while j > 0 and src[j - 1] in _SPACE:
        j -= 1
    if j == 0 or src[j - 1] != 0x2E:  # "."
        return j > 0 and src[j - 1] == 0x2F  # "/": a comment before F
    k = j - 1  # the dot
    while k > 0 and src[k - 1] in _SPACE:
        k -= 1
    if k > 0 and src[k - 1] == 0x2F or b"\n" in src[k:i]:
        return True
    e = k
    while k > 0 and _ident_byte(src[k - 1]):
        k -= 1
    if src[k:e] not in pkgs or (k > 0 and src[k - 1] == 0x2E):
        return False
    n = i + len(fn)
    while n < len(src) and src[n] in _SPACE:
        n += 1
    return n < len(src) and src[n] in b"(/"  # the call's parenthesis, or a comment first


def _occurrences(src: bytes, word: bytes) -> Iterator[int]:
    """word's offsets in src where it is not part of a longer word."""
    i = src.find(word)
    while i != -1:
        before = src[i - 1] if i > 0 else 0x20
        after = src[i + len(word)] if i + len(word) < len(src) else 0x20
        if not _ident_byte(before) and not _ident_byte(after):
            yield i
        i = src.find(word, i + 1)


def _ident_byte(b: int) -> bool:
    return b == 0x5F or b >= 0x80 or 0x30 <= b <= 0x39 or 0x41 <= b <= 0x5A or 0x61 <= b <= 0x7A


class ByteScan:
    """One file's bytes, for the prefilters of every rule: each byte string or pattern is
    looked for once per file (rules share triggers)."""

    def __init__(self, src: bytes) -> None:
        self.src = src
        self._seen: dict[bytes, bool] = {}
        self._matched: dict[int, bool] = {}
        self._header: bytes | None = None

    def has(self, needle: bytes) -> bool:
        try:
            return self._seen[needle]
        except KeyError:
            found = self._seen[needle] = needle in self.src
            return found

    def header(self) -> bytes:
        """import_header of the bytes: all their import declarations are in it."""
        if self._header is None:
            self._header = import_header(self.src)
        return self._header

    def imports(self, cond: Imports) -> bool:
        header = self.header()
        return any(p in header for p in cond.paths)

    def package_imports(self, cond: PackageImports, package: Callable[[], Any] | None) -> bool:
        """cond for this file's package: package() gives it (a gofix.analysis.package.Package);
        None, when it is not known, lets the file through."""
        if self.imports(cond):
            return True
        return package is None or package().others_import(cond.paths)

    def search(self, pattern: re.Pattern[bytes] | _WordPattern) -> bool:
        try:
            return self._matched[id(pattern)]
        except KeyError:
            found = self._matched[id(pattern)] = bool(pattern.search(self.src))
            return found


@lru_cache(maxsize=256)
def _plan(triggers: tuple[bytes, ...], requires: tuple[Any, ...]) -> tuple[Any, ...]:
    """The prefilter's conditions, cheapest first: the answer is the same in any order, and
    a file that fails one is not scanned for the others. A group of n byte strings costs up
    to n scans of the file when none is there (the usual case), a pattern about one, an
    Imports condition a look at the import block. In a group, a string that holds another
    (b"CloseAndRecv(" holds b"Recv(") is left out: it is there only if the other is."""
    def cost(c: Any) -> float:
        if isinstance(c, PackageImports):
            return 1e9  # last: it may read the package's other files
        return len(c) if isinstance(c, tuple) else 0.1 if isinstance(c, Imports) else 1.5

    def reduced(group: tuple[bytes, ...]) -> tuple[bytes, ...]:
        return tuple(t for t in group if not any(o != t and o in t for o in group))

    conds = [reduced(c) if isinstance(c, tuple) else c for c in (triggers, *requires)]
    return tuple(sorted(conds, key=cost))


@dataclass(frozen=True)
class Rule:
    id: str
    doc: str  # the module docstring: "<id>: <summary>" then ruff-style sections
    find: Callable[[FileContext], list[Finding]]
    # Prefilter: the file is parsed for this rule only if it contains one of these byte
    # strings. Keep them necessary conditions of a finding, never sufficient ones.
    triggers: tuple[bytes, ...]
    # Linter names whose `//nolint:<name>` (or `//lint:ignore <name>`) also suppress this rule.
    nolint: tuple[str, ...] = ()
    # True for rules whose findings become hints when timers are collected (Go >= 1.23).
    timer_rule: bool = False
    # More triggers derived from the run's engine.Options (e.g. the config's resource
    # catalog for unclosed-resource); None: the static triggers only.
    option_triggers: Callable[[Any], tuple[bytes, ...]] | None = None
    # More import paths for the Imports conditions of `requires`, derived from the options
    # (the config's resource catalog names packages of its own).
    option_imports: Callable[[Any], tuple[bytes, ...]] | None = None
    # More prefilter conditions, all of which must hold: each is a group of byte strings
    # (one of them must occur), a compiled bytes regex or any object with such a `search`
    # (it must match somewhere), an Imports group (one of them occurs in the import
    # declarations) or a PackageImports group (in those of some file of the package). Like
    # triggers, they must be necessary conditions of a finding; the cheapest is looked at first.
    requires: tuple[tuple[bytes, ...] | re.Pattern[bytes] | _WordPattern | Imports | Any, ...] = ()
    # The options the rule reads (ctx.option), name -> spec (gofix.analysis.options:
    # Choice, Flag, Integer): `--option` and `[rules.<id>]` are checked against them.
    options: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    # Per-declaration analysis (gofix.analysis.incremental) keys the findings in one
    # top-level declaration on its bytes, the file's skeleton, the same-file functions it
    # may call and the package's other files. What else of the file a rule reads from other
    # declarations, it declares here, by the names of incremental.CROSS_FACTS:
    # "import-uses" (whether an import is used outside the declaration), "body-types" (type
    # names declared in function bodies), "field-values" (keyed elements and field
    # assignments in other functions).
    reads_across: tuple[str, ...] = ()
    # Called with an incremental.FileUses (the file's bytes, imports and every `q.m` / `q.T`
    # use of an import): True when this rule's findings may change outside the declarations
    # they are in for a reason the facts above do not cover (a fix that removes an import
    # once every use of it is rewritten): the file is then analysed whole.
    whole_file: Callable[[Any], bool] | None = field(default=None, hash=False, compare=False)
    # id(options) -> (options, plan): _plan_for's memo (the options are held, so the id is theirs)
    _plans: dict[int, tuple[Any, tuple[Any, ...]]] = field(default_factory=dict, init=False, repr=False,
                                                          hash=False, compare=False)

    def triggers_for(self, options: Any) -> tuple[bytes, ...]:
        """The static triggers plus those the options add."""
        if self.option_triggers is None:
            return self.triggers
        return self.triggers + tuple(self.option_triggers(options))

    def requires_for(self, options: Any) -> tuple[Any, ...]:
        """The static requires, with the import paths the options add to Imports conditions
        (and what they add to conditions that take options: PackageCalls)."""
        extra = tuple(self.option_imports(options)) if self.option_imports is not None else ()
        out = []
        for c in self.requires:
            if isinstance(c, Imports) and extra:
                c = replace(c, paths=c.paths + extra)
            elif hasattr(c, "for_options"):
                c = c.for_options(options)
            out.append(c)
        return tuple(out)

    def prefilter(self, src: bytes | ByteScan, options: Any, package: Callable[[], Any] | None = None) -> bool:
        """Whether src may hold a finding of this rule (False: do not even parse it for us).
        Pass a ByteScan when several rules look at the same file, and package (a callable
        giving the file's Package) for PackageImports conditions."""
        scan = src if isinstance(src, ByteScan) else ByteScan(src)
        has = scan.has
        for cond in self._plan_for(options):
            if isinstance(cond, tuple):
                for t in cond:
                    if has(t):
                        break
                else:
                    return False
            elif isinstance(cond, PackageImports):
                if not scan.package_imports(cond, package):
                    return False
            elif isinstance(cond, Imports):
                if not scan.imports(cond):
                    return False
            elif not scan.search(cond):
                return False
        return True

    def _plan_for(self, options: Any) -> tuple[Any, ...]:
        """_plan of this rule's conditions under options, worked out once per options value
        (a run has a handful; the prefilter runs for every file and rule)."""
        hit = self._plans.get(id(options))
        if hit is None or hit[0] is not options:
            hit = self._plans[id(options)] = (options, _plan(self.triggers_for(options), self.requires_for(options)))
        return hit[1]

    @property
    def summary(self) -> str:
        first = self.doc.strip().splitlines()[0]
        return first.split(":", 1)[1].strip() if ":" in first else first

    def section(self, title: str) -> str:
        """The text of one '## title' section of the docstring ('' if absent)."""
        m = re.search(rf"^## {re.escape(title)}\s*\n(.*?)(?=^## |\Z)", self.doc, re.M | re.S)
        return m.group(1).strip() if m else ""
