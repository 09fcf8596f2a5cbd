"""The gofix language server: engine findings as diagnostics, engine fixes as code actions.

A thin face over gofix.engine (ARCHITECTURE.md): it keeps the editor's buffers, asks the
engine about them and translates the answers to LSP. It re-implements nothing: findings and
the fix-all edit come from `engine.analyse_source` (the entry every face uses: skip policy,
BOM and CRLF layout, the fixed-point loop; so fix-all equals `gofix fix --no-verify` byte for
byte; with the `verifyFixes` setting, `gofix.verify` checks it as `gofix fix` does), options
from a `gofix.project.Project` (the client's settings act as the command-line flags, over
each file's nearest config file, as `gofix check` resolves it).

- Buffers: the server keeps its own copy of each open document (incremental sync, applied
  with LSP's line breaks and the negotiated position encoding: UTF-8 when the client offers
  it, else UTF-16). The file on disk is never read. Each buffer keeps its syntax tree, told
  about every change range (Tree.edit), so the next parse reuses it, and its findings per
  top-level declaration (gofix.analysis.incremental.Memo), so an edit inside one function
  re-runs the rules on that function (and those that call it) only.
- Diagnostics: on open and on save at once, on change after a short debounce; every engine
  call runs on one worker thread, and a result is published only if the buffer is still at
  the version it was computed for.
- Code actions: a `quickfix` per finding with a fix (unsafe ones only when `unsafeFixes` is
  set) and `source.fixAll.gofix`. Edits are versioned `documentChanges`; a request whose
  buffer changed meanwhile gets no edits.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import os
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from lsprotocol import types as T
from pygls.exceptions import JsonRpcException, JsonRpcInvalidRequest, JsonRpcParseError
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol, lsp_method
from pygls.uris import to_fs_path

from gofix import __version__
from gofix import engine
from gofix import lsp_text as X
from gofix.analysis import incremental
from gofix import project as P
from gofix.config import ConfigError
from gofix.gomod import parse_version
from gofix.model import Applicability, Finding, Severity

log = logging.getLogger("gofix.lsp")

FIX_ALL = "source.fixAll.gofix"
SOURCE = "gofix"
DEFAULT_DEBOUNCE = 0.3  # seconds between the last keystroke and re-analysis
WATCHED = ("**/go.mod", "**/go.work", "**/.gofix.toml", "**/gofix.toml")

R = TypeVar("R")


# --- settings -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    """What the client configures; None means "not set": the config file (or default) applies."""

    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] | None = None
    unsafe_fixes: bool = False
    go_version: str | None = None
    options: tuple[str, ...] = ()  # "RULE.KEY=VALUE", as --option
    config: str | None = None  # as --config
    rule_doc_url: str | None = None  # "https://.../{rule}": each diagnostic's codeDescription
    debounce: float = DEFAULT_DEBOUNCE
    verify: bool = False  # fix-all runs go build + go vet on the fixed buffer (takes seconds)
    time_budget: float | None = None  # `gofix lsp --time-budget` (not a client setting): over the config's


_KNOWN_KEYS = {"select", "ignore", "unsafeFixes", "goVersion", "ruleOptions", "config", "ruleDocUrl", "debounceMs",
               "verifyFixes"}


def _option_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def parse_settings(raw: Any, rule_ids: frozenset[str]) -> tuple[Settings | None, list[str]]:
    """Settings from initializationOptions or didChangeConfiguration, and warnings.

    Accepts the settings object itself or one with a "gofix" key (what editors send when
    they forward all their settings). Returns None when raw holds nothing of ours. Invalid
    values are dropped with a warning rather than failing the whole object.
    """
    if isinstance(raw, dict) and isinstance(raw.get("gofix"), dict):
        raw = raw["gofix"]
    if not isinstance(raw, dict) or not (set(raw) & _KNOWN_KEYS):
        return None, []
    warnings: list[str] = [f"unknown setting {k!r} ignored" for k in sorted(set(raw) - _KNOWN_KEYS)]

    def rules(key: str) -> tuple[str, ...] | None:
        v = raw.get(key)
        if v is None:
            return None
        if isinstance(v, str):
            v = [x.strip() for x in v.split(",") if x.strip()]
        if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
            warnings.append(f"setting {key!r} must be a list of rule ids; ignored")
            return None
        unknown = [x for x in v if x not in rule_ids]
        warnings.extend(f"setting {key!r}: unknown rule {x!r} ignored" for x in unknown)
        kept = tuple(x for x in v if x in rule_ids)
        return kept or None

    go_version = raw.get("goVersion")
    if go_version is not None:
        try:
            parse_version(str(go_version))
            go_version = str(go_version)
        except ValueError as e:
            warnings.append(f"setting 'goVersion': {e}; ignored")
            go_version = None
    options: list[str] = []
    rule_options = raw.get("ruleOptions") or {}
    if not isinstance(rule_options, dict):
        warnings.append("setting 'ruleOptions' must map rule ids to tables of options; ignored")
        rule_options = {}
    for rid, table in rule_options.items():
        if rid not in rule_ids or not isinstance(table, dict):
            warnings.append(f"setting 'ruleOptions.{rid}': unknown rule or not a table; ignored")
            continue
        options.extend(f"{rid}.{k}={_option_value(v)}" for k, v in table.items())
    debounce = raw.get("debounceMs", DEFAULT_DEBOUNCE * 1000)
    if not isinstance(debounce, (int, float)) or isinstance(debounce, bool) or debounce < 0:
        warnings.append("setting 'debounceMs' must be a non-negative number; ignored")
        debounce = DEFAULT_DEBOUNCE * 1000
    config = raw.get("config")
    doc_url = raw.get("ruleDocUrl")
    return Settings(
        select=rules("select"),
        ignore=rules("ignore"),
        unsafe_fixes=raw.get("unsafeFixes") is True,
        go_version=go_version,
        options=tuple(options),
        config=config if isinstance(config, str) and config else None,
        rule_doc_url=doc_url if isinstance(doc_url, str) and doc_url else None,
        debounce=debounce / 1000,
        verify=raw.get("verifyFixes") is True,
    ), warnings


def project_settings(settings: Settings, root: Path | None) -> P.Settings:
    """The client's settings as project Settings (what the command-line flags would say)."""
    config = None
    if settings.config:
        config = Path(settings.config).expanduser()
        if not config.is_absolute() and root is not None:
            config = root / config
    return P.Settings(
        select=settings.select,
        ignore=settings.ignore,
        unsafe_fixes=True if settings.unsafe_fixes else None,
        go_version=settings.go_version,
        rule_options=P.Settings.parse_rule_options(settings.options),
        config=config,
        time_budget=settings.time_budget,
    )


