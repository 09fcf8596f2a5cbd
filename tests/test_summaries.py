"""gofix.analysis.summaries: what the package's own functions do with their parameters."""

from __future__ import annotations

import textwrap

import pytest

from gofix import syntax as S
from gofix.analysis import summaries, types
from gofix.analysis.package import Package
from gofix.context import FileContext
from helpers import module

HELPERS = """
    package p

    import (
    	"fmt"
    	"io"
    	"net/http"
    )

    func deferred(resp *http.Response) { defer resp.Body.Close() }

    func deferredLiteral(resp *http.Response) {
    	defer func() {
    		_ = resp.Body.Close()
    	}()
    	fmt.Println(resp.Status)
    }

    func atTheEnd(resp *http.Response) error {
    	_, err := io.Copy(io.Discard, resp.Body)
    	resp.Body.Close()
    	return err
    }

    func returnsClose(resp *http.Response) error { return resp.Body.Close() }

    func nilGuard(resp *http.Response) {
    	if resp == nil || resp.Body == nil {
    		return
    	}
    	resp.Body.Close()
    }

    func earlyReturn(resp *http.Response) error {
    	if resp.StatusCode != 200 {
    		return fmt.Errorf("status %d", resp.StatusCode)
    	}
    	return resp.Body.Close()
    }

    func onABranch(resp *http.Response, ok bool) {
    	if ok {
    		resp.Body.Close()
    	}
    }

    func inALiteral(resp *http.Response) func() {
    	return func() { resp.Body.Close() }
    }

    func closesBody(rc io.ReadCloser) { rc.Close() }

    func forwards(resp *http.Response) { closesBody(resp.Body) }

    func forwardsWhole(resp *http.Response) { deferred(resp) }

    func secondParam(n int, resp *http.Response) { defer resp.Body.Close() }

    func reassigned(resp *http.Response, other *http.Response) {
    	resp = other
    	resp.Body.Close()
    }

    type holder struct{ r *http.Response }

    var last *http.Response

    func stores(resp *http.Response, h *holder) { h.r = resp }

    func assignsGlobal(resp *http.Response) { last = resp }

    func returnsIt(resp *http.Response) *http.Response { return resp }

    func logs(resp *http.Response) { fmt.Println(resp); fmt.Printf("%v\\n", resp.StatusCode) }

    func startsGoroutine(resp *http.Response) { go func() { _ = resp.Body.Close() }() }

    func passesOut(resp *http.Response, sink func(*http.Response)) { sink(resp) }

    func passesToLogs(resp *http.Response) { logs(resp) }

    func passesToStores(resp *http.Response, h *holder) { stores(resp, h) }

    func fetch(u string) (*http.Response, error) { return http.Get(u) }
"""


def _ctx(others: dict[str, str] | None = None) -> FileContext:
    main = b"package p\n"
    files = {"pkg/helpers.go": textwrap.dedent(HELPERS).lstrip("\n").encode()}
    files.update({f"pkg/{k}": textwrap.dedent(v).lstrip("\n").encode() for k, v in (others or {}).items()})
    tree = S.parse(main)
    return FileContext("pkg/a.go", main, tree, module(), package=Package.in_memory("pkg/a.go", main, files, tree))


def _decl(ctx: FileContext, name: str) -> types.Decl:
    return types.package_index(ctx).funcs[name]


@pytest.mark.parametrize("name, index", [
    ("deferred", 0), ("deferredLiteral", 0), ("atTheEnd", 0), ("returnsClose", 0), ("nilGuard", 0),
    ("forwards", 0), ("forwardsWhole", 0), ("secondParam", 1),
])
def test_closes_on_every_path(name, index):
    ctx = _ctx()
    assert summaries.closes(ctx, _decl(ctx, name), index, "Body")


@pytest.mark.parametrize("name, index", [
    ("earlyReturn", 0), ("onABranch", 0), ("inALiteral", 0), ("reassigned", 0), ("secondParam", 0),
    ("logs", 0), ("stores", 0), ("startsGoroutine", 0),
])
def test_does_not_close_on_every_path(name, index):
    ctx = _ctx()
    assert not summaries.closes(ctx, _decl(ctx, name), index, "Body")


def test_closes_the_parameter_itself_without_member():
    ctx = _ctx()
    assert summaries.closes(ctx, _decl(ctx, "closesBody"), 0, None)
    assert not summaries.closes(ctx, _decl(ctx, "deferred"), 0, None)  # that closes resp.Body, not resp


@pytest.mark.parametrize("name", ["stores", "assignsGlobal", "returnsIt", "startsGoroutine", "passesOut",
                                  "passesToStores", "inALiteral"])
def test_keeps(name):
    ctx = _ctx()
    assert summaries.keeps(ctx, _decl(ctx, name), 0)


@pytest.mark.parametrize("name", ["deferred", "atTheEnd", "logs", "passesToLogs", "forwards", "earlyReturn"])
def test_does_not_keep(name):
    ctx = _ctx()
    assert not summaries.keeps(ctx, _decl(ctx, name), 0)


def test_returns_reads_the_signature():
    ctx = _ctx()
    assert summaries.returns(ctx, _decl(ctx, "fetch")) == (types.GoType("net/http", "*Response"),
                                                           types.GoType("builtin", "error"))
    assert summaries.returns(ctx, _decl(ctx, "deferred")) == ()


def test_summaries_use_the_package_and_are_memoised():
    ctx = _ctx()
    decl = _decl(ctx, "deferred")
    assert summaries.closes(ctx, decl, 0, "Body")
    key = ("summaries.closes", decl.unit.path, decl.node.start_byte, 0, "Body", "Close")
    assert ctx.memo(key, lambda: "recomputed") is True
    assert ctx.package.used  # the siblings were read: the fingerprint goes into the cache key


def test_params_positions():
    ctx = _ctx({"more.go": """
        package p
        func f(a, b int, _ string, c ...int) {}
        func g(int, string) {}
    """})
    assert summaries.params(_decl(ctx, "f")) == ["a", "b", "_", "c"]
    assert summaries.params(_decl(ctx, "g")) == ["_", "_"]


def test_a_close_in_an_if_initializer_closes():
    ctx = _ctx({"more.go": """
        package p
        import "net/http"
        func checked(resp *http.Response) error {
        	if err := resp.Body.Close(); err != nil {
        		return err
        	}
        	return nil
        }
    """})
    assert summaries.closes(ctx, _decl(ctx, "checked"), 0, "Body")
