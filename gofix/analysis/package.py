"""The package a file belongs to: the other `.go` files of its directory with the same
package clause, read and parsed only when a rule asks.

    pkg = ctx.package
    pkg.name, pkg.directory          # from the current file alone: free
    pkg.files                        # every file of the package, the current one included
    pkg.decls("Client")              # top-level declarations named Client, in any file
    pkg.decls("Client.Do")           # the method Do of (*)Client

Build tags are ignored (`//go:build` lines are not read): a declaration in any file of
the directory counts, which is what a reader of the code sees. `_test.go` files with the
same package clause belong to the package; an external test package (`package p_test`)
does not.

A result that used the siblings depends on their bytes: `Package.used` says whether a
rule looked past the current file, and `fingerprint` (a hash of the other files' bytes)
then goes into that file's cache entry.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any
from dataclasses import dataclass
from functools import cached_property, lru_cache

from tree_sitter import Node, Tree

from gofix.analysis import syntax as S

_PACKAGE_NAME = re.compile(rb"package[ \t]+([A-Za-z_][A-Za-z0-9_]*)")
_TOP_LEVEL = re.compile(rb"\n(?:func|type|var|const) ")
_BOM = b"\xef\xbb\xbf"
MAX_SIBLING_SIZE = 4 * 1024 * 1024


def package_clause(src: bytes) -> str | None:
    """The name in src's package clause, skipping leading comments and blank lines (no
    parse); None when the file does not start with one."""
    i = len(_BOM) if src.startswith(_BOM) else 0
    n = len(src)
    while i < n:
        c = src[i : i + 1]
        if c in (b" ", b"\t", b"\r", b"\n"):
            i += 1
        elif src.startswith(b"//", i):
            j = src.find(b"\n", i)
            i = n if j < 0 else j + 1
        elif src.startswith(b"/*", i):
            j = src.find(b"*/", i + 2)
            if j < 0:
                return None
            i = j + 2
        else:
            m = _PACKAGE_NAME.match(src, i)
            return m.group(1).decode() if m else None
    return None


def import_header(src: bytes) -> bytes:
    """The bytes of src up to its first declaration that is not an import (a line starting
    with func, type, var or const): all its import declarations are in them. The whole file
    when a block comment could hide such a line before the imports."""
    first = _TOP_LEVEL.search(src)  # stops there (four finds would read the file to its end)
    cut = first.start() if first is not None else len(src)
    return src if b"/*" in src[:cut] else src[:cut]


def imports_one_of(src: bytes, paths: tuple[bytes, ...]) -> bool:
    """Whether src's import block (import_header) holds one of the byte strings paths."""
    header = import_header(src)
    return any(p in header for p in paths)


class PackageFile:
    """One file of a package: its path, bytes, lazily parsed tree and fingerprint."""

    def __init__(self, package: Package, path: str, src: bytes | None = None, tree: Tree | None = None,
                 load: Callable[[str], bytes | None] | None = None) -> None:
        self.package = package
        self.path = path
        self._src = src
        self._tree = tree
        self._load = load

    @property
    def name(self) -> str:
        return os.path.basename(self.path)

    @property
    def src(self) -> bytes:
        if self._src is None:
            self._src = (self._load(self.path) if self._load else None) or b""
        return self._src

    @property
    def tree(self) -> Tree:
        """The file's syntax tree, parsed on first use (the current file's is the context's)."""
        if self._tree is None:
            self._tree = self.package._parse(self)
        return self._tree

    def attach(self, tree: Tree) -> None:
        """tree is this file's, parsed by the caller: used instead of parsing again."""
        if self._tree is None:
            self._tree = tree

    @property
    def root(self) -> Node:
        return self.tree.root_node

    @cached_property
    def digest(self) -> str:
        if self.package._digest_hook is not None and self is not self.package.current:
            return self.package._digest_hook(self)
        return hashlib.sha256(self.src).hexdigest()

    @property
    def fingerprint(self) -> str:
        """A hash of the bytes (and names) of the package's other files: what a result for
        this file depends on beyond its own bytes once a rule looked at the package."""
        h = hashlib.sha256()
        for f in self.package.files:
            if f is not self:
                h.update(f.name.encode() + b"\0" + f.digest.encode() + b"\0")
        return h.hexdigest()[:16]

    def text(self, node: Node) -> str:
        return self.src[node.start_byte : node.end_byte].decode("utf-8", "replace")

    @property
    def clause(self) -> str | None:
        """The name in the file's package clause (package_clause of its bytes)."""
        return self.of_bytes("package.clause", lambda: package_clause(self.src))

    def of_bytes(self, name: str, compute: Callable[[], Any]) -> Any:
        """compute() (a fact of this file's bytes alone, such as its package clause),
        remembered with the bytes across the files of a run when the engine's reader holds
        them, as `derived` is with the tree."""
        hook = self.package._bytes_hook
        if hook is None or self is self.package.current:
            return compute()
        return hook(self, name, compute)

    def derived(self, name: str, compute: Callable[[], Any]) -> Any:
        """compute() (a fact of this file's tree alone, such as its top-level declarations),
        remembered with the tree across the files of a run when the engine's reader holds
        it: a package of n files then builds each file's table once, not n times. The
        current file (maybe an unsaved buffer) is always computed afresh."""
        hook = self.package._derived_hook
        if hook is None or self is self.package.current:
            return compute()
        return hook(self, name, compute)

    def __repr__(self) -> str:
        return f"PackageFile({self.path!r})"


