"""ctx.package: the other files of the package, read lazily, and what the cache makes of them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import codemods
from gofix import engine
from gofix.analysis import FileContext, Finding, Package, Rule, Severity
from gofix.analysis import syntax as S
from gofix.analysis.package import DiskFiles, package_clause
from helpers import module


@pytest.mark.parametrize(
    ("src", "name"),
    [
        (b"package p\n", "p"),
        (b"\xef\xbb\xbf// c\n/* a\nb */\n//go:build linux\n\npackage  q // x\n", "q"),
        (b"// only a comment\n", None),
        (b"/* unterminated", None),
        (b"func f() {}\n", None),
    ],
)
def test_package_clause(src, name):
    assert package_clause(src) == name


@pytest.fixture
def pkgdir(tmp_path: Path) -> Path:
    d = tmp_path / "p"
    d.mkdir()
    (d / "a.go").write_text("package p\n\nfunc F() {}\n")
    (d / "b.go").write_text("//go:build ignore\n\npackage p\n\ntype T struct{}\n\nfunc (t *T) M() {}\n"
                            "func (T[K]) G() {}\n\nvar x, y = 1, 2\n\nconst (\n\tC = 1\n)\n\ntype A = T\n")
    (d / "c_test.go").write_text("package p\n\nfunc TestF() {}\n")
    (d / "d_test.go").write_text("package p_test\n\nfunc F() {}\n")
    (d / "e.go").write_text("package q\n\nfunc F() {}\n")
    (d / "notes.txt").write_text("package p\n")
    return d


def test_files_are_the_directorys_files_with_the_same_clause(pkgdir):
    src = (pkgdir / "a.go").read_bytes()
    pkg = Package.of_file(str(pkgdir / "a.go"), src)
    assert (pkg.name, pkg.directory) == ("p", str(pkgdir))
    assert not pkg.used
    assert [f.name for f in pkg.files] == ["a.go", "b.go", "c_test.go"]
    assert pkg.used
    assert pkg.files[0] is pkg.current


def test_decls_across_files(pkgdir):
    a = pkgdir / "a.go"
    pkg = Package.of_file(str(a), a.read_bytes())
    assert [(d.kind, d.file.name) for d in pkg.decls("F")] == [("func", "a.go")]
    assert [d.kind for d in pkg.decls("T.M")] == ["method"]
    assert [d.kind for d in pkg.decls("T.G")] == ["method"]
    assert [d.kind for d in pkg.decls("T")] == ["type"]
    assert [d.node.type for d in pkg.decls("A")] == [S.TYPE_ALIAS]
    assert [(d.kind, d.file.text(d.ident)) for d in pkg.decls("y")] == [("var", "y")]
    assert [d.kind for d in pkg.decls("C")] == ["const"]
    assert pkg.decls("TestF")[0].file.name == "c_test.go"
    assert pkg.decls("M") == []


def test_current_file_is_the_buffer_not_the_disk(pkgdir):
    """An editor's unsaved buffer is what the package holds for the current file."""
    a = pkgdir / "a.go"
    buf = b"package p\n\nfunc Unsaved() {}\n"
    pkg = Package.of_file(str(a), buf)
    assert pkg.decls("Unsaved") and not pkg.decls("F")


def test_fingerprint_changes_with_the_other_files_only(pkgdir):
    a, b = pkgdir / "a.go", pkgdir / "b.go"
    fp = Package.of_file(str(a), a.read_bytes()).fingerprint
    assert Package.of_file(str(a), b"package p\n\nfunc Other() {}\n").fingerprint == fp
    (pkgdir / "e.go").write_text("package q\n\nfunc G() {}\n")  # another package: not ours
    assert Package.of_file(str(a), a.read_bytes()).fingerprint == fp
    b.write_text(b.read_text() + "\nfunc H() {}\n")
    assert Package.of_file(str(a), a.read_bytes()).fingerprint != fp


