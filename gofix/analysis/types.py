"""Types read from declarations: `type_of(ctx, expr)` -> `GoType | None`.

gofix has no type checker. This module reads what the declarations say, across every file of
the package (`ctx.package`): parameters and results, locals (`var x T`, `x := f()` with `f`'s
result types known, `x := &T{}`, `new(T)`, conversions), struct fields (embedded ones
promoted), package-level variables, functions and methods, type aliases, and the import a
qualified type or call resolves to. Calls into other packages are known only through a small
table (`LIBRARY`) of standard-library and catalog third-party signatures.

A type is a `GoType(path, name)`: the import path of the package that declares the named type
("" for the package being analysed, "builtin" for `error` & co.) and its name, with a leading
`*` for a pointer: `GoType("net/http", "*Client")`. Only named types (and pointers to them)
have a GoType; slices, maps, channels, funcs and literal structs are None. Unknown stays None,
and a rule never treats None as a match.

Everything is memoised on the context (`ctx.memo`), nothing in module globals.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from tree_sitter import Node

from gofix.analysis import syntax as S
from gofix.analysis.package import may_declare

LOCAL = ""  # GoType.path of a type declared in the analysed package
BUILTIN = "builtin"
_BUILTIN_TYPES = frozenset({
    "bool", "byte", "complex64", "complex128", "error", "float32", "float64", "int", "int8",
    "int16", "int32", "int64", "rune", "string", "uint", "uint8", "uint16", "uint32", "uint64",
    "uintptr", "any", "comparable",
})

_LITERAL_TYPES = {"int_literal": "int", "float_literal": "float64", "imaginary_literal": "complex128",
                  "rune_literal": "rune", "interpreted_string_literal": "string",
                  "raw_string_literal": "string"}


@dataclass(frozen=True)
class GoType:
    """A named type, or a pointer to one (`name` starts with `*`)."""

    path: str
    name: str

    @property
    def is_pointer(self) -> bool:
        return self.name.startswith("*")

    @property
    def base(self) -> str:
        """The type's name without the pointer star."""
        return self.name.lstrip("*")

    def elem(self) -> GoType:
        """The pointed-to type (self when not a pointer)."""
        return GoType(self.path, self.base)

    def pointer(self) -> GoType | None:
        """*self (None for a pointer to a pointer: not tracked)."""
        return None if self.is_pointer else GoType(self.path, "*" + self.name)

    def is_(self, path: str, *names: str) -> bool:
        """Declared in `path` with its name (pointer or not) among names: `t.is_("net/http", "Client")`
        holds for both `http.Client` and `*http.Client`."""
        return self.path == path and self.base in names

    def __str__(self) -> str:
        star = "*" if self.is_pointer else ""
        return f"{star}{self.path}.{self.base}" if self.path else f"{star}{self.base}"


def T(path: str, name: str) -> GoType:
    return GoType(path, name)


# --- the library table -------------------------------------------------------------------------

HTTP, SQL, SQLX, OS, NET, IO = "net/http", "database/sql", "github.com/jmoiron/sqlx", "os", "net", "io"
CONTEXT, TIME, GRPC, KAFKA = "context", "time", "google.golang.org/grpc", "github.com/segmentio/kafka-go"
ZSTD = "github.com/klauspost/compress/zstd"
PGX4, PGX5 = "github.com/jackc/pgx/v4", "github.com/jackc/pgx/v5"
PGXPOOL4, PGXPOOL5 = PGX4 + "/pgxpool", PGX5 + "/pgxpool"
# Import paths that are the same package as another for typing purposes.
SAME_PACKAGE = {
    "golang.org/x/net/context": CONTEXT,
    "code.google.com/p/go.net/context": CONTEXT,
}

ERR = T(BUILTIN, "error")
RESPONSE, REQUEST, CLIENT = T(HTTP, "*Response"), T(HTTP, "*Request"), T(HTTP, "*Client")
CTX = T(CONTEXT, "Context")


def _pgx(pgx: str, pool: str) -> dict[tuple[str, ...], tuple[GoType | None, ...]]:
    rows, row, tx, conn = T(pgx, "Rows"), T(pgx, "Row"), T(pgx, "Tx"), T(pgx, "*Conn")
    query = {"Query": (rows, ERR), "QueryRow": (row,), "Begin": (tx, ERR), "BeginTx": (tx, ERR)}
    out: dict[tuple[str, ...], tuple[GoType | None, ...]] = {
        (pgx, "Connect"): (conn, ERR),
        (pgx, "ConnectConfig"): (conn, ERR),
        (pool, "New"): (T(pool, "*Pool"), ERR),
        (pool, "NewWithConfig"): (T(pool, "*Pool"), ERR),
        (pool, "Connect"): (T(pool, "*Pool"), ERR),
        (pool, "ConnectConfig"): (T(pool, "*Pool"), ERR),
        (pool, "Pool", "Acquire"): (T(pool, "*Conn"), ERR),
        (pool, "Conn", "Conn"): (conn,),
        (pgx, "Tx", "Conn"): (conn,),
    }
    for recv in ((pgx, "Conn"), (pgx, "Tx"), (pool, "Pool"), (pool, "Conn"), (pool, "Tx")):
        for method, results in query.items():
            out[(*recv, method)] = results
    return out