@dataclass(frozen=True)
class Decl:
    """A top-level declaration: `node` is the function_declaration, method_declaration,
    type_definition, alias_declaration, var_spec or const_spec; `ident` its name node (for a var or const
    spec declaring several names, the one asked for)."""

    file: PackageFile
    kind: str  # "func" | "method" | "type" | "var" | "const"
    name: str  # "Do" for a function, "Client.Do" for a method (receiver's type name, no star)
    node: Node
    ident: Node


class Package:
    """The files of one Go package (one directory, one package clause).

    Construct it with `Package.of_file` (siblings read from disk when first needed) or
    `Package.in_memory` (siblings given, for tests and editors' buffers).
    """

    def __init__(self, name: str | None, directory: str, current_path: str, current_src: bytes,
                 current_tree: Tree | None, siblings: Callable[[], list[tuple[str, bytes | None]]],
                 load: Callable[[str], bytes | None] | None = None,
                 parse: Callable[[PackageFile], Tree] | None = None,
                 digest: Callable[[PackageFile], str] | None = None,
                 derived: Callable[[PackageFile, str, Callable[[], Any]], Any] | None = None,
                 of_bytes: Callable[[PackageFile, str, Callable[[], Any]], Any] | None = None,
                 importers: Callable[[str, str, tuple[bytes, ...]], frozenset[str]] | None = None,
                 digests: Callable[[str, str], tuple[tuple[str, str], ...]] | None = None) -> None:
        self.name = name
        self.directory = directory
        self.used = False  # a rule looked at the other files (their bytes decide the result)
        self._siblings = siblings
        self._load = load
        self._parse_hook = parse
        self._digest_hook = digest
        self._derived_hook = derived
        self._bytes_hook = of_bytes
        self._importers_hook = importers
        self._digests_hook = digests
        self.current = PackageFile(self, current_path, current_src, current_tree)
        self._files: list[PackageFile] | None = None
        self._decls: dict[str, dict[str, list[Decl]]] | None = None  # per file path

    # --- construction --------------------------------------------------------------------

    @classmethod
    def of_file(cls, path: str, src: bytes, tree: Tree | None = None, reader: DiskFiles | None = None) -> Package:
        """The package of the file at `path` whose current bytes are `src` (perhaps an unsaved
        buffer): the siblings come from the directory on disk, listed and read lazily."""
        reader = reader or DiskFiles()
        directory = os.path.dirname(os.path.abspath(path))
        me = os.path.basename(path)

        def siblings() -> list[tuple[str, bytes | None]]:
            return [(p, None) for p in reader.listing(directory) if os.path.basename(p) != me]

        return cls(package_clause(src), directory, path, src, tree, siblings, reader.read, reader.parse, reader.digest,
                   reader.derived, reader.of_bytes, reader.importers, reader.digests)

    @classmethod
    def in_memory(cls, path: str, src: bytes, others: Mapping[str, bytes], tree: Tree | None = None) -> Package:
        """A package made of the file (path, src) and `others` (path -> bytes; files with
        another package clause are left out, as on disk)."""
        items = [(p, b) for p, b in sorted(others.items()) if p != path]
        return cls(package_clause(src), os.path.dirname(path) or ".", path, src, tree, lambda: items)

    # --- files ----------------------------------------------------------------------------

    @property
    def files(self) -> list[PackageFile]:
        """Every file of the package, the current one included, sorted by path."""
        self.used = True
        if self._files is None:
            found = [self.current]
            for p, data in self._siblings():
                f = PackageFile(self, p, data, load=self._load)
                if self.name is not None and f.clause == self.name:
                    found.append(f)
            self._files = sorted(found, key=lambda f: f.name)
        return self._files

    @property
    def others(self) -> list[PackageFile]:
        """The files of the package other than the current one."""
        return [f for f in self.files if f is not self.current]

    def others_import(self, paths: tuple[bytes, ...]) -> bool:
        """Whether a file of the package other than the current one imports one of paths
        (a byte string of its import block: imports_one_of). The package is then used:
        the answer depends on the other files. Without reading them all once per asking
        file, when the reader answers for the directory."""
        self.used = True
        if self.name is None:
            return False
        if self._importers_hook is not None:
            me = self.current.name
            return any(os.path.basename(p) != me for p in self._importers_hook(self.directory, self.name, paths))
        return any(imports_one_of(f.src, paths) for f in self.others)

    @property
    def fingerprint(self) -> str:
        """The current file's PackageFile.fingerprint (from the reader's digests of the
        directory, when it has them: the same value)."""
        if self._digests_hook is None or self.name is None:
            return self.current.fingerprint
        self.used = True
        me = self.current.name
        h = hashlib.sha256()
        for name, digest in self._digests_hook(self.directory, self.name):
            if name != me:
                h.update(name.encode() + b"\0" + digest.encode() + b"\0")
        return h.hexdigest()[:16]

    def _parse(self, f: PackageFile) -> Tree:
        if self._parse_hook is not None:
            return self._parse_hook(f)
        return S.parse(f.src)

    # --- declarations -----------------------------------------------------------------------

    def decls(self, name: str) -> list[Decl]:
        """Top-level declarations named `name` across the package's files: functions (`F`),
        methods (`T.M`, receiver `T` or `*T`, type parameters dropped), types (incl.
        aliases), vars and consts. Several entries when files disagree (build tags).
        A file is parsed for this only when its bytes may declare the name (may_declare)."""
        files = self.files
        if self._decls is None:
            self._decls = {}
        kinds = ("method",) if "." in name else ("func", "type", "var", "const")
        out: list[Decl] = []
        for f in files:
            table = self._decls.get(f.path)
            if table is None:
                if f is not self.current and not any(may_declare(f.src, kind, name) for kind in kinds):
                    continue
                table = self._decls[f.path] = {}
                for d in _top_level(f):
                    table.setdefault(d.name, []).append(d)
            out.extend(table.get(name, ()))
        self.used = True
        return out