def test_in_memory_package():
    pkg = Package.in_memory("x.go", b"package p\n", {"y.go": b"package p\n\nfunc Y() {}\n", "z.go": b"package z\n"})
    assert [f.name for f in pkg.files] == ["x.go", "y.go"]
    assert pkg.decls("Y")[0].file.path == "y.go"


def test_context_without_a_package_reads_the_directory(pkgdir):
    src = (pkgdir / "a.go").read_bytes()
    ctx = FileContext(str(pkgdir / "a.go"), src, S.parse(src), module())
    assert ctx.package.decls("T")


def test_memo_computes_once():
    ctx = FileContext("x.go", b"package p\n", S.parse(b"package p\n"), module())
    calls = []
    assert ctx.memo(("k", 1), lambda: calls.append(1) or 42) == 42
    assert ctx.memo(("k", 1), lambda: calls.append(1) or 43) == 42
    assert calls == [1]


# --- the engine: siblings only when a rule asks; the cache follows them ----------------------------


class CountingDisk(DiskFiles):
    def __init__(self) -> None:
        super().__init__()
        self.reads: list[str] = []

    def read(self, path: str) -> bytes | None:
        self.reads.append(os.path.basename(path))
        return super().read(path)


def test_siblings_are_not_read_unless_a_rule_asks(pkgdir, monkeypatch):
    disk = CountingDisk()
    monkeypatch.setattr(engine, "_DISK", disk)
    (pkgdir / "a.go").write_text("package p\n\nimport \"context\"\n\nfunc f(c context.Context) {\n"
                                 "\tctx, _ := context.WithCancel(c)\n\t_ = ctx\n}\n")
    results, errors = engine.run([pkgdir / "a.go"], engine.Options(jobs=1))
    assert not errors and results[0].findings
    assert disk.reads == []
    assert results[0].package_fingerprint is None


def _marker_rule() -> Rule:
    """A rule whose finding depends on another file: F is reported when the package declares Marker."""

    def find(ctx: FileContext) -> list[Finding]:
        if not ctx.package.decls("Marker"):
            return []
        fn = next(n for n in ctx.root.named_children if n.type == "function_declaration")
        return [ctx.finding("marker", fn, "the package declares Marker", Severity.WARNING)]

    return Rule(id="marker", doc="marker: test rule\n", find=find, triggers=(b"func",))


@pytest.mark.parametrize("fix", [False, True])
def test_cache_follows_the_other_files_of_the_package(tmp_path, monkeypatch, fix):
    monkeypatch.setattr(codemods, "RULES", [_marker_rule()])
    d = tmp_path / "src"
    d.mkdir()
    (d / "go.mod").write_text("module example.com/p\n\ngo 1.22\n")
    (d / "a.go").write_text("package p\n\nfunc A() {}\n")
    other = d / "b.go"
    other.write_text("package p\n\nfunc B() {}\n")
    o = engine.Options(jobs=1, cache_dir=str(tmp_path / "cache"))

    def found() -> set[str]:
        engine._CACHES.clear()
        results, errors = engine.run([d], o, fix=fix)
        assert not errors
        return {os.path.basename(r.path) for r in results if r.findings}

    assert found() == set()
    assert found() == set()  # warm
    st = other.stat()
    other.write_text("package p\n\nfunc B() {}\n\nvar Marker int\n")
    os.utime(other, ns=(st.st_atime_ns, st.st_mtime_ns - 10_000_000_000))  # old mtime: only the stat tells
    assert found() == {"a.go", "b.go"}
    assert found() == {"a.go", "b.go"}  # warm again
    other.write_text("package p\n\nfunc B() {}\n")
    assert found() == set()


def test_an_editor_buffer_sees_the_siblings_on_disk_whatever_its_label(tmp_path, monkeypatch):
    """The language server analyses an unsaved buffer as the file at its path: the package
    is that buffer plus the other files of the directory on disk, even when results name the
    file by another label."""
    monkeypatch.setattr(codemods, "RULES", [_marker_rule()])
    d = tmp_path / "src"
    d.mkdir()
    (d / "go.mod").write_text("module example.com/p\n\ngo 1.22\n")
    (d / "a.go").write_text("package p\n")  # on disk: not what the editor holds
    (d / "b.go").write_text("package p\n\nvar Marker int\n")
    buffer = b"package p\n\nfunc A() {}\n"
    a = engine.analyse_source(d / "a.go", buffer, engine.Options(jobs=1), shown="label/a.go")
    assert a.result is not None and [f.rule for f in a.result.findings] == ["marker"]
    assert a.result.path == "label/a.go" and a.result.package_fingerprint is not None