def build_options(settings: Settings, path: Path | None, root: Path | None) -> engine.Options:
    """Engine options for one document: the settings as flags over its nearest config file."""
    start = path if path is not None else (root or Path.cwd())
    return P.Project(project_settings(settings, root)).options_for(start)


# --- documents and analysis -----------------------------------------------------------------------


@dataclass
class Document:
    uri: str
    version: int | None
    text: str
    path: Path | None  # None for non-file URIs (untitled buffers)
    # The syntax tree of the last analysis, told about every change since (Tree.edit): the
    # next parse reuses it; None: parse from scratch (no analysis yet, a CR or BOM, a
    # whole-text change).
    tree: Any = None
    # The findings of the buffer's earlier versions per top-level declaration
    # (gofix.analysis.incremental): an edit re-analyses only what it can change.
    memo: Any = None


@dataclass(frozen=True)
class Snapshot:
    uri: str
    version: int | None
    src: bytes
    path: Path | None
    tree: Any = field(default=None, compare=False)  # Document.tree, edited to src
    memo: Any = field(default=None, compare=False)


@dataclass
class Outcome:
    """What the engine said about one snapshot."""

    snapshot: Snapshot
    options: engine.Options | None
    findings: list[Finding] = field(default_factory=list)
    tree: Any = None  # the snapshot's syntax tree, when parsed here (the next edit's base)
    errors: list[str] = field(default_factory=list)  # internal errors of single rules
    problem: str | None = None  # why the document was not analysed (parse error, bad config...)
    problem_is_config: bool = False


def _display(snapshot: Snapshot) -> str:
    return engine.display_path(snapshot.path) if snapshot.path is not None else snapshot.uri


def _as_path(snapshot: Snapshot, root: Path | None) -> Path:
    """The path the engine analyses a buffer as (an untitled one: a file in the workspace root)."""
    return snapshot.path if snapshot.path is not None else (root or Path.cwd()) / "untitled.go"