# (path, Func) or (path, Type, Method) -> result types; (path, Var) under VARS; fields under FIELDS.
LIBRARY: dict[tuple[str, ...], tuple[GoType | None, ...]] = {
    **{(HTTP, f): (RESPONSE, ERR) for f in ("Get", "Post", "PostForm", "Head")},
    **{(HTTP, "Client", m): (RESPONSE, ERR) for m in ("Do", "Get", "Post", "PostForm", "Head")},
    (HTTP, "NewRequest"): (REQUEST, ERR),
    (HTTP, "NewRequestWithContext"): (REQUEST, ERR),
    (HTTP, "ReadResponse"): (RESPONSE, ERR),
    # golang.org/x/net/context/ctxhttp hands back the client's response (bodyclose reports it).
    **{("golang.org/x/net/context/ctxhttp", f): (RESPONSE, ERR) for f in ("Do", "Get", "Head", "Post", "PostForm")},
    (HTTP, "Request", "WithContext"): (REQUEST,),
    (HTTP, "Request", "Clone"): (REQUEST,),
    (HTTP, "Request", "Context"): (CTX,),
    (HTTP, "Transport", "RoundTrip"): (RESPONSE, ERR),
    ("net/http/httptest", "NewRequest"): (REQUEST,),
    ("net/http/httptest", "NewRequestWithContext"): (REQUEST,),
    ("net/http/httptest", "NewRecorder"): (T("net/http/httptest", "*ResponseRecorder"),),
    ("net/http/httptest", "ResponseRecorder", "Result"): (RESPONSE,),
    (SQL, "Open"): (T(SQL, "*DB"), ERR),
    (SQL, "OpenDB"): (T(SQL, "*DB"),),
    **{(SQL, recv, m): (T(SQL, "*Rows"), ERR) for recv in ("DB", "Conn", "Tx", "Stmt")
       for m in ("Query", "QueryContext")},
    **{(SQL, recv, m): (T(SQL, "*Row"),) for recv in ("DB", "Conn", "Tx", "Stmt")
       for m in ("QueryRow", "QueryRowContext")},
    **{(SQL, recv, m): (T(SQL, "*Stmt"), ERR) for recv in ("DB", "Conn", "Tx")
       for m in ("Prepare", "PrepareContext")},
    (SQL, "Tx", "Stmt"): (T(SQL, "*Stmt"),),
    (SQL, "Tx", "StmtContext"): (T(SQL, "*Stmt"),),
    (SQL, "DB", "Begin"): (T(SQL, "*Tx"), ERR),
    (SQL, "DB", "BeginTx"): (T(SQL, "*Tx"), ERR),
    (SQL, "Conn", "BeginTx"): (T(SQL, "*Tx"), ERR),
    (SQL, "DB", "Conn"): (T(SQL, "*Conn"), ERR),
    **{(SQLX, f): (T(SQLX, "*DB"), ERR) for f in ("Open", "Connect", "ConnectContext")},
    (SQLX, "MustOpen"): (T(SQLX, "*DB"),),
    (SQLX, "MustConnect"): (T(SQLX, "*DB"),),
    (SQLX, "NewDb"): (T(SQLX, "*DB"),),
    **{(SQLX, recv, m): (T(SQLX, "*Rows"), ERR) for recv in ("DB", "Tx", "Conn", "Stmt")
       for m in ("Queryx", "QueryxContext", "NamedQuery", "NamedQueryContext")},
    **{(SQLX, recv, m): (T(SQLX, "*Stmt"), ERR) for recv in ("DB", "Tx", "Conn")
       for m in ("Preparex", "PreparexContext")},
    (SQLX, "DB", "Beginx"): (T(SQLX, "*Tx"), ERR),
    (SQLX, "DB", "BeginTxx"): (T(SQLX, "*Tx"), ERR),
    (SQLX, "DB", "MustBegin"): (T(SQLX, "*Tx"),),
    (SQLX, "DB", "MustBeginTx"): (T(SQLX, "*Tx"),),
    **{(OS, f): (T(OS, "*File"), ERR) for f in ("Open", "Create", "OpenFile", "CreateTemp", "OpenRoot")},
    (NET, "Dial"): (T(NET, "Conn"), ERR),
    (NET, "DialTimeout"): (T(NET, "Conn"), ERR),
    (NET, "Listen"): (T(NET, "Listener"), ERR),
    (NET, "ListenPacket"): (T(NET, "PacketConn"), ERR),
    (NET, "Dialer", "Dial"): (T(NET, "Conn"), ERR),
    (NET, "Dialer", "DialContext"): (T(NET, "Conn"), ERR),
    (NET, "ListenConfig", "Listen"): (T(NET, "Listener"), ERR),
    (NET, "Listener", "Accept"): (T(NET, "Conn"), ERR),
    (IO, "NopCloser"): (T(IO, "ReadCloser"),),
    (IO, "Pipe"): (T(IO, "*PipeReader"), T(IO, "*PipeWriter")),
    (CONTEXT, "Background"): (CTX,),
    (CONTEXT, "TODO"): (CTX,),
    (CONTEXT, "WithValue"): (CTX,),
    (CONTEXT, "WithoutCancel"): (CTX,),
    (CONTEXT, "WithCancel"): (CTX, T(CONTEXT, "CancelFunc")),
    (CONTEXT, "WithTimeout"): (CTX, T(CONTEXT, "CancelFunc")),
    (CONTEXT, "WithDeadline"): (CTX, T(CONTEXT, "CancelFunc")),
    (CONTEXT, "WithCancelCause"): (CTX, T(CONTEXT, "CancelCauseFunc")),
    (CONTEXT, "WithTimeoutCause"): (CTX, T(CONTEXT, "CancelFunc")),
    (CONTEXT, "WithDeadlineCause"): (CTX, T(CONTEXT, "CancelFunc")),
    (TIME, "NewTicker"): (T(TIME, "*Ticker"),),
    (TIME, "NewTimer"): (T(TIME, "*Timer"),),
    (TIME, "AfterFunc"): (T(TIME, "*Timer"),),
    (TIME, "Now"): (T(TIME, "Time"),),
    ("testing", "T", "Context"): (CTX,),
    ("testing", "B", "Context"): (CTX,),
    ("os/exec", "Command"): (T("os/exec", "*Cmd"),),
    ("os/exec", "CommandContext"): (T("os/exec", "*Cmd"),),
    ("crypto/tls", "Dial"): (T("crypto/tls", "*Conn"), ERR),
    ("crypto/tls", "DialWithDialer"): (T("crypto/tls", "*Conn"), ERR),
    ("crypto/tls", "Client"): (T("crypto/tls", "*Conn"),),
    ("crypto/tls", "Server"): (T("crypto/tls", "*Conn"),),
    (GRPC, "Dial"): (T(GRPC, "*ClientConn"), ERR),
    (GRPC, "DialContext"): (T(GRPC, "*ClientConn"), ERR),
    (GRPC, "NewClient"): (T(GRPC, "*ClientConn"), ERR),
    (KAFKA, "NewWriter"): (T(KAFKA, "*Writer"),),
    (KAFKA, "NewReader"): (T(KAFKA, "*Reader"),),
    (ZSTD, "NewWriter"): (T(ZSTD, "*Encoder"), ERR),
    (ZSTD, "NewReader"): (T(ZSTD, "*Decoder"), ERR),
    **_pgx(PGX4, PGXPOOL4),
    **_pgx(PGX5, PGXPOOL5),
}
VARS: dict[tuple[str, str], GoType] = {
    (HTTP, "DefaultClient"): CLIENT,
    (HTTP, "DefaultTransport"): T(HTTP, "RoundTripper"),
    (OS, "Stdin"): T(OS, "*File"),
    (OS, "Stdout"): T(OS, "*File"),
    (OS, "Stderr"): T(OS, "*File"),
    (SQL, "ErrTxDone"): ERR,
    (SQL, "ErrNoRows"): ERR,
}
FIELDS: dict[tuple[str, str, str], GoType] = {
    (HTTP, "Response", "Body"): T(IO, "ReadCloser"),
    (HTTP, "Response", "Header"): T(HTTP, "Header"),
    (HTTP, "Response", "Request"): REQUEST,
    (HTTP, "Response", "StatusCode"): T(BUILTIN, "int"),
    (HTTP, "Response", "Status"): T(BUILTIN, "string"),
    (HTTP, "Request", "Body"): T(IO, "ReadCloser"),
    (HTTP, "Request", "Header"): T(HTTP, "Header"),
    (HTTP, "Client", "Transport"): T(HTTP, "RoundTripper"),
}
# Embedded fields of library types, for promoted methods (sqlx.DB embeds *sql.DB).
EMBEDS: dict[tuple[str, str], tuple[GoType, ...]] = {
    (SQLX, "DB"): (T(SQL, "*DB"),),
    (SQLX, "Tx"): (T(SQL, "*Tx"),),
    (SQLX, "Conn"): (T(SQL, "*Conn"),),
    (SQLX, "Stmt"): (T(SQL, "*Stmt"),),
    (SQLX, "Rows"): (T(SQL, "*Rows"),),
    ("net/http/httptest", "Server"): (),
}