def test_a_siblings_declaration_table_is_built_once_per_run(tmp_path, monkeypatch):
    """Every file of a package asks for the package's type index; each sibling's table is
    built once for the run (kept with its tree by the reader), not once per asking file,
    and a sibling that changes on disk gets a new one."""
    from gofix.analysis import types

    names = [f"f{i}.go" for i in range(4)]
    for i, name in enumerate(names):
        (tmp_path / name).write_text(f"package p\n\ntype T{i} struct{{}}\n\nfunc F{i}() T{i} {{ return T{i}{{}} }}\n")
    built: list[str] = []
    real = types._table
    monkeypatch.setattr(types, "_table", lambda unit: built.append(os.path.basename(unit.path)) or real(unit))
    reader = DiskFiles()

    def index_of(name: str):
        path = str(tmp_path / name)
        src = Path(path).read_bytes()
        tree = S.parse(src)
        ctx = FileContext(path, src, tree, module(), package=Package.of_file(path, src, tree, reader=reader))
        return types.package_index(ctx)

    for name in names:
        idx = index_of(name)
        assert set(idx.funcs) == {"F0", "F1", "F2", "F3"}
    # each file's own table once as the current file, and once as everybody's sibling
    assert sorted(built) == sorted(names * 2), built
    os.utime(tmp_path / "f1.go", ns=(1, 1))
    built.clear()
    assert set(index_of("f0.go").funcs) == {"F0", "F1", "F2", "F3"}
    assert sorted(built) == ["f0.go", "f1.go"], built


def test_a_lookup_parses_only_the_siblings_that_hold_the_name(tmp_path, monkeypatch):
    """A name looked up in the package index reads the siblings whose bytes may declare it
    (package.may_declare: here, hold it as a word followed by what may follow a type's
    name), not every sibling: the others are never parsed. The answer is the merged table's
    (current file first, then the siblings in order, first one wins)."""
    from gofix.analysis import types

    (tmp_path / "a.go").write_text("package p\n\nfunc A() {}\n")
    (tmp_path / "b.go").write_text("package p\n\n// Shared and Bee are words here (not the prefix alone).\nfunc Bee() {}\n")
    (tmp_path / "c.go").write_text("package p\n\ntype Shared struct{}\n\nfunc (*Shared) M() {}\n")
    (tmp_path / "d.go").write_text("package p\n\ntype Shared int\n")
    parsed: list[str] = []
    real = DiskFiles.parse
    monkeypatch.setattr(DiskFiles, "parse", lambda self, f: parsed.append(os.path.basename(f.path)) or real(self, f))
    path = str(tmp_path / "a.go")
    src = Path(path).read_bytes()
    tree = S.parse(src)
    ctx = FileContext(path, src, tree, module(), package=Package.of_file(path, src, tree, reader=DiskFiles()))
    idx = types.package_index(ctx)
    assert idx.funcs.get("Sha") is None and idx.funcs.get("A") is not None
    assert parsed == []
    assert os.path.basename(idx.types["Shared"].unit.path) == "c.go"  # b.go parsed, holds no declaration
    assert parsed == ["b.go", "c.go"]
    assert idx.methods.get(("Shared", "M")) is not None and parsed == ["b.go", "c.go"]
    assert set(idx.funcs) == {"A", "Bee"} and parsed == ["b.go", "c.go", "d.go"]
    assert os.path.basename(idx.types["Shared"].unit.path) == "c.go"


