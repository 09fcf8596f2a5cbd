"""unclosed-resource: a file, connection, listener or client is never closed, or closed on some paths only

## What it does
Finds values from a catalog of constructors whose `Close` must be called: `os.Open`,
`os.Create`, `os.CreateTemp`, `os.OpenFile`, `net.Dial`, `net.DialTimeout`, `net.Listen`, `grpc.Dial`,
`grpc.DialContext`, `grpc.NewClient` (`google.golang.org/grpc`) and kafka-go's `NewWriter`
and `NewReader` (`github.com/segmentio/kafka-go`), and `github.com/klauspost/compress/zstd`'s
`NewWriter` (an encoder) and `NewReader` (a decoder, whose goroutines run until it is closed), matched through the file's imports,
with no `Close()` in the function, or with a `Close()` that an early return between the
call and it skips. The `[resources]` table of `.gofix.toml` adds constructors
(`"example.com/store.Open" = "Close"`).

## Why is this bad?
An unclosed file or connection keeps its descriptor (and a connection its peer, a listener
its port, a gRPC client its goroutines, a kafka writer its batching goroutine) until the
process exits. In a long-running service they pile up until `too many open files`.

## Example
```go
func writeLoop(brokers []string, msgs <-chan kafka.Message) error {
	w := kafka.NewWriter(kafka.WriterConfig{Brokers: brokers, Topic: "events"})
	for m := range msgs {
		if err := w.WriteMessages(context.Background(), m); err != nil {
			return err
		}
	}
	return nil
}
```
Use instead:
```go
func writeLoop(brokers []string, msgs <-chan kafka.Message) error {
	w := kafka.NewWriter(kafka.WriterConfig{Brokers: brokers, Topic: "events"})
	defer w.Close()
	...
}
```

## Fix safety
`defer x.Close()` directly after the `if err != nil` check that follows the call (right
after the call for constructors without an error), or first in `if err == nil { ... }`;
inside a loop body `x.Close()` at the end of the body instead, when no early exit follows.
Safe for `os.Open`, read-only `os.OpenFile`, network connections, listeners and gRPC and
kafka clients, zstd decoders; unsafe for `os.Create`, `os.CreateTemp`, writable `os.OpenFile`
and zstd encoders, because a deferred Close drops the write error that Close may report. When a plain `x.Close()` already exists but an
early exit skips it, the defer is added and the existing calls stay (a second Close of a
file, connection or listener only returns an error the defer ignores), with the same
applicability, except kafka-go values, whose second Close is not documented: unsafe.
Constructors from the config catalog are reported without a fix: gofix cannot know whether
their cleanup tolerates a second call or reports errors that matter. No fix without an error
check, when `err` is `_`, or when the value is used by a goroutine or a callback; no
finding when it is returned, stored, sent or passed whole to another function (reading it
with `io.ReadAll`, `io.Copy`, `bufio`, `encoding/json` and the like does not count).
"""

from __future__ import annotations

from typing import Any

from tree_sitter import Node

from codemods import _closers as C
from gofix.analysis import syntax as S
from gofix.analysis.context import FileContext
from gofix.analysis.model import Applicability, Finding
from gofix.analysis.rule import Imports, PackageCalls, Rule

ID = "unclosed-resource"
SAFE, UNSAFE = Applicability.SAFE, Applicability.UNSAFE
OS, NET = "os", "net"
GRPC, KAFKA = "google.golang.org/grpc", "github.com/segmentio/kafka-go"
ZSTD = "github.com/klauspost/compress/zstd"

# (import path, function) -> (what it makes, has an error result, fix, closed-on-some-paths fix)
CATALOG: dict[tuple[str, str], tuple[str, bool, Applicability | None, Applicability | None]] = {
    (OS, "Open"): ("file", True, SAFE, SAFE),
    (OS, "Create"): ("file", True, UNSAFE, UNSAFE),
    (OS, "CreateTemp"): ("file", True, UNSAFE, UNSAFE),
    (OS, "OpenFile"): ("file", True, SAFE, SAFE),  # downgraded below for writable flags
    (NET, "Dial"): ("connection", True, SAFE, SAFE),
    (NET, "DialTimeout"): ("connection", True, SAFE, SAFE),
    (NET, "Listen"): ("listener", True, SAFE, SAFE),
    (GRPC, "Dial"): ("gRPC client connection", True, SAFE, SAFE),
    (GRPC, "DialContext"): ("gRPC client connection", True, SAFE, SAFE),
    (GRPC, "NewClient"): ("gRPC client connection", True, SAFE, SAFE),
    (KAFKA, "NewWriter"): ("kafka writer", False, SAFE, UNSAFE),
    (KAFKA, "NewReader"): ("kafka reader", False, SAFE, UNSAFE),
    # zstd: an encoder's Close flushes and reports the write error (a defer drops it); a
    # decoder's Close returns nothing and stops its goroutines.
    (ZSTD, "NewWriter"): ("zstd encoder", True, UNSAFE, UNSAFE),
    (ZSTD, "NewReader"): ("zstd decoder", True, SAFE, UNSAFE),  # a second Close: not documented
}
READ_ONLY_FLAGS = {"O_RDONLY", "O_SYNC", "O_NONBLOCK", "O_CLOEXEC", "O_NOFOLLOW", "O_DIRECTORY", "O_NOATIME"}