# --- memo, package files ----------------------------------------------------------------------


def _memo(ctx: Any, key: tuple, compute: Callable[[], Any]) -> Any:
    return ctx.memo(key, compute)


class Unit:
    """One file of the package as this module reads it: its tree (parsed on first use, for
    a sibling) and (lazily) its imports."""

    __slots__ = ("path", "src", "_root", "_imports", "_file")

    def __init__(self, path: str, src: bytes, root: Node | None, file: Any = None) -> None:
        self.path, self.src, self._root, self._file = path, src, root, file
        self._imports: dict[str, str] | None = None

    @property
    def root(self) -> Node:
        if self._root is None:
            self._root = self._file.tree.root_node
        return self._root

    @property
    def imports(self) -> dict[str, str]:
        """Local name -> import path (no "_" entries; "." is a dot import, the last one)."""
        if self._imports is None:
            self._imports = _imports_of(self.src, self.root)
        return self._imports

    def text(self, node: Node) -> str:
        return self.src[node.start_byte : node.end_byte].decode("utf-8", "replace")


@dataclass(frozen=True)
class Decl:
    unit: Unit
    node: Node  # type_definition / alias_declaration / function_declaration / method_declaration / var_spec
    index: int = 0  # for var_spec: which of its names


class _Names:
    """One kind of package-level declaration (types, funcs, methods or vars) across the
    package's files, read lazily: a lookup reads the files in order (the current one first,
    first one wins) and builds a file's table, parsing the file, only when its bytes may
    declare the name (package.may_declare). A file whose bytes fail that cannot declare it,
    so this answers as a table merged from every file would, without parsing most siblings.
    Iterating (or `values()`) reads every file."""

    def __init__(self, index: PackageIndex, kind: str) -> None:
        self._index, self._kind = index, kind
        self._known: dict[Any, Decl | None] = {}

    def get(self, key: Any, default: Any = None) -> Any:
        try:
            found = self._known[key]
        except KeyError:
            name = ".".join(key) if isinstance(key, tuple) else key
            found = None
            for n in range(len(self._index._files)):
                if not self._index._may_declare(n, _KINDS[self._kind], name):
                    continue
                found = getattr(self._index._table(n), self._kind).get(key)
                if found is not None:
                    break
            self._known[key] = found
        return default if found is None else found

    def __getitem__(self, key: Any) -> Decl:
        found = self.get(key)
        if found is None:
            raise KeyError(key)
        return found

    def __contains__(self, key: Any) -> bool:
        return self.get(key) is not None

    def _all(self) -> dict[Any, Decl]:
        merged: dict[Any, Decl] = {}
        for n in range(len(self._index._files)):
            for k, v in getattr(self._index._table(n), self._kind).items():
                merged.setdefault(k, v)
        return merged

    def __iter__(self) -> Iterator[Any]:
        return iter(self._all())

    def values(self) -> list[Decl]:
        return list(self._all().values())

    def items(self) -> list[tuple[Any, Decl]]:
        return list(self._all().items())