def test_the_reader_parses_a_file_once_for_itself_and_its_siblings(tmp_path):
    """The engine offers the bytes it read; the tree it parses for the file is the one its
    siblings then see (and the other way round), only for the very same bytes."""
    a, b = tmp_path / "a.go", tmp_path / "b.go"
    a.write_text("package p\n\nfunc A() {}\n")
    b.write_text("package p\n\nfunc B() {}\n")
    reader = DiskFiles()
    src = a.read_bytes()
    reader.offer(str(a), src)
    tree = reader.tree(str(a), src)
    assert reader.tree(str(a), src) is tree
    assert reader.tree(str(a), src + b"\n") is not tree  # an editor's buffer: parsed for itself
    pkg = Package.of_file(str(b), b.read_bytes(), reader=reader)
    (sibling,) = pkg.others
    assert sibling.tree is tree


def test_the_reader_keeps_the_files_of_the_last_directories_only(tmp_path):
    reader = DiskFiles(directories=2)
    paths = []
    for d in "xyz":
        (tmp_path / d).mkdir()
        p = tmp_path / d / "f.go"
        p.write_text(f"package {d}\n")
        paths.append(p)
        reader.read(str(p))
    assert [k[0] for k in reader._files] == [str(p) for p in paths[1:]]
    p = paths[2]
    p.write_text("package z\n\nvar V int\n")
    os.utime(p, ns=(1, 1))
    assert reader.read(str(p)) == b"package z\n\nvar V int\n"
    assert [k[0] for k in reader._files] == [str(p) for p in paths[1:]]  # the old stat is gone


def test_a_parallel_run_sends_a_directory_to_one_worker(tmp_path):
    targets = []
    for d, n in (("big", 40), ("small", 3), ("tiny", 1)):
        (tmp_path / d).mkdir()
        for i in range(n):
            p = tmp_path / d / f"f{i}.go"
            p.write_text("package p\n" + "// x\n" * (10 if d == "big" else 1))
            targets.append((len(targets), engine.Target(p, False), None))
    batches = engine._batches(targets, 2)
    dirs = [{t.path.parent.name for _, t, _ in b} for b in batches]
    assert dirs[0] == {"big"} and len(batches[0]) == 40  # the largest package first, whole
    assert sorted(i for b in batches for i, _, _ in b) == list(range(44))
    for name in ("big", "small", "tiny"):
        assert sum(name in d for d in dirs) == 1


def test_a_siblings_package_clause_is_read_once_per_run(tmp_path, monkeypatch):
    """Every file of a package lists the package's files (each sibling's package clause);
    the reader keeps a sibling's clause with its bytes, so it is read once per run, not
    once per asking file, and a sibling that changes on disk is read again."""
    from gofix.analysis import package as P

    for name in ("a.go", "b.go", "c.go"):
        (tmp_path / name).write_text("package p\n")
    (tmp_path / "x_test.go").write_text("package p_test\n")
    read: list[bytes] = []
    real = P.package_clause
    monkeypatch.setattr(P, "package_clause", lambda src: read.append(src) or real(src))
    reader = DiskFiles()

    def files_of(name: str) -> list[str]:
        path = str(tmp_path / name)
        return [f.name for f in Package.of_file(path, Path(path).read_bytes(), reader=reader).files]

    for name in ("a.go", "b.go", "c.go"):
        assert files_of(name) == ["a.go", "b.go", "c.go"]
    assert len(read) == 3 + 4  # each current file's own clause, then each other file's once
    (tmp_path / "b.go").write_text("package q\n")
    os.utime(tmp_path / "b.go", ns=(1, 1))
    read.clear()
    assert files_of("a.go") == ["a.go", "c.go"]
    assert read == [b"package p\n", b"package q\n"]


_LAYOUTS = '''package p

import "net/http"

func F() {}
func/* c */G /* c */ [T any](x T) {}
func
H() {}
func (c *Client) Do(r *http.Request) {}
func (Client) /* c */ Head /* c */ () {}
func (c *Pair[K, V]) Get() {}
type Client struct{ http.Client }
type(Alias = http.Client)
type (
	// doc
	Group int
	Generic[T any] []T
	Ptr *int; Chan <-chan int
)
type Größe int
var V = 1
var a, W, b = 1, 2, 3
var (
	X int
	Y, Z = 1, 2
)
var/* c */Q= 1
const (
	A = iota
	B
	C
)
const D, E = 1, 2
'''