def find(ctx: FileContext) -> list[Finding]:
    catalog = _catalog(ctx)
    names = {name for _, name in catalog}
    out = []
    for call in ctx.selector_calls(*names):
        entry = next(((path, name) for path, name in catalog
                      if name == ctx.call_name(call) and ctx.is_pkg_call(call, path, name)), None)
        if entry is None:
            continue
        what, has_error, fix, paths, method = catalog[entry]
        if entry == (OS, "OpenFile") and not _read_only(ctx, call):
            what, fix, paths = "writable file", UNSAFE, UNSAFE
        c = C.creation(ctx, call, has_error)
        var = c.var if c is not None else "x"
        pkg = ctx.text(call.child_by_field_name("function").child_by_field_name("operand"))
        never = (f"the {what} returned by {pkg}.{entry[1]} is never closed: it holds its "
                 f"resources until the process exits; call {var}.{method}()")
        res = C.Resource(ID, call, never, method=method, has_error=has_error, fix=fix, paths=paths)
        finding = C.check(ctx, res)
        if finding is not None:
            out.append(finding)
    return out


def _catalog(ctx: FileContext) -> dict[tuple[str, str], tuple[str, bool | None, Applicability | None, Applicability | None, str]]:
    """The built-in catalog plus the config's `[resources]` (reported without a fix)."""
    table = {k: (*v, "Close") for k, v in CATALOG.items()}
    for key, method in ctx.extra_resources.items():
        path, _, name = key.rpartition(".")
        if path and name and (path, name) not in table:
            table[(path, name)] = ("value", None, None, None, method)
    return table


def _read_only(ctx: FileContext, call: Node) -> bool:
    """os.OpenFile's flag argument opens for reading only (O_RDONLY, maybe with harmless flags)."""
    args = [a for a in call.child_by_field_name("arguments").named_children if a.type != "comment"]
    if len(args) < 2:
        return False
    flag = args[1]
    if flag.type == "int_literal":
        return ctx.text(flag) == "0"
    for n in S.walk(flag):
        if n.type == "selector_expression":
            if not ctx.is_pkg_member(n, OS) and not ctx.is_pkg_member(n, "syscall"):
                return False
            if ctx.text(n.child_by_field_name("field")) not in READ_ONLY_FLAGS:
                return False
        elif n.type in ("identifier", "call_expression", "int_literal"):
            if n.parent is None or n.parent.type != "selector_expression":
                return False
    return True


def config_triggers(options: Any) -> tuple[bytes, ...]:
    """Triggers for the config catalog's constructors."""
    return tuple(key.rpartition('.')[2].encode() for key in getattr(options, "extra_resources", {}))


def config_calls(options: Any) -> tuple[tuple[str, str], ...]:
    """The config catalog's constructors as (import path, function)."""
    return tuple((path, name) for path, _, name in (key.rpartition(".") for key in getattr(options, "extra_resources", {}))
                 if path and name)


def config_imports(options: Any) -> tuple[bytes, ...]:
    """The packages of the config catalog's constructors."""
    return _quoted(key.rpartition(".")[0] for key in getattr(options, "extra_resources", {}))


def _quoted(paths: Any) -> tuple[bytes, ...]:
    """Import paths as an import spec writes them, "p" or `p`."""
    return tuple(sorted({f"{q}{p}{q}".encode() for p in paths for q in '"`'}))


RULE = Rule(
    id=ID,
    doc=__doc__,
    find=find,
    # a catalog constructor called as pkg.Name( on an import of its package (PackageCalls
    # says so precisely, also for `pkg.Name (`; the names alone are the triggers)
    triggers=tuple(sorted({name.encode() for _, name in CATALOG})),
    requires=(Imports(_quoted(path for path, _ in CATALOG)),
              PackageCalls(tuple(CATALOG), option_calls=config_calls)),
    option_triggers=config_triggers,
    option_imports=config_imports,
)