_KINDS = {"types": "type", "funcs": "func", "methods": "method", "vars": "var"}  # (package.may_declare's)


@dataclass
class Table:
    """One file's top-level declarations by name (first one wins)."""

    types: dict[str, Decl]
    funcs: dict[str, Decl]
    methods: dict[tuple[str, str], Decl]  # (receiver base type name, method) -> declaration
    vars: dict[str, Decl]


class PackageIndex:
    """The package-level declarations of every file of the package, by name: `types`,
    `funcs`, `methods` ((receiver base type name, method) -> declaration) and `vars`, each
    looked up lazily (_Names). `units` reads and parses every file."""

    def __init__(self, files: list[tuple[Unit, Any]]) -> None:
        self._files = files  # (unit, PackageFile or None for the current file), current first
        self._tables: dict[int, Table] = {}
        self._may: dict[tuple[int, str, str], bool] = {}
        self.types = _Names(self, "types")
        self.funcs = _Names(self, "funcs")
        self.methods = _Names(self, "methods")
        self.vars = _Names(self, "vars")

    @property
    def units(self) -> list[Unit]:
        return [u for u, _ in self._files]

    def _table(self, n: int) -> Table:
        table = self._tables.get(n)
        if table is None:
            unit, f = self._files[n]
            if f is not None:
                f.tree  # parsed now: the table (and its unit) is kept with the tree for the run
                unit = _sibling_unit(f)
                self._files[n] = (unit, f)
                table = f.derived("types.table", lambda: _table(unit))
            else:
                table = _table(unit)
            self._tables[n] = table
        return table

    def _may_declare(self, n: int, kind: str, name: str) -> bool:
        """Whether the n-th file's bytes may declare name as a kind (package.may_declare);
        always True for the current file and a parsed one (their tables are built anyway)."""
        if n == 0 or n in self._tables:
            return True
        key = (n, kind, name)
        hit = self._may.get(key)
        if hit is None:
            hit = self._may[key] = may_declare(self._files[n][0].src, kind, name)
        return hit


