"""Rules' candidates without a walk per rule: on every golden input (whole and by byte range),

- the entry batch (every entry query run as one query, in one walk of the tree) captures
  exactly what each query captures alone;
- the candidates found from where a word occurs in the bytes (S.selector_calls,
  S.token_nodes, S.identifier_calls) are exactly what a query over the tree finds."""

from __future__ import annotations

from pathlib import Path

import pytest

import codemods  # noqa: F401  (imports every rule: their entry queries register)
from gofix.analysis import syntax as S
from gofix.analysis.rule import GO_FUNC_LITERAL, ByteScan

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
INPUTS = sorted(GOLDEN.glob("*/*.input.go"))


def _ids(caps: dict) -> dict:
    """By name, the captured nodes in source order (tree-sitter's own order of captures depends
    on the other patterns in the query: FileContext.captures sorts them)."""
    return {name: sorted((n.start_byte, -n.end_byte, n.type) for n in nodes) for name, nodes in caps.items() if nodes}


@pytest.mark.parametrize("path", INPUTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_batch_captures_what_each_query_captures(path: Path) -> None:
    src = path.read_bytes()
    root = S.parse(src).root_node
    S.kinds("call_expression", entry=True)  # what unclosed-body and grpc-stream-leak start from
    S.entry_query(f"(go_statement {S.CALL}: (call_expression function: ({S.FUNC_LITERAL}) @lit)) @go")
    batch = S.entry_batch()
    assert len(batch.queries) >= 2
    whole = batch.run(root)
    half = (0, len(src) // 2)
    by_range = batch.run(root, half)
    for q, caps, ranged in zip(batch.queries, whole, by_range):
        assert _ids(caps) == _ids(S.captures(q, root)), q.text
        assert _ids(ranged) == _ids(S.captures(q, root, half)), q.text


_SELECTOR_CALLS = S.query("(call_expression function: (selector_expression field: (field_identifier) @name)) @call")
_TOKENS = {("defer", "defer_statement"): "(defer_statement) @n", ("go", "go_statement"): "(go_statement) @n",
           ("<-", "send_statement"): "(send_statement) @n", ("range", "range_clause"): "(range_clause) @n"}
_TOKEN_QUERIES = {k: S.query(v) for k, v in _TOKENS.items()}
_IDENT_CALLS = S.query("(call_expression function: (identifier) @name) @call")


def _spans(nodes) -> list:
    return sorted((n.start_byte, -n.end_byte, n.type) for n in nodes)


@pytest.mark.parametrize("path", INPUTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_candidates_from_bytes_are_what_queries_find(path: Path) -> None:
    src = path.read_bytes()
    root = S.parse(src).root_node
    by_name: dict[str, list] = {}
    for _, caps in S.matches(_SELECTOR_CALLS, root):
        by_name.setdefault(S.text(caps["name"][0]), []).append(caps["call"][0])
    names = sorted(by_name) + ["After", "NoSuchName"]
    for name in names:
        assert _spans(S.selector_calls(root, src, [name])) == _spans(by_name.get(name, [])), name
    assert _spans(S.selector_calls(root, src, names)) == _spans(c for cs in by_name.values() for c in cs)
    for (token, parent), q in _TOKEN_QUERIES.items():
        assert _spans(S.token_nodes(root, src, token, parent)) == _spans(S.captures(q, root).get("n", [])), token
    plain: dict[str, list] = {}
    for _, caps in S.matches(_IDENT_CALLS, root):
        plain.setdefault(S.text(caps["name"][0]), []).append(caps["call"][0])
    for name in sorted(plain) + ["make"]:
        assert _spans(S.identifier_calls(root, src, name)) == _spans(plain.get(name, [])), name


def test_candidates_from_bytes_skip_words_that_are_not_the_token() -> None:
    src = (b'package p\n\n// go defer range <- x.After() are words here\nfunc f(c chan int) {\n'
           b'\ts := "go x.After()"\n\tgopher, deferred := 1, 2\n\tx.AfterFunc()\n\tgo g()\n\tc <- 1\n\t<-c\n}\n')
    root = S.parse(src).root_node
    assert [S.text(n) for n in S.token_nodes(root, src, "go", "go_statement")] == ["go g()"]
    assert [S.text(n) for n in S.token_nodes(root, src, "<-", "send_statement")] == ["c <- 1"]
    assert S.token_nodes(root, src, "defer", "defer_statement") == []
    assert S.selector_calls(root, src, ["After"]) == []
    assert [S.text(n) for n in S.selector_calls(root, src, ["AfterFunc"])] == ["x.AfterFunc()"]


def test_every_rule_entry_query_is_batched() -> None:
    """The rules' module-level entry queries are in the batch (a plain S.query there would
    cost a walk of its own on every file)."""
    import importlib
    import pkgutil

    batch = S.entry_batch()
    for mod in pkgutil.iter_modules(codemods.__path__):
        module = importlib.import_module(f"codemods.{mod.name}")
        for name, value in vars(module).items():
            if isinstance(value, S.LazyQuery):
                assert value in batch, f"codemods.{mod.name}.{name} is S.query, not S.entry_query"


def test_byte_scan_answers_like_the_bytes() -> None:
    src = b"package p\n\nfunc f() { go func() {}() }\n// Get( is here\nvar gopher = 1\n"
    scan = ByteScan(src)
    for needle in (b"Get(", b"Get", b"Post", b"func", b"gopher"):
        assert scan.has(needle) is (needle in src)
        assert scan.has(needle) is (needle in src)  # the remembered answer
    assert scan.search(GO_FUNC_LITERAL)
    assert not ByteScan(b"var ergo func()\nx := gofunc\n").search(GO_FUNC_LITERAL)  # go must start a word
    assert ByteScan(b"\tgo (func() {})()").search(GO_FUNC_LITERAL)
    assert ByteScan(b"go\n\tfunc() {}()").search(GO_FUNC_LITERAL)


def test_prefilter_conditions_in_any_order_give_the_same_answer() -> None:
    """The plan (cheapest condition first, strings that hold another dropped) answers as the
    conditions read in the written order do, on every golden input, for every rule."""
    from codemods import RULES
    from gofix.analysis.rule import Imports, PackageImports
    from gofix.engine import Options

    options = Options()

    def written(rule, src: bytes) -> bool:
        def holds(cond) -> bool:
            if isinstance(cond, tuple):
                return any(t in src for t in cond)
            if isinstance(cond, PackageImports):
                return True  # no package given: it cannot rule the file out
            if isinstance(cond, Imports):
                return ByteScan(src).imports(cond)
            return bool(cond.search(src))
        return holds(rule.triggers_for(options)) and all(holds(c) for c in rule.requires)

    for path in INPUTS:
        src = path.read_bytes()
        scan = ByteScan(src)
        for rule in RULES:
            assert rule.prefilter(scan, options) is written(rule, src), (rule.id, path.name)


def test_imports_condition_reads_the_import_block_and_the_package_clause() -> None:
    from gofix.analysis.rule import Imports

    cond = Imports((b"net/http", b'"net"'))
    imports = b'package p\n\nimport (\n\t"fmt"\n\t"net/http"\n)\n\nfunc f() {}\n'
    mention = b'package p\n\nimport "fmt"\n\nfunc f() {\n\t// see net/http and "net"\n\tfmt.Println("net/http")\n}\n'
    own = b"package http\n\nfunc (c *Client) Get(url string) {}\n"
    hidden = b'/*\nfunc example() {}\n*/\npackage p\n\nimport "net/http"\n'
    assert ByteScan(imports).imports(cond)
    assert not ByteScan(mention).imports(cond)  # words in the code after the imports
    assert not ByteScan(own).imports(cond)  # the package itself does not import itself
    assert ByteScan(hidden).imports(cond)  # a block comment before the imports: the whole file is read


def test_unclosed_resource_prefilter_lets_every_catalog_constructor_through() -> None:
    """Its triggers are derived from the catalog: os.CreateTemp was missed when they were
    written by hand (b"Create(" is not in "CreateTemp(")."""
    from codemods.unclosed_resource import CATALOG, RULE
    from gofix.engine import Options

    for path, name in CATALOG:
        alias = path.rsplit("/", 1)[-1].replace("-", "")
        src = f'package p\n\nimport {alias} "{path}"\n\nfunc f() {{ x, _ := {alias}.{name}(a); _ = x }}\n'.encode()
        assert RULE.prefilter(src, Options()), (path, name)
    assert not RULE.prefilter(b'package p\n\nfunc f() { x, _ := store.Open(a); _ = x }\n', Options())  # no catalog import


def test_unclosed_resource_prefilter_wants_a_qualified_call_of_a_catalog_constructor() -> None:
    """PackageCalls: `pkg.Open(` where pkg is what the import block calls os (its default
    name or an alias; tokens may be apart), not a method of another value named Open."""
    from dataclasses import replace as copy_with

    from codemods.unclosed_resource import RULE
    from gofix.engine import Options

    def passes(imports: str, body: str, options: Options | None = None) -> bool:
        src = f"package p\n\nimport (\n{imports}\n)\n\nfunc f() {{\n{body}\n}}\n".encode()
        return RULE.prefilter(src, options or Options())

    assert passes('\t"os"', "\tf, _ := os.Open(name)")
    assert passes('\tstdos "os"', "\tf, _ := stdos.Open(name)")
    assert passes('\t"net"', "\tc, _ := net /* the package */ .\n\t\tDial (\"tcp\", a)")
    assert passes('\tkafka "github.com/segmentio/kafka-go"', "\tw := kafka.NewWriter(cfg)")
    assert passes('\t. "os"', "\tf, _ := Open(name)")  # a dot import: let through
    assert passes('\tstdos /* the os */ "os"', "\tf, _ := stdos.Open(name)")  # a comment hides the name: through
    assert not passes('\t"os"', "\tf, _ := fsys.Open(name)")  # another value's Open
    assert not passes('\t"os"', "\tf, _ := s.os.Open(name)")  # a field named os
    assert not passes('\t"os"', "\tf, _ := myos.Open(name)")  # a longer word
    assert passes('\t"os"', "\t// os.Open( in a comment: let through (it may say yes too often, never too rarely)")
    store = copy_with(Options(), extra_resources={"example.com/store.Open": "Close"})
    assert passes('\t"os"\n\t"example.com/store"', "\tdb, _ := store.Open(dsn)", store)
    assert not passes('\t"os"\n\t"example.com/store"', "\tdb, _ := store.Open(dsn)")


def test_defer_in_loop_prefilter_wants_a_defer_inside_a_for_of_its_declaration() -> None:
    from codemods.defer_in_loop import RULE
    from gofix.engine import Options

    def passes(body: str) -> bool:
        return RULE.prefilter(("package p\n\n" + body).encode(), Options())

    assert passes("func f(xs []int) {\n\tfor range xs {\n\t\tdefer g()\n\t}\n}\n")
    assert passes("var f = func() {\n\tfor {\n\t\tdefer g()\n\t}\n}\n")  # a literal at package level
    assert not passes("func f() {\n\tfor {\n\t}\n}\n\nfunc g() {\n\tdefer h()\n}\n")  # other functions
    assert not passes("func g() {\n\tdefer h()\n\tfor {\n\t}\n}\n")  # the loop comes after
    # a raw string or block comment holding a line that starts with `func `: looked at weakly
    assert passes("func f() {\n\tfor {\n\t\ts := `\nfunc x`\n\t\tdefer g(s)\n\t}\n}\n")
    assert passes("func f() {\n\tfor {\n\t\t/*\nfunc x\n\t\t*/\n\t\tdefer g()\n\t}\n}\n")
    # the defer after the loop, in the same function: the loop's block closed before it
    assert not passes("func f(xs []int) {\n\tfor range xs {\n\t\tg()\n\t}\n\tdefer h()\n}\n")
    assert not passes("func f() {\n\tif ok {\n\t\tfor {\n\t\t}\n\t}\n\tif x {\n\t\tdefer h()\n\t}\n}\n")
    # braces and words in strings, runes and comments do not count
    assert not passes("func f() {\n\tfor {\n\t\ts := \"{{\"\n\t}\n\tc := '{'\n\tdefer h() // for {\n}\n")
    assert passes("func f() {\n\tfor {\n\t\ts, c := \"}}\", '}' // }\n\t\tdefer h()\n\t}\n}\n")
    assert not passes("func f() {\n\tfor {\n\t\t// defer h()\n\t\ts := \"defer h()\"\n\t}\n}\n")
    # a header with braces of its own; a defer in a block after the loop may pass (a
    # necessary condition may say yes too often, never too rarely)
    assert passes("func f() {\n\tfor _, x := range []int{1, 2} {\n\t\tdefer g(x)\n\t}\n}\n")
    assert passes("func f() {\n\tfor {\n\t\tbreak\n\t}\n\tif x {\n\t\tdefer h()\n\t}\n}\n") is not None