def analyse(snapshot: Snapshot, settings: Settings, root: Path | None) -> Outcome:
    """Findings for one buffer (runs on the worker thread; never raises)."""
    try:
        options = build_options(settings, snapshot.path, root)
    except (ConfigError, P.SettingsError) as e:
        return Outcome(snapshot, None, problem=str(e), problem_is_config=True)
    out = Outcome(snapshot, options)
    try:
        if X.plain(snapshot.src):  # the rules see these very bytes: the tree can be kept
            out.tree = incremental.reparse(snapshot.src, snapshot.tree)
        a = engine.analyse_source(_as_path(snapshot, root), snapshot.src, options, shown=_display(snapshot),
                                  tree=out.tree, memo=snapshot.memo)
    except Exception as e:  # an engine bug must not take the server down
        log.exception("analysis failed")
        out.problem = f"internal error: {type(e).__name__}: {e}"
        out.errors.append(f"{_display(snapshot)}: {out.problem}")
        return out
    if a.result is None:
        out.problem = a.skipped
        return out
    out.errors = a.errors
    out.problem = a.result.error
    out.findings = a.result.findings
    return out


def fix_all(outcome: Outcome, root: Path | None, verify: bool = False,
            apply_unverified: bool = False) -> tuple[bytes | None, list[str], list[str]]:
    """The buffer after `gofix fix` (None: nothing to change), internal errors, and notes.

    With verify (and a file path), the fixed buffer's package is built and vetted with an
    overlay as `gofix fix` does: fixes that fail are left out, and so are fixes that could
    not be checked unless apply_unverified (the config's `apply-unverified`).
    """
    snapshot, options = outcome.snapshot, outcome.options
    if options is None or outcome.problem:
        return None, [], []
    notes: list[str] = []
    try:
        # the buffer's tree and per-declaration findings: the first pass reuses the
        # diagnostics' analysis, the later ones re-analyse only the declarations fixed
        a = engine.analyse_source(_as_path(snapshot, root), snapshot.src, options, fix=True,
                                  shown=_display(snapshot), tree=outcome.tree, memo=snapshot.memo)
        if a.result is None:
            return None, [], []
        result, errors = a.result, a.errors
        if verify and snapshot.path is not None and result.changed:
            from gofix import verify as gofix_verify

            # re-fixing with fewer fixes starts from result.source: the buffer, never the disk
            (result,), report = gofix_verify.verify([result], options, strict=not apply_unverified)
            notes.append(f"{_display(snapshot)}: fix-all verified with go build and go vet: "
                         f"{report.verified} proven, {report.dropped} dropped, {report.unverified} not checked")
            notes.extend(report.notes)
            notes.extend(f"{_display(snapshot)}:{f.start.line}: fix dropped: {f.fix.title} [{f.rule}]: {f.verify_reason}"
                         for f in result.findings if f.verified is False and f.fix is not None)
    except Exception as e:
        log.exception("fix-all failed")
        return None, [f"{_display(snapshot)}: fix-all failed: {type(e).__name__}: {e}"], notes
    return (result.fixed if result.changed else None), errors, notes


# --- LSP translation ------------------------------------------------------------------------------

_SEVERITY = {
    Severity.ERROR: T.DiagnosticSeverity.Error,
    Severity.WARNING: T.DiagnosticSeverity.Warning,
    Severity.HINT: T.DiagnosticSeverity.Hint,
}


def _range(r: tuple[X.Pos, X.Pos]) -> T.Range:
    (sl, sc), (el, ec) = r
    return T.Range(start=T.Position(line=sl, character=sc), end=T.Position(line=el, character=ec))


def diagnostic(f: Finding, index: X.ByteIndex, settings: Settings) -> T.Diagnostic:
    description = None
    if settings.rule_doc_url:
        description = T.CodeDescription(href=settings.rule_doc_url.replace("{rule}", f.rule))
    return T.Diagnostic(
        range=_range(index.range(f.start_byte, f.end_byte)),
        message=f.message,
        severity=_SEVERITY.get(f.severity, T.DiagnosticSeverity.Warning),
        code=f.rule,
        code_description=description,
        source=SOURCE,
    )


def _text_edits(edits: list[X.TextEdit]) -> list[T.TextEdit]:
    return [T.TextEdit(range=_range((e.start, e.end)), new_text=e.text) for e in edits]


def _kind_wanted(kind: str, only: list[str] | None) -> bool:
    """Whether a code action of `kind` answers a request limited to `only` (LSP's kind hierarchy)."""
    if not only:
        return True
    return any(k == "" or kind == k or kind.startswith(k + ".") for k in only)


def _overlaps(a: T.Range, b: T.Range) -> bool:
    def key(p: T.Position) -> tuple[int, int]:
        return p.line, p.character

    return key(a.start) <= key(b.end) and key(b.start) <= key(a.end)