def _imports_of(src: bytes, root: Node) -> dict[str, str]:
    from gofix.analysis.context import default_package_name

    table: dict[str, str] = {}
    for decl in root.named_children:
        if decl.type != "import_declaration":
            continue
        for spec in S.walk(decl):
            if spec.type != "import_spec":
                continue
            path_node = spec.child_by_field_name("path")
            if path_node is None:
                continue
            path = src[path_node.start_byte : path_node.end_byte].decode("utf-8", "replace").strip('"`')
            name_node = spec.child_by_field_name("name")
            name = S.text(name_node) if name_node is not None else default_package_name(path)
            if name != "_":
                table[name] = SAME_PACKAGE.get(path, path)  # "." : a dot import (the last one)
    return table


def _units(ctx: Any) -> list[tuple[Unit, Any]]:
    """The current file first, then the package's other files (read, but parsed only when a
    lookup needs one), each with its PackageFile (None for the current file)."""
    def compute() -> list[tuple[Unit, Any]]:
        units: list[tuple[Unit, Any]] = [(current_unit(ctx), None)]
        pkg = getattr(ctx, "package", None)
        for f in getattr(pkg, "files", ()) or ():
            if f.path == ctx.path:
                continue
            units.append((_sibling_unit(f), f))
        return units
    return _memo(ctx, ("types.units",), compute)


def _sibling_unit(f: Any) -> Unit:
    """A sibling's Unit; once its tree exists, the one kept with that tree for the run."""
    if f._tree is not None:
        return f.derived("types.unit", lambda: Unit(f.path, f.src, f._tree.root_node, f))
    return Unit(f.path, f.src, None, f)


def current_unit(ctx: Any) -> Unit:
    return _memo(ctx, ("types.unit",), lambda: Unit(ctx.path, ctx.src, ctx.root))


def package_index(ctx: Any) -> PackageIndex:
    """Every package-level declaration of the package, current file first (memoised)."""
    return _memo(ctx, ("types.index",), lambda: PackageIndex(_units(ctx)))


def _table(unit: Unit) -> Table:
    """One file's top-level declarations by name (first one wins)."""
    idx = Table({}, {}, {}, {})
    for unit in (unit,):
        for decl in unit.root.named_children:
            t = decl.type
            if t == "type_declaration":
                for spec in decl.named_children:
                    if spec.type in (S.TYPE_DEFINITION, S.TYPE_ALIAS):
                        name = spec.child_by_field_name("name")
                        if name is not None:
                            idx.types.setdefault(unit.text(name), Decl(unit, spec))
            elif t == "function_declaration":
                name = decl.child_by_field_name("name")
                if name is not None:
                    idx.funcs.setdefault(unit.text(name), Decl(unit, decl))
            elif t == "method_declaration":
                name, recv = decl.child_by_field_name("name"), _receiver_base(unit, decl)
                if name is not None and recv is not None:
                    idx.methods.setdefault((recv, unit.text(name)), Decl(unit, decl))
            elif t == "var_declaration":
                for spec in S.specs(decl):
                    if spec.type == "var_spec":
                        for i, n in enumerate(spec.children_by_field_name("name")):
                            idx.vars.setdefault(unit.text(n), Decl(unit, spec, i))
    return idx


def _receiver_base(unit: Unit, method: Node) -> str | None:
    recv = method.child_by_field_name("receiver")
    params = [p for p in recv.named_children if p.type == "parameter_declaration"] if recv else []
    if len(params) != 1:
        return None
    node = params[0].child_by_field_name("type")
    while node is not None and node.type in ("pointer_type", "parenthesized_type", "generic_type"):
        node = node.child_by_field_name("type") if node.type == "generic_type" else (
            node.named_children[0] if node.named_children else None)
    return unit.text(node) if node is not None and node.type == "type_identifier" else None


# --- resolving type expressions -----------------------------------------------------------------