_WORD = re.compile(r"[A-Za-z0-9_]+")


def holds_word(src: bytes, word: str) -> bool:
    """Whether src holds word as a whole word (a necessary condition of declaring it): a
    word with characters other than ASCII letters, digits and _ is looked for as bytes, and
    one with U+FFFD (how invalid UTF-8 decodes) is assumed present."""
    if "\ufffd" in word:
        return True
    raw = word.encode()
    if raw not in src:
        return False
    if not _WORD.fullmatch(word):
        return True
    return re.search(rb"(?<![A-Za-z0-9_])" + re.escape(raw) + rb"(?![A-Za-z0-9_])", src) is not None


# What may stand between two tokens: white space and comments.
_GAP = rb"(?:\s++|/\*(?:[^*]|\*(?!/))*+\*/|//[^\n]*+)*+"
_IDENT_END = rb"(?![A-Za-z0-9_\x80-\xff])"  # (bytes >= 0x80: UTF-8 letters of an identifier)
_TYPE_START = rb"[=\[*(<A-Za-z_\x80-\xff]"  # a type (or a type spec's `=` / type parameters)
# A declared name's next token, by kind: a var spec's name is followed by `,`, `=` or its
# type; a const spec's also by nothing (`B` in `const ( A = iota; B )`).
_FOLLOWS = {
    "type": _TYPE_START,
    "var": rb"(?:,|=(?!=)|" + _TYPE_START + rb")",
    "const": rb"(?:[,);]|=(?!=)|" + _TYPE_START + rb")",
}