# --- the server -----------------------------------------------------------------------------------


class GofixProtocol(LanguageServerProtocol):
    """pygls' protocol with two changes: the server keeps its own buffers (applied with LSP's
    line breaks, where pygls splits lines as Python's str.splitlines does), and UTF-8 positions
    are chosen whenever the client offers them (else UTF-16, which every client supports)."""

    @lsp_method(T.INITIALIZE)
    def lsp_initialize(self, params: T.InitializeParams):
        general = params.capabilities.general
        offered = list(general.position_encodings or []) if general is not None else []
        choice = T.PositionEncodingKind.Utf8 if T.PositionEncodingKind.Utf8 in offered else T.PositionEncodingKind.Utf16
        if general is None:
            params.capabilities.general = general = T.GeneralClientCapabilities()
        general.position_encodings = [choice]
        return (yield from super().lsp_initialize(params))

    def _user(self, method: str, params: Any):
        if (handler := self.fm.features.get(method)) is not None:
            yield handler, (params,), None

    def handle_message(self, message):
        """After shutdown the LSP specification wants every request but exit answered with
        InvalidRequest; pygls drops them unanswered, and a client waiting on one hangs."""
        if self._shutdown and getattr(message, "method", "") != T.EXIT and \
                getattr(message, "id", None) is not None and hasattr(message, "method"):
            self._send_response(message.id, None, JsonRpcInvalidRequest(
                message="Invalid Request: the server is shut down").to_response_error())
            return
        super().handle_message(message)

    @lsp_method(T.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params: T.DidOpenTextDocumentParams):
        yield from self._user(T.TEXT_DOCUMENT_DID_OPEN, params)

    @lsp_method(T.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: T.DidChangeTextDocumentParams):
        yield from self._user(T.TEXT_DOCUMENT_DID_CHANGE, params)

    @lsp_method(T.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params: T.DidCloseTextDocumentParams):
        yield from self._user(T.TEXT_DOCUMENT_DID_CLOSE, params)


class GofixServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("gofix", __version__, text_document_sync_kind=T.TextDocumentSyncKind.Incremental,
                         protocol_cls=GofixProtocol)
        from codemods import RULE_IDS

        self.rule_ids = RULE_IDS
        self.settings = Settings()
        self.documents: dict[str, Document] = {}
        self.outcomes: dict[str, Outcome] = {}  # the last analysis of each open document
        self.pending: dict[str, asyncio.Task] = {}
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="gofix-engine")
        self.tcp = False
        self.encoding = X.UTF16
        self.root: Path | None = None
        self.lazy_fix_all = False  # the client resolves code actions' edits on demand
        self.versioned_edits = True  # the client takes documentChanges
        self._logged: set[str] = set()
        self._shown: set[str] = set()
        self.exit_code: int | None = None  # set by exit: 0 after shutdown, else 1

    def start_io(self, stdin=None, stdout=None) -> None:
        """Serve stdin/stdout with gofix.lsp_frames' reader (which resynchronises after a
        bad frame) instead of pygls' (which loses the messages after one)."""
        from pygls.io_ import StdoutWriter

        self._stop_event = threading.Event()
        self.protocol.set_writer(StdoutWriter(stdout or sys.stdout.buffer))
        stdin = stdin or sys.stdin.buffer
        read = getattr(stdin, "read1", stdin.read)

        async def chunks():
            return await asyncio.get_running_loop().run_in_executor(self.thread_pool, read, 65536)

        try:
            asyncio.run(self._serve_frames(chunks))
        except BrokenPipeError:
            log.error("the client closed the connection")
        except SystemExit as e:  # pygls' exit handler: the status the specification wants
            self.exit_code = e.code if isinstance(e.code, int) else 1
        except KeyboardInterrupt:
            pass
        finally:
            self.shutdown()

    def _answer_unstructured(self, body: bytes, error: JsonRpcException) -> None:
        """A request whose params do not fit its method gets the error (pygls raises before
        it knows the id, and the client would wait forever); after shutdown, InvalidRequest."""
        try:
            raw = json.loads(body)
        except ValueError:
            return
        if not isinstance(raw, dict) or "method" not in raw or raw.get("id") is None:
            return  # a notification or a response: nobody waits for an answer
        if self.protocol._shutdown and raw.get("method") != T.EXIT:
            error = JsonRpcInvalidRequest(message="Invalid Request: the server is shut down")
        self.protocol._send_response(raw["id"], None, error.to_response_error())

    def start_tcp(self, host: str, port: int) -> None:
        """Serve one TCP client at a time with the same frame reader as stdio."""
        self._stop_event = threading.Event()

        async def connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            self.protocol.set_writer(writer)  # type: ignore[arg-type]
            await self._serve_frames(lambda: reader.read(65536))
            self.shutdown()

        async def main() -> None:
            self._server = await asyncio.start_server(connection, host, port)
            async with self._server:
                await self._server.serve_forever()

        try:
            asyncio.run(main())
        except (asyncio.CancelledError, KeyboardInterrupt):
            pass

    async def _serve_frames(self, chunk) -> None:
        from gofix.lsp_frames import Bad, Frames

        frames = Frames()
        while not self._stop_event.is_set():
            data = await chunk()
            if not data:
                break  # end of input
            for item in frames.feed(data):
                if isinstance(item, Bad):
                    log.warning("bad frame skipped: %s", item.reason)
                    # JSON-RPC: a message that cannot be parsed is answered with id null
                    self.protocol._send_response(None, None, JsonRpcParseError(
                        message=f"Parse error: {item.reason}").to_response_error())
                    continue
                try:
                    message = json.loads(item, object_hook=self.protocol.structure_message)
                except JsonRpcException as e:  # valid JSON, not a valid message: answer it
                    self._answer_unstructured(item, e)
                    continue
                try:
                    self.protocol.handle_message(message)
                except (SystemExit, KeyboardInterrupt):
                    raise
                except Exception as e:
                    log.exception("cannot handle a message")
                    self.report_server_error(e, JsonRpcException)

    # -- plumbing --

    def log(self, message: str, kind: T.MessageType = T.MessageType.Info, once: bool = False) -> None:
        if once:
            if message in self._logged:
                return
            if len(self._logged) > 1000:
                self._logged.clear()
            self._logged.add(message)
        try:
            self.window_log_message(T.LogMessageParams(type=kind, message=message))
        except Exception:  # no client to talk to (shutting down)
            log.debug("cannot log %s", message)

    def show_once(self, message: str, kind: T.MessageType = T.MessageType.Error) -> None:
        if message in self._shown:
            return
        self._shown.add(message)
        try:
            self.window_show_message(T.ShowMessageParams(type=kind, message=message))
        except Exception:
            log.debug("cannot show %s", message)

    async def on_worker(self, fn: Callable[..., R], *args: Any) -> R:
        return await asyncio.get_running_loop().run_in_executor(self.worker, fn, *args)

    def snapshot(self, uri: str) -> Snapshot | None:
        doc = self.documents.get(uri)
        if doc is None:
            return None
        if doc.memo is None:
            doc.memo = incremental.Memo()
        return Snapshot(doc.uri, doc.version, doc.text.encode("utf-8", errors="surrogatepass"), doc.path,
                        doc.tree, doc.memo)

    def current(self, snapshot: Snapshot) -> bool:
        doc = self.documents.get(snapshot.uri)
        return doc is not None and doc.version == snapshot.version

    async def outcome(self, uri: str) -> Outcome | None:
        """The analysis of the buffer as it is now (cached per version and settings)."""
        snap = self.snapshot(uri)
        if snap is None:
            return None
        cached = self.outcomes.get(uri)
        if cached is not None and cached.snapshot == snap:
            return cached
        settings = self.settings
        out = await self.on_worker(analyse, snap, settings, self.root)
        self.report(out)
        if self.current(snap):
            doc = self.documents[uri]
            if out.tree is not None:
                doc.tree = out.tree  # no change since: the next edit starts from this parse
            if settings == self.settings:
                self.outcomes[uri] = out
        return out

    def report(self, out: Outcome) -> None:
        for e in out.errors:
            self.log(e, T.MessageType.Error, once=True)
        if out.problem and out.problem_is_config:
            self.log(out.problem, T.MessageType.Error, once=True)
            self.show_once(f"gofix: {out.problem}")
        elif out.problem and out.problem.startswith("too complex:"):  # no diagnostics: say why, once
            self.show_once(f"gofix: {_display(out.snapshot)}: {out.problem}", T.MessageType.Warning)
        elif out.problem:
            self.log(f"{_display(out.snapshot)}: {out.problem}", T.MessageType.Log, once=True)

    # -- diagnostics --

    def schedule(self, uri: str, delay: float) -> None:
        old = self.pending.pop(uri, None)
        if old is not None:
            old.cancel()
        self.pending[uri] = asyncio.get_running_loop().create_task(self._publish_later(uri, delay))

    async def _publish_later(self, uri: str, delay: float) -> None:
        try:
            if delay > 0:
                await asyncio.sleep(delay)
            await self.publish(uri)
        except asyncio.CancelledError:
            pass
        except Exception as e:
            log.exception("publishing diagnostics failed")
            self.log(f"gofix: publishing diagnostics for {uri} failed: {type(e).__name__}: {e}", T.MessageType.Error)
        finally:
            if self.pending.get(uri) is asyncio.current_task():
                del self.pending[uri]

    async def publish(self, uri: str) -> None:
        out = await self.outcome(uri)
        if out is None or not self.current(out.snapshot):
            return  # closed or changed meanwhile: a newer run publishes
        index = X.ByteIndex(out.snapshot.src, self.encoding)
        diagnostics = [diagnostic(f, index, self.settings) for f in out.findings]
        self.text_document_publish_diagnostics(
            T.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics, version=out.snapshot.version))

    def republish_all(self) -> None:
        self.outcomes.clear()
        for uri in list(self.documents):
            self.schedule(uri, 0)

    # -- code actions --

    def workspace_edit(self, snapshot: Snapshot, edits: list[X.TextEdit]) -> T.WorkspaceEdit:
        text_edits = _text_edits(edits)
        if not self.versioned_edits:
            return T.WorkspaceEdit(changes={snapshot.uri: text_edits})
        ident = T.OptionalVersionedTextDocumentIdentifier(uri=snapshot.uri, version=snapshot.version)
        return T.WorkspaceEdit(document_changes=[T.TextDocumentEdit(text_document=ident, edits=text_edits)])

    async def code_actions(self, params: T.CodeActionParams) -> list[T.CodeAction] | None:
        uri = params.text_document.uri
        out = await self.outcome(uri)
        if out is None or out.options is None or out.problem:
            return []
        snap = out.snapshot
        if not self.current(snap):
            return []  # the buffer changed while we looked: stale, no edits
        only = list(params.context.only) if params.context.only else None
        index = X.ByteIndex(snap.src, self.encoding)
        actions: list[T.CodeAction] = []
        if _kind_wanted(T.CodeActionKind.QuickFix, only):
            asked = {(d.code, d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character)
                     for d in params.context.diagnostics if d.source == SOURCE}
            for f in out.findings:
                if not engine.fix_applies(f, out.options, floor=Severity.HINT):  # a hint's too: picking is explicit
                    continue
                diag = diagnostic(f, index, self.settings)
                r = diag.range
                key = (f.rule, r.start.line, r.start.character, r.end.line, r.end.character)
                if key not in asked and not _overlaps(r, params.range):
                    continue
                title = f.fix.title if f.fix.applicability == Applicability.SAFE else f"{f.fix.title} (unsafe)"
                actions.append(T.CodeAction(
                    title=title,
                    kind=T.CodeActionKind.QuickFix,
                    diagnostics=[diag],
                    is_preferred=f.fix.applicability == Applicability.SAFE,
                    edit=self.workspace_edit(snap, X.byte_edits(snap.src, f.fix.edits, self.encoding)),
                ))
        if _kind_wanted(FIX_ALL, only) and any(engine.fix_applies(f, out.options) for f in out.findings):
            action = T.CodeAction(title="gofix: fix all auto-fixable problems", kind=FIX_ALL,
                                  data={"uri": uri, "version": snap.version})
            if not self.lazy_fix_all:
                action = await self.resolve_fix_all(action)
                if action.edit is None:
                    return actions  # the buffer changed meanwhile: no fix-all edit
            actions.append(action)
        return actions

    async def resolve_fix_all(self, action: T.CodeAction) -> T.CodeAction:
        data = action.data if isinstance(action.data, dict) else {}
        uri = data.get("uri")
        doc = self.documents.get(uri) if isinstance(uri, str) else None
        if doc is None or doc.version != data.get("version"):
            return action  # stale: the buffer is no longer what the action was offered for
        out = await self.outcome(uri)
        if out is None or not self.current(out.snapshot) or out.snapshot.version != data.get("version"):
            return action
        apply_unverified = False
        if self.settings.verify:
            try:
                project = P.Project(project_settings(self.settings, self.root))
                apply_unverified = project.apply_unverified(_as_path(out.snapshot, self.root))
            except (ConfigError, P.SettingsError):
                pass
        fixed, errors, notes = await self.on_worker(fix_all, out, self.root, self.settings.verify, apply_unverified)
        for e in errors:
            self.log(e, T.MessageType.Error, once=True)
        for n in notes:
            self.log(n, T.MessageType.Info)
        if not self.current(out.snapshot):
            return action
        edits = X.diff_edits(out.snapshot.src, fixed, self.encoding) if fixed is not None else []
        action.edit = self.workspace_edit(out.snapshot, edits)
        return action

    # -- lifecycle --

    def stop_work(self) -> None:
        """Stop scheduled analyses and the worker (shutdown or exit; safe to call twice)."""
        for task in self.pending.values():
            task.cancel()
        self.pending.clear()
        self.worker.shutdown(wait=False, cancel_futures=True)