class _Resolver:
    """Type facts for one file context; every public answer is memoised on ctx."""

    def __init__(self, ctx: Any) -> None:
        self.ctx = ctx
        self.unit = current_unit(ctx)
        self._idx: PackageIndex | None = None
        self._busy: set[tuple] = set()  # recursion guard (var a = b; var b = a)

    @property
    def idx(self) -> PackageIndex:
        if self._idx is None:
            self._idx = package_index(self.ctx)
        return self._idx

    # Type expressions --------------------------------------------------------------------

    def type_expr(self, unit: Unit, node: Node | None) -> GoType | None:
        """The GoType a type expression written in unit denotes."""
        if node is None:
            return None
        t = node.type
        if t in ("parenthesized_type", "type_elem") and node.named_child_count == 1:
            return self.type_expr(unit, node.named_children[0])
        if t == "pointer_type":
            inner = self.type_expr(unit, node.named_children[0]) if node.named_children else None
            return inner.pointer() if inner is not None else None
        if t == "generic_type":
            return self.type_expr(unit, node.child_by_field_name("type"))
        if t == S.QUALIFIED_TYPE:
            pkg, name = node.child_by_field_name("package"), node.child_by_field_name("name")
            path = unit.imports.get(unit.text(pkg)) if pkg is not None else None
            if path is None or name is None:
                return None
            return GoType(path, unit.text(name))
        if t == "type_identifier":
            found = self.named(unit.text(node))
            if found is None and "." in unit.imports:
                return GoType(unit.imports["."], unit.text(node))  # import . "sync": WaitGroup
            return found
        if t == "selector_expression":  # new(http.Client) parses the type as an expression
            operand, fld = node.child_by_field_name("operand"), node.child_by_field_name("field")
            if operand is not None and operand.type == "identifier" and fld is not None:
                path = unit.imports.get(unit.text(operand))
                if path is not None:
                    return GoType(path, unit.text(fld))
        if t == "identifier":
            return self.named(unit.text(node))
        return None

    def named(self, name: str) -> GoType | None:
        """A type name declared in the package (aliases followed), or a predeclared one."""
        if name in _BUILTIN_TYPES:
            return GoType(BUILTIN, name)  # (a package type named like one is not worth the lookup)
        decl = self.idx.types.get(name)
        if decl is None:
            return None
        if decl.node.type == S.TYPE_ALIAS:
            key = ("alias", name)
            if key in self._busy:
                return None
            self._busy.add(key)
            try:
                return self.type_expr(decl.unit, decl.node.child_by_field_name("type"))
            finally:
                self._busy.discard(key)
        return GoType(LOCAL, name)

    # Members --------------------------------------------------------------------------------

    def field(self, owner: GoType, name: str, depth: int = 0) -> GoType | None:
        """The type of field `name` of owner (or of a pointer to it), promoted ones included."""
        if depth > 4:
            return None
        if owner.path != LOCAL:
            key = (owner.path, owner.base, name)
            if key in FIELDS:
                return FIELDS[key]
            for inner in EMBEDS.get((owner.path, owner.base), ()):
                found = self.field(inner, name, depth + 1)
                if found is not None:
                    return found
            return None
        struct = self._struct(owner.base)
        if struct is None:
            return None
        unit, fields = struct
        embedded = []
        for fd in fields:
            names = fd.children_by_field_name("name")
            if any(unit.text(n) == name for n in names):
                return self.type_expr(unit, fd.child_by_field_name("type"))
            if not names:
                embedded.append(self._embedded_type(unit, fd))
        for e in embedded:
            if e is not None and e.base == name:
                return e
        for e in embedded:
            found = self.field(e, name, depth + 1) if e is not None else None
            if found is not None:
                return found
        return None

    def _embedded_type(self, unit: Unit, fd: Node) -> GoType | None:
        t = self.type_expr(unit, fd.child_by_field_name("type"))
        if t is not None and any(not c.is_named and c.type == "*" for c in fd.children):
            return t.pointer()
        return t

    def _struct(self, name: str) -> tuple[Unit, list[Node]] | None:
        decl = self.idx.types.get(name)
        if decl is None or decl.node.type != S.TYPE_DEFINITION:
            return None
        st = decl.node.child_by_field_name("type")
        if st is None or st.type != "struct_type":
            return None
        return decl.unit, S.struct_fields(st)

    def method_results(self, owner: GoType, method: str, depth: int = 0) -> tuple[GoType | None, ...] | None:
        """The result types of owner.method(...) (promoted through embedded fields), or None."""
        if depth > 4:
            return None
        if owner.path != LOCAL:
            key = (owner.path, owner.base, method)
            if key in LIBRARY:
                return LIBRARY[key]
            for inner in EMBEDS.get((owner.path, owner.base), ()):
                found = self.method_results(inner, method, depth + 1)
                if found is not None:
                    return found
            return None
        decl = self.idx.methods.get((owner.base, method))
        if decl is not None:
            return self.signature_results(decl.unit, decl.node)
        struct = self._struct(owner.base)
        if struct is None:
            return self._interface_method(owner.base, method)
        unit, fields = struct
        for fd in fields:
            if not fd.children_by_field_name("name"):
                e = self._embedded_type(unit, fd)
                found = self.method_results(e, method, depth + 1) if e is not None else None
                if found is not None:
                    return found
        return None

    def _interface_method(self, name: str, method: str) -> tuple[GoType | None, ...] | None:
        decl = self.idx.types.get(name)
        it = decl.node.child_by_field_name("type") if decl is not None else None
        if it is None or it.type != "interface_type":
            return None
        for m in it.named_children:
            if m.type == "method_elem" and m.child_by_field_name("name") is not None \
                    and decl.unit.text(m.child_by_field_name("name")) == method:
                return self.signature_results(decl.unit, m)
        return None

    def signature_results(self, unit: Unit, fn: Node) -> tuple[GoType | None, ...]:
        """The result types of a func/method declaration or interface method."""
        result = fn.child_by_field_name("result")
        if result is None:
            return ()
        if result.type != S.PARAMETERS:
            return (self.type_expr(unit, result),)
        out: list[GoType | None] = []
        for p in result.named_children:
            if p.type != "parameter_declaration":
                continue
            t = self.type_expr(unit, p.child_by_field_name("type"))
            out.extend([t] * max(1, len(p.children_by_field_name("name"))))
        return tuple(out)

    # Expressions -------------------------------------------------------------------------------

    def expr(self, unit: Unit, node: Node | None) -> GoType | None:
        """The type of a value expression written in unit."""
        if node is None:
            return None
        t = node.type
        if t == "parenthesized_expression":
            return self.expr(unit, node.named_children[0]) if node.named_child_count == 1 else None
        if t == "identifier":
            if S.bool_value(node) is not None and (unit is not self.unit or self.local_decl(node) is None):
                return GoType(BUILTIN, "bool")  # the predeclared true/false (untyped bool)
            return self.ident(unit, node)
        if t == "selector_expression":
            return self.selector(unit, node)
        if t == "call_expression":
            results = self.call_results(unit, node)
            return results[0] if results else None
        if t == "composite_literal":
            return self.type_expr(unit, node.child_by_field_name("type"))
        if t == "unary_expression":
            op, operand = node.child_by_field_name("operator"), node.child_by_field_name("operand")
            if op is not None and op.type == "&":
                inner = self.expr(unit, operand)
                return inner.pointer() if inner is not None else None
            if op is not None and op.type == "*":
                inner = self.expr(unit, operand)
                return inner.elem() if inner is not None and inner.is_pointer else None
            return None
        if t == "type_assertion_expression":
            return self.type_expr(unit, node.child_by_field_name("type"))
        if t in _LITERAL_TYPES:
            return GoType(BUILTIN, _LITERAL_TYPES[t])  # an untyped constant's default type
        return None

    def selector(self, unit: Unit, node: Node) -> GoType | None:
        operand, fld = node.child_by_field_name("operand"), node.child_by_field_name("field")
        if operand is None or fld is None:
            return None
        path = self.package_of(unit, operand)
        if path is not None:
            return VARS.get((path, unit.text(fld)))
        owner = self.expr(unit, operand)
        return self.field(owner, unit.text(fld)) if owner is not None else None

    def package_of(self, unit: Unit, node: Node) -> str | None:
        """The import path when node is an identifier naming an import (not shadowed)."""
        if node.type != "identifier":
            return None
        name = unit.text(node)
        path = unit.imports.get(name)
        if path is None:
            return None  # (a package-level name cannot collide with a file's import name in Go)
        if unit is self.unit and self.local_decl(node) is not None:
            return None
        return path

    def call_results(self, unit: Unit, call: Node) -> tuple[GoType | None, ...] | None:
        """The result types of a call, or None when unknown."""
        fn = S.unparen(call.child_by_field_name("function")) if call.child_by_field_name("function") else None
        if fn is None:
            return None
        if fn.type == "identifier":
            name = unit.text(fn)
            if unit is self.unit and self.local_decl(fn) is not None:
                return None  # a local func value: unknown
            if name == "new":
                args = call.child_by_field_name("arguments")
                arg = args.named_children[0] if args is not None and args.named_child_count == 1 else None
                inner = self.type_expr(unit, arg)
                return (inner.pointer(),) if inner is not None and inner.pointer() else None
            decl = self.idx.funcs.get(name)
            if decl is not None:
                return self.signature_results(decl.unit, decl.node)
            conv = self.idx.types.get(name)
            if conv is not None:
                return (self.named(name),)  # a conversion T(x)
            return None
        if fn.type == "selector_expression":
            operand, fld = fn.child_by_field_name("operand"), fn.child_by_field_name("field")
            if operand is None or fld is None:
                return None
            path = self.package_of(unit, operand)
            if path is not None:
                return LIBRARY.get((path, unit.text(fld)))
            owner = self.expr(unit, operand)
            return self.method_results(owner, unit.text(fld)) if owner is not None else None
        if fn.type in ("generic_type", "type_identifier", S.QUALIFIED_TYPE):
            return None
        return None

    def ident(self, unit: Unit, node: Node) -> GoType | None:
        if unit is self.unit:
            decl = self.local_decl(node)
            if decl is not None:
                return self.declared(unit, decl)
        var = self.idx.vars.get(unit.text(node))
        if var is None:
            return None
        key = ("var", var.unit.path, var.node.start_byte, var.index)
        if key in self._busy:
            return None
        self._busy.add(key)
        try:
            return self._spec_type(var.unit, var.node, var.index)
        finally:
            self._busy.discard(key)

    # Local declarations ---------------------------------------------------------------------

    def local_decl(self, ident: Node) -> Node | None:
        """The identifier that declares `ident` inside its function (a parameter, receiver,
        named result or local), or None (package level, or not found)."""
        return _memo(self.ctx, ("types.local", ident.start_byte, ident.end_byte), lambda: self._local_decl(ident))

    def _local_decl(self, ident: Node) -> Node | None:
        from gofix.analysis.scope import binding

        b = binding(self.ctx, ident)
        return b.ident if b is not None else None

    def declared(self, unit: Unit, ident: Node) -> GoType | None:
        """The type an identifier gets from the declaration it appears in."""
        p = ident.parent
        if p is None:
            return None
        if p.type == "parameter_declaration":
            return self.type_expr(unit, p.child_by_field_name("type"))
        if p.type == "var_spec":
            names = p.children_by_field_name("name")
            return self._spec_type(unit, p, next(i for i, n in enumerate(names) if n.id == ident.id))
        if p.type == "expression_list" and p.parent is not None and p.parent.type == "short_var_declaration":
            left = [n for n in p.named_children]
            return self._assigned(unit, p.parent.child_by_field_name("right"), left.index(
                next(n for n in left if n.id == ident.id)), len(left))
        return None  # range, receive, type switch, const: not tracked

    def _spec_type(self, unit: Unit, spec: Node, index: int) -> GoType | None:
        typ = spec.child_by_field_name("type")
        if typ is not None:
            return self.type_expr(unit, typ)
        return self._assigned(unit, spec.child_by_field_name("value"), index, len(spec.children_by_field_name("name")))

    def _assigned(self, unit: Unit, right: Node | None, index: int, count: int) -> GoType | None:
        """The type of the index-th of count names assigned from the expression list right."""
        values = [n for n in right.named_children if n.type != "comment"] if right is not None else []
        if len(values) == count:
            return self.expr(unit, values[index])
        if len(values) == 1:
            v = S.unparen(values[0])
            if v.type == "call_expression":
                results = self.call_results(unit, v)
                return results[index] if results is not None and index < len(results) else None
            if v.type == "type_assertion_expression" and index == 0:
                return self.expr(unit, v)
        return None