def may_declare(src: bytes, kind: str, name: str) -> bool:
    """Whether src's bytes may hold the top-level declaration of `name` as a `kind`
    ("func", "method" with name "T.M", "type", "var" or "const"): a necessary condition
    read from the bytes around the name's occurrences, whatever the layout (comments and
    line breaks between the tokens included), so that a file that fails it is not parsed
    to look. `func F` then `(` or `[`; a method `M` after a `)` (the receiver's, the
    receiver type's word anywhere) then `(`; a type, var or const name after white
    space, `(`, `;` or `,` (a spec in a group or list), then the token that follows such
    a name. Words that are not ASCII identifiers fall back to holds_word."""
    if kind == "method":
        recv, _, name = name.rpartition(".")
        if not holds_word(src, recv):
            return False
    if "\ufffd" in name or not _WORD.fullmatch(name):
        return holds_word(src, name)
    raw = name.encode()
    if raw not in src:
        return False
    return _declaration(kind, raw).search(src) is not None


@lru_cache(maxsize=4096)
def _declaration(kind: str, raw: bytes) -> re.Pattern[bytes]:
    """may_declare's pattern (compiled once per kind and name, not per file)."""
    word = re.escape(raw)
    if kind == "func":
        return re.compile(rb"func" + _GAP + word + _GAP + rb"[(\[]")
    if kind == "method":
        return re.compile(word + rb"(?<![^\s)/]" + word + rb")" + _GAP + rb"[(\[]")
    return re.compile(word + rb"(?<![^\s(;,/]" + word + rb")" + _IDENT_END + _GAP + _FOLLOWS[kind])


def _top_level(f: PackageFile) -> list[Decl]:
    out: list[Decl] = []
    for decl in f.root.named_children:
        t = decl.type
        if t == "function_declaration":
            ident = decl.child_by_field_name("name")
            if ident is not None:
                out.append(Decl(f, "func", f.text(ident), decl, ident))
        elif t == "method_declaration":
            ident = decl.child_by_field_name("name")
            recv = receiver_type_name(f, decl)
            if ident is not None and recv is not None:
                out.append(Decl(f, "method", f"{recv}.{f.text(ident)}", decl, ident))
        elif t in ("type_declaration", "var_declaration", "const_declaration"):
            kind = {"type_declaration": "type", "var_declaration": "var", "const_declaration": "const"}[t]
            for spec in S.walk(decl):
                if spec.type in (S.TYPE_DEFINITION, S.TYPE_ALIAS, "var_spec", "const_spec"):
                    for ident in spec.children_by_field_name("name"):
                        out.append(Decl(f, kind, f.text(ident), spec, ident))
    return out


def receiver_type_name(f: PackageFile, method: Node) -> str | None:
    """`T` for a method declared on `T`, `*T`, `T[K]` or `*T[K]`."""
    recv = method.child_by_field_name("receiver")
    if recv is None:
        return None
    param = next((c for c in recv.named_children if c.type == "parameter_declaration"), None)
    typ = param.child_by_field_name("type") if param is not None else None
    while typ is not None and typ.type in ("pointer_type", "generic_type", "parenthesized_type"):
        typ = typ.child_by_field_name("type") if typ.type == "generic_type" else (
            typ.named_children[0] if typ.named_children else None)
    return f.text(typ) if typ is not None and typ.type == "type_identifier" else None


class _Entry:
    """What DiskFiles knows of one file at one stat: its bytes, and what was computed from
    them (the tree, the digest, derived facts kept with that tree)."""

    __slots__ = ("data", "tree", "digest", "derived", "of_bytes")

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.tree: Tree | None = None
        self.digest: str | None = None
        self.derived: dict[str, tuple[Tree, Any]] = {}
        self.of_bytes: dict[str, Any] = {}