def test_may_declare_holds_for_every_declaration_whatever_the_layout(tmp_path):
    """may_declare is a necessary condition: it holds for every top-level declaration of a
    file (comments and line breaks between the tokens, groups, lists, const continuations,
    type parameters, non-ASCII names), here and in every golden input."""
    from gofix.analysis.package import _top_level, may_declare

    sources = [_LAYOUTS.encode()] + [p.read_bytes() for p in sorted(Path(codemods.__file__).parent.parent.glob(
        "golden/*/*.go"))]
    checked = set()
    for src in sources:
        path = tmp_path / "x.go"
        path.write_bytes(src)
        f = Package.of_file(str(path), src).current
        assert not f.root.has_error or src is not sources[0]
        for d in _top_level(f):
            assert may_declare(src, d.kind, d.name), (d.kind, d.name, src[:200])
            checked.add(d.name)
    assert {"F", "G", "H", "Client.Do", "Client.Head", "Pair.Get", "Alias", "Group", "Generic", "Chan", "Größe", "W", "Z",
            "Q", "B", "C", "E"} <= checked


@pytest.mark.parametrize("kind, name", [
    ("func", "make"), ("func", "Do"), ("method", "Client.Close"), ("type", "Request"), ("var", "http"),
    ("var", "x"), ("type", "x"),
])
def test_may_declare_is_false_for_mere_uses(kind, name):
    """A name that is only used (called, a selector's operand, a parameter's type, assigned
    with :=) is not taken for a declaration: such a sibling is not parsed."""
    from gofix.analysis.package import may_declare

    src = b'''package p

import "net/http"

// F calls make and uses x.
func F(r *http.Request, c Client) {
	x := make([]int, 1)
	_ = len(x)
	http.Get("u")
	c.Do(r)
	defer c.Close()
}
'''
    assert not may_declare(src, kind, name)


def test_a_package_imports_condition_looks_at_the_other_files_only_when_it_must():
    """PackageImports: the file's own import block first; then the other files' (the
    package is then used: the answer depends on them); no package known: the file passes."""
    from gofix.analysis.rule import ByteScan, PackageImports

    cond = PackageImports((b"net/http",))
    plain = b"package p\n\nfunc f(c *client) { r, _ := c.hc.Get(u); _ = r.StatusCode }\n"
    own = b'package p\n\nimport "net/http"\n\nfunc f(c *http.Client) { c.Get(u) }\n'
    with_http = {"b.go": b'package p\n\nimport "net/http"\n\ntype client struct{ hc *http.Client }\n'}
    without = {"b.go": b"package p\n\ntype client struct{ hc *store } // not net/http\n",
               "c_test.go": b'package p_test\n\nimport "net/http"\n'}  # another package

    pkg = Package.in_memory("a.go", own, with_http)
    assert ByteScan(own).package_imports(cond, lambda: pkg) and not pkg.used
    pkg = Package.in_memory("a.go", plain, with_http)
    assert ByteScan(plain).package_imports(cond, lambda: pkg) and pkg.used
    pkg = Package.in_memory("a.go", plain, without)
    assert not ByteScan(plain).package_imports(cond, lambda: pkg) and pkg.used
    assert ByteScan(plain).package_imports(cond, None)