def _resolver(ctx: Any) -> _Resolver:
    return _memo(ctx, ("types.resolver",), lambda: _Resolver(ctx))


# --- the public API ---------------------------------------------------------------------------


def type_of(ctx: Any, expr: Node) -> GoType | None:
    """The declared type of a value expression of the current file, or None when unknown."""
    return _memo(ctx, ("types.of", expr.start_byte, expr.end_byte, expr.type),
                 lambda: _resolver(ctx).expr(current_unit(ctx), expr))


def results_of(ctx: Any, call: Node) -> tuple[GoType | None, ...] | None:
    """The result types of a call of the current file (None: unknown callee)."""
    return _memo(ctx, ("types.results", call.start_byte, call.end_byte),
                 lambda: _resolver(ctx).call_results(current_unit(ctx), call))


def type_of_type(ctx: Any, node: Node) -> GoType | None:
    """The GoType a type expression of the current file denotes (`*http.Client`, an alias)."""
    return _resolver(ctx).type_expr(current_unit(ctx), node)


def is_type(ctx: Any, expr: Node, path: str, *names: str) -> bool:
    """type_of(expr) is known and is path's type (or a pointer to it) with a name in names."""
    t = type_of(ctx, expr)
    return t is not None and t.is_(path, *names)


def field_type(ctx: Any, owner: GoType, name: str) -> GoType | None:
    """The type of field `name` of owner (a struct of the package or a library type, or a
    pointer to one), embedded fields' promoted ones included; None when unknown."""
    return _resolver(ctx).field(owner, name)


def package_funcs(ctx: Any) -> Iterator[tuple[Unit, Node]]:
    """Every function and method declaration of the package (for summaries)."""
    idx = package_index(ctx)
    for decl in list(idx.funcs.values()) + list(idx.methods.values()):
        yield decl.unit, decl.node


def func_decl(ctx: Any, call: Node) -> Decl | None:
    """The same-package function or method declaration a call of the current file calls, or None."""
    r = _resolver(ctx)
    fn = call.child_by_field_name("function")
    fn = S.unparen(fn) if fn is not None else None
    if fn is None:
        return None
    if fn.type == "identifier":
        if r.local_decl(fn) is not None:
            return None
        return r.idx.funcs.get(r.unit.text(fn))
    if fn.type == "selector_expression":
        operand, fld = fn.child_by_field_name("operand"), fn.child_by_field_name("field")
        if operand is None or fld is None or r.package_of(r.unit, operand) is not None:
            return None
        owner = r.expr(r.unit, operand)
        if owner is None or owner.path != LOCAL:
            return None
        return r.idx.methods.get((owner.base, r.unit.text(fld)))
    return None