class DiskFiles:
    """Reads (and parses) sibling files for the engine, remembering them by stat across the
    files of one run: a directory's files are read and parsed once, not once per file that
    asks, and the engine's own read of a file (`offer`) and parse of it (`tree`) are shared
    with the files of its package that look at it. Only the files of the last `directories`
    directories are kept (the engine goes through a run directory by directory), at most
    `capacity` of them: memory stays bound by a package, not by the run. Regular files
    only, at most MAX_SIBLING_SIZE bytes; unreadable ones are skipped."""

    def __init__(self, capacity: int = 512, directories: int = 2) -> None:
        self.capacity = capacity
        self.directories = directories
        self._files: OrderedDict[tuple, _Entry] = OrderedDict()
        self._dirs: OrderedDict[str, set[tuple]] = OrderedDict()  # directory -> its files' keys
        self._paths: dict[str, tuple] = {}  # path -> the key it is kept under
        self._listings: dict[str, tuple[float, list[str]]] = {}
        self._steady: dict[tuple, Any] | None = None  # while steady(): what was looked up, by question

    @contextmanager
    def steady(self) -> Iterator[None]:
        """A stretch of work (the engine's batch of files, one package or a few) during which
        the files are taken not to change: each file is looked up (stat) once, and facts of
        a whole directory are worked out once, not once per file that asks."""
        if self._steady is not None:
            yield
            return
        self._steady = {}
        try:
            yield
        finally:
            self._steady = None

    def importers(self, directory: str, clause: str, paths: tuple[bytes, ...]) -> frozenset[str]:
        """The files of directory with package clause `clause` whose import block holds one
        of paths (imports_one_of); worked out once per directory while steady."""
        def compute() -> frozenset[str]:
            out = []
            for p in self.listing(directory):
                data = self.read(p)
                if data is None:
                    continue
                header = self._kept(p, data, "import-header", lambda: import_header(data))
                if any(x in header for x in paths) and package_clause(data) == clause:
                    out.append(p)
            return frozenset(out)

        return self._once(("importers", directory, clause, paths), compute)

    def _once(self, question: tuple, compute: Callable[[], Any]) -> Any:
        """compute(): worked out once while steady, afresh at every call otherwise."""
        if self._steady is None:
            return compute()
        if question not in self._steady:
            self._steady[question] = compute()
        return self._steady[question]

    def _kept(self, path: str, data: bytes, name: str, compute: Callable[[], Any]) -> Any:
        """compute(), a fact of path's bytes data, kept with them (by stat): an editor's
        every edit asks about the same siblings."""
        e = self._entry(path, data)
        if e is None:
            return compute()
        if name not in e.of_bytes:
            e.of_bytes[name] = compute()
        return e.of_bytes[name]

    def digests(self, directory: str, clause: str) -> tuple[tuple[str, str], ...]:
        """(name, sha256 of the bytes) of the files of directory with package clause
        `clause`, sorted by name; worked out once per directory while steady."""
        def compute() -> tuple[tuple[str, str], ...]:
            out = []
            for p in self.listing(directory):
                data = self.read(p)
                if data is not None and package_clause(data) == clause:
                    out.append((os.path.basename(p), self._digest_of(p, data)))
            return tuple(sorted(out))

        return self._once(("digests", directory, clause), compute)

    def listing(self, directory: str) -> list[str]:
        """The `.go` regular files of directory (sorted paths)."""
        return self._once(("listing", directory), lambda: self._listing(directory))

    def _listing(self, directory: str) -> list[str]:
        try:
            mtime = os.stat(directory).st_mtime_ns
        except OSError:
            return []
        known = self._listings.get(directory)
        if known is not None and known[0] == mtime:
            return known[1]
        try:
            with os.scandir(directory) as it:
                names = sorted(e.path for e in it if e.name.endswith(".go") and e.is_file())
        except OSError:
            names = []
        self._listings[directory] = (mtime, names)
        return names

    def _key(self, path: str) -> tuple | None:
        return self._once(("key", path), lambda: self._stat_key(path))

    def _stat_key(self, path: str) -> tuple | None:
        path = os.path.abspath(path)
        try:
            st = os.stat(path)
        except OSError:
            return None
        if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_SIBLING_SIZE:
            return None
        return (path, st.st_mtime_ns, st.st_size, st.st_ino)

    def _entry(self, path: str, src: bytes) -> _Entry | None:
        """The entry last read for path, when it holds exactly src (what is kept with an
        entry is computed from its bytes: no stat needed)."""
        key = self._paths.get(os.path.abspath(path))
        e = self._files.get(key) if key is not None else None
        return e if e is not None and e.data == src else None

    def read(self, path: str) -> bytes | None:
        key = self._key(path)
        if key is None:
            return None
        hit = self._files.get(key)
        if hit is not None:
            self._files.move_to_end(key)
            return hit.data
        try:
            with open(path, "rb") as fh:
                data = fh.read(MAX_SIBLING_SIZE + 1)
        except OSError:
            return None
        if len(data) > MAX_SIBLING_SIZE:
            return None
        self._remember(key, data)
        return data

    def known(self, path: str, st: os.stat_result) -> bytes | None:
        """The bytes kept for path when they were read at exactly this stat (the engine
        then need not read a file again that a sibling's analysis read)."""
        e = self._files.get((os.path.abspath(path), st.st_mtime_ns, st.st_size, st.st_ino))
        return e.data if e is not None else None

    def offer(self, path: str, data: bytes) -> None:
        """The engine has just read path's bytes from disk: remembered as if read here, so
        that the files of its package do not read it again."""
        key = self._key(path)
        if key is None:
            return
        hit = self._files.get(key)
        if hit is None or hit.data != data:
            self._remember(key, data)

    def tree(self, path: str, src: bytes) -> Tree:
        """The tree of src, the bytes of the file at path as the engine analyses them: the
        one already parsed when the file was read as a sibling with these very bytes (and
        kept for its siblings), else parsed now."""
        e = self._entry(path, src)
        if e is None:
            return S.parse(src)
        if e.tree is None:
            e.tree = S.parse(src)
        return e.tree

    def parse(self, f: PackageFile) -> Tree:
        e = self._entry(f.path, f.src)
        if e is None:
            return S.parse(f.src)
        if e.tree is None:
            e.tree = S.parse(f.src)
        return e.tree

    def derived(self, f: PackageFile, name: str, compute: Callable[[], Any]) -> Any:
        """PackageFile.derived for files this reader read and parsed: the value is kept with
        the tree it was computed from (by stat), and only for that very tree."""
        tree = f._tree
        e = self._entry(f.path, f.src) if tree is not None else None
        if e is None or e.tree is not tree:
            return compute()
        known = e.derived.get(name)
        if known is not None and known[0] is tree:
            return known[1]
        value = compute()
        e.derived[name] = (tree, value)
        return value

    def of_bytes(self, f: PackageFile, name: str, compute: Callable[[], Any]) -> Any:
        """PackageFile.of_bytes for files this reader read: the value is kept with the bytes
        (by stat)."""
        return self._kept(f.path, f.src, name, compute)

    def digest(self, f: PackageFile) -> str:
        """sha256 of f's bytes, remembered by stat (hashing a package per file costs)."""
        return self._digest_of(f.path, f.src)

    def _digest_of(self, path: str, data: bytes) -> str:
        e = self._entry(path, data)
        if e is not None and e.digest is not None:
            return e.digest
        value = hashlib.sha256(data).hexdigest()
        if e is not None:
            e.digest = value
        return value

    def _remember(self, key: tuple, data: bytes) -> None:
        path, directory = key[0], os.path.dirname(key[0])
        keys = self._dirs.setdefault(directory, set())
        old = self._paths.get(path)
        if old is not None:  # the file at another stat (it changed), or read again
            self._files.pop(old, None)
            keys.discard(old)
        self._files[key] = _Entry(data)
        self._paths[path] = key
        keys.add(key)
        self._dirs.move_to_end(directory)
        while len(self._dirs) > self.directories:
            _, gone = self._dirs.popitem(last=False)
            for k in gone:
                self._files.pop(k, None)
                self._paths.pop(k[0], None)
        while len(self._files) > self.capacity:
            k, _ = self._files.popitem(last=False)
            self._paths.pop(k[0], None)
            self._dirs.get(os.path.dirname(k[0]), set()).discard(k)


def disk_fingerprint(path: str, src: bytes, reader: DiskFiles | None = None) -> str:
    """The fingerprint the file at path (with bytes src) has today: for checking a cache
    entry whose result used the package."""
    return Package.of_file(path, src, reader=reader).fingerprint