def _path_of(uri: str) -> Path | None:
    if not uri.startswith("file:"):
        return None
    p = to_fs_path(uri)
    return Path(p) if p else None


def _capability(obj: Any, *names: str) -> Any:
    for n in names:
        if obj is None:
            return None
        obj = getattr(obj, n, None)
    return obj


def create_server() -> GofixServer:
    server = GofixServer()

    def apply_settings(ls: GofixServer, raw: Any, origin: str) -> bool:
        settings, warnings = parse_settings(raw, ls.rule_ids)
        for w in warnings:
            ls.log(f"gofix: {origin}: {w}", T.MessageType.Warning)
        if settings is not None:  # the command line's budget stays
            settings = dataclasses.replace(settings, time_budget=ls.settings.time_budget)
        if settings is None or settings == ls.settings:
            return False
        ls.settings = settings
        return True

    @server.feature(T.INITIALIZE)
    def initialize(ls: GofixServer, params: T.InitializeParams) -> None:
        caps = params.capabilities
        workspace = ls.workspace  # created by pygls before this handler, with the chosen encoding
        ls.encoding = X.UTF8 if workspace.position_encoding == T.PositionEncodingKind.Utf8 else X.UTF16
        ls.root = Path(workspace.root_path) if workspace.root_path else None
        resolve = _capability(caps, "text_document", "code_action", "resolve_support", "properties") or []
        ls.lazy_fix_all = "edit" in resolve and bool(_capability(caps, "text_document", "code_action", "data_support"))
        ls.versioned_edits = bool(_capability(caps, "workspace", "workspace_edit", "document_changes"))
        apply_settings(ls, params.initialization_options, "initializationOptions")

    @server.feature(T.INITIALIZED)
    async def initialized(ls: GofixServer, params: T.InitializedParams) -> None:
        caps = ls.client_capabilities
        if _capability(caps, "workspace", "did_change_watched_files", "dynamic_registration"):
            watchers = [T.FileSystemWatcher(glob_pattern=g) for g in WATCHED]
            try:
                await ls.client_register_capability_async(T.RegistrationParams(registrations=[T.Registration(
                    id="gofix-watch", method=T.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                    register_options=T.DidChangeWatchedFilesRegistrationOptions(watchers=watchers))]))
            except Exception as e:
                ls.log(f"gofix: cannot watch go.mod and config files: {e}", T.MessageType.Warning)
        await pull_configuration(ls)

    async def pull_configuration(ls: GofixServer) -> bool:
        if not _capability(ls.client_capabilities, "workspace", "configuration"):
            return False
        try:
            items = await ls.workspace_configuration_async(
                T.ConfigurationParams(items=[T.ConfigurationItem(section="gofix")]))
        except Exception as e:
            ls.log(f"gofix: workspace/configuration failed: {e}", T.MessageType.Warning)
            return False
        if items and isinstance(items[0], dict) and items[0]:
            return apply_settings(ls, {"gofix": items[0]}, "workspace/configuration")
        return False

    @server.feature(T.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def did_change_configuration(ls: GofixServer, params: T.DidChangeConfigurationParams) -> None:
        changed = apply_settings(ls, params.settings, "didChangeConfiguration")
        settings, _ = parse_settings(params.settings, ls.rule_ids)
        if settings is None:
            changed = await pull_configuration(ls) or changed
        if changed:
            ls.republish_all()

    @server.feature(T.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched_files(ls: GofixServer, params: T.DidChangeWatchedFilesParams) -> None:
        engine.clear_module_caches()  # go.mod / go.work changed: re-read the Go version
        ls._shown.clear()
        ls.republish_all()

    @server.feature(T.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: GofixServer, params: T.DidOpenTextDocumentParams) -> None:
        td = params.text_document
        if td.language_id not in ("go", "") and not td.uri.endswith(".go"):
            return  # go.mod, templates...: not ours
        ls.documents[td.uri] = Document(td.uri, td.version, td.text, _path_of(td.uri))
        ls.outcomes.pop(td.uri, None)
        ls.schedule(td.uri, 0)

    @server.feature(T.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: GofixServer, params: T.DidChangeTextDocumentParams) -> None:
        doc = ls.documents.get(params.text_document.uri)
        if doc is None:
            return
        text = doc.text
        tree = doc.tree
        for change in params.content_changes:
            rng = getattr(change, "range", None)
            if rng is None:
                text, tree = change.text, None
            else:
                start, end = (rng.start.line, rng.start.character), (rng.end.line, rng.end.character)
                if tree is not None:
                    edit = X.tree_edit(text, start, end, change.text, ls.encoding)
                    if edit is None:
                        tree = None
                    else:
                        tree = tree.copy()  # the worker may hold the old one
                        tree.edit(**edit)
                text = X.apply_change(text, start, end, change.text, ls.encoding)
        doc.text = text
        doc.tree = tree
        doc.version = params.text_document.version
        ls.schedule(doc.uri, ls.settings.debounce)

    @server.feature(T.TEXT_DOCUMENT_DID_SAVE, T.SaveOptions(include_text=False))
    def did_save(ls: GofixServer, params: T.DidSaveTextDocumentParams) -> None:
        if params.text_document.uri in ls.documents:
            ls.outcomes.pop(params.text_document.uri, None)  # go.mod or the config may have changed
            ls.schedule(params.text_document.uri, 0)

    @server.feature(T.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: GofixServer, params: T.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        task = ls.pending.pop(uri, None)
        if task is not None:
            task.cancel()
        ls.documents.pop(uri, None)
        ls.outcomes.pop(uri, None)
        ls.text_document_publish_diagnostics(T.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    @server.feature(T.TEXT_DOCUMENT_CODE_ACTION, T.CodeActionOptions(
        code_action_kinds=[T.CodeActionKind.QuickFix, FIX_ALL], resolve_provider=True))
    async def code_action(ls: GofixServer, params: T.CodeActionParams) -> list[T.CodeAction] | None:
        try:
            return await ls.code_actions(params)
        except Exception as e:
            log.exception("code actions failed")
            ls.log(f"gofix: code actions failed: {type(e).__name__}: {e}", T.MessageType.Error)
            return []

    @server.feature(T.CODE_ACTION_RESOLVE)
    async def code_action_resolve(ls: GofixServer, action: T.CodeAction) -> T.CodeAction:
        if action.kind != FIX_ALL or action.edit is not None:
            return action
        try:
            return await ls.resolve_fix_all(action)
        except Exception as e:
            log.exception("resolving fix-all failed")
            ls.log(f"gofix: fix-all failed: {type(e).__name__}: {e}", T.MessageType.Error)
            return action

    @server.feature(T.SHUTDOWN)
    def shutdown(ls: GofixServer, params: Any) -> None:
        ls.stop_work()

    @server.feature(T.EXIT)
    def exit_(ls: GofixServer, params: Any) -> None:
        ls.stop_work()
        ls.exit_code = 0 if ls.protocol._shutdown else 1
        if ls.tcp:  # pygls' sys.exit inside the socket callback would print a traceback
            logging.shutdown()
            os._exit(0 if ls.protocol._shutdown else 1)

    return server


def serve(tcp: tuple[str, int] | None = None, log_file: str | None = None,
          time_budget: float | None = None) -> None:
    """Run the server on stdio (default) or a TCP socket until the client says exit.
    time_budget: CPU seconds per analysis (over the config's time-budget; 0: no limit)."""
    if log_file:
        logging.basicConfig(filename=log_file, level=logging.DEBUG,
                            format="%(asctime)s %(name)s %(levelname)s %(message)s")
    else:
        logging.basicConfig(level=logging.WARNING, format="gofix lsp: %(name)s: %(message)s")
    server = create_server()
    server.settings = Settings(time_budget=time_budget)
    if tcp is not None:
        server.tcp = True
        server.start_tcp(*tcp)
    else:
        server.start_io()
    # exit after shutdown: 0; exit without shutdown, or the input ending without either: 1
    code = server.exit_code if server.exit_code is not None else (0 if server.protocol._shutdown else 1)
    logging.shutdown()
    sys.exit(code)