def test_unclosed_body_needs_net_http_somewhere_in_the_package_and_the_cache_follows_it(tmp_path, monkeypatch):
    """A package none of whose files imports net/http (or ctxhttp) cannot declare an HTTP
    client: its files are not even parsed for unclosed-body. The result then depends on the
    other files: once one of them declares the field *http.Client, the finding appears."""
    d = tmp_path / "src"
    d.mkdir()
    (d / "go.mod").write_text("module example.com/p\n\ngo 1.22\n")
    (d / "a.go").write_text("package p\n\nfunc status(c *client, u string) (int, error) {\n"
                            "\tresp, err := c.hc.Get(u)\n\tif err != nil {\n\t\treturn 0, err\n\t}\n"
                            "\treturn resp.StatusCode, nil\n}\n")
    other = d / "b.go"
    other.write_text("package p\n\ntype client struct{ hc *store }\n\ntype store struct{}\n\n"
                     "type result struct{ StatusCode int }\n\n"
                     "func (s *store) Get(k string) (*result, error) { return &result{}, nil }\n")
    parsed: list[int] = []
    real_parse = S.parse
    monkeypatch.setattr(S, "parse", lambda src: parsed.append(len(src)) or real_parse(src))
    o = engine.Options(jobs=1, cache_dir=str(tmp_path / "cache"), select=("unclosed-body",))

    def found() -> set[str]:
        engine._CACHES.clear()
        results, errors = engine.run([d], o)
        assert not errors
        return {os.path.basename(r.path) for r in results if r.findings}

    assert found() == set()
    assert parsed == []  # neither file imports net/http: nothing parsed
    assert found() == set()  # warm
    st = other.stat()
    other.write_text('package p\n\nimport "net/http"\n\ntype client struct{ hc *http.Client }\n')
    os.utime(other, ns=(st.st_atime_ns, st.st_mtime_ns - 10_000_000_000))  # old mtime: only the stat tells
    assert found() == {"a.go"}
    assert found() == {"a.go"}  # warm again


def test_the_readers_directory_facts_agree_with_the_files_one_by_one(pkgdir):
    """While steady, the reader works out a directory's import blocks and digests once;
    the answers are those read file by file (fingerprint included), and so is the answer
    without steady()."""
    (pkgdir / "c_test.go").write_text('package p\n\nimport "net/http"\n\nvar _ http.Client\n')
    src = (pkgdir / "a.go").read_bytes()
    plain = Package.of_file(str(pkgdir / "a.go"), src)
    expected = (plain.current.fingerprint, any(b"net/http" in f.src for f in plain.others))
    for steady in (False, True):
        reader = DiskFiles()
        pkg = Package.of_file(str(pkgdir / "a.go"), src, reader=reader)
        if steady:
            with reader.steady():
                got = (pkg.fingerprint, pkg.others_import((b"net/http",)))
                again = Package.of_file(str(pkgdir / "a.go"), src, reader=reader)
                assert again.fingerprint == got[0]
        else:
            got = (pkg.fingerprint, pkg.others_import((b"net/http",)))
        assert got == expected == (expected[0], True)
    # the file itself is not one of "the others"; a file of another package does not count
    c = Package.of_file(str(pkgdir / "c_test.go"), (pkgdir / "c_test.go").read_bytes(), reader=DiskFiles())
    assert not c.others_import((b"net/http",))
    (pkgdir / "d_test.go").write_text('package p_test\n\nimport "net/http"\n')
    assert not c.others_import((b"net/http",))


def test_a_target_read_as_a_sibling_moments_ago_is_not_read_again(tmp_path, monkeypatch):
    d = tmp_path / "p"
    d.mkdir()
    (d / "a.go").write_text("package p\n\nfunc f(c *client) { r, _ := c.hc.Get(u); _ = r.StatusCode }\n")
    (d / "b.go").write_text('package p\n\nimport "net/http"\n\ntype client struct{ hc *http.Client }\n')
    from gofix import safe_read
    reads: list[str] = []
    real = safe_read.read_regular
    monkeypatch.setattr(safe_read, "read_regular", lambda p, limit: reads.append(os.path.basename(p)) or real(p, limit))
    monkeypatch.setattr(engine, "_DISK", DiskFiles())
    results, errors = engine.run([d], engine.Options(jobs=1, select=("unclosed-body",)))
    assert not errors and [os.path.basename(r.path) for r in results if r.findings] == ["a.go"]
    assert reads == ["a.go"]  # b.go was read for a.go's package: its own turn took those bytes
