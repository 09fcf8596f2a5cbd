"""The language server (`gofix lsp`), driven over stdio by pytest-lsp as a real LSP client.

Each session starts `python -m gofix lsp` in a temporary workspace holding a go.mod; the
Go files exist only as editor buffers (nothing is written to disk), so every diagnostic
proves the server reads the buffer. Pure helpers (positions, content changes, edits,
settings) are tested directly at the end.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import pytest_asyncio
from hypothesis import given, settings as hsettings, strategies as st
from lsprotocol import types as T
from pygls.protocol import default_converter
from pytest_lsp import ClientServerConfig, LanguageClient
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

from gofix import lsp_text as X
from gofix.lsp_server import Settings, parse_settings

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "golden" / "lost-cancel"
# The server as `gofix lsp` runs it, without the CLI around it (test_gofix_lsp_command covers that).
SERVER = [sys.executable, "-c", "from gofix.lsp_server import serve; serve()"]
FAST = {"debounceMs": 10}  # keep the debounce short: tests wait for results, not for time
TIMEOUT = 20.0

# A server with three extra rules, for behaviour no real rule shows (yet): one that always
# crashes, one whose fix is unsafe, and a timer rule (downgraded to a hint on go >= 1.23).
EXTRA_RULES_SERVER = r'''
import re
import codemods
from gofix.model import Applicability, Edit, Finding, Fix, Position, Severity
from gofix.rules import Rule

def _finding(ctx, rule, m, severity, fix):
    line = ctx.src.count(b"\n", 0, m.start()) + 1
    col = m.start() - (ctx.src.rfind(b"\n", 0, m.start()) + 1) + 1
    return Finding(rule, severity, f"{rule} here", m.start(), m.end(),
                   Position(line, col), Position(line, col + m.end() - m.start()), fix)

def broken(ctx):
    raise RuntimeError("boom")

def unsafe(ctx):
    return [_finding(ctx, "test-unsafe", m, Severity.WARNING,
                     Fix("Rename to newName", (Edit(m.start(), m.end(), b"newName"),), Applicability.UNSAFE))
            for m in re.finditer(rb"\boldName\b", ctx.src)]

def timer(ctx):
    return [_finding(ctx, "test-timer", m, Severity.WARNING, None) for m in re.finditer(rb"\bslowTimer\b", ctx.src)]

codemods.RULES.extend([
    Rule("test-broken", "test-broken: always fails", broken, (b"package",)),
    Rule("test-unsafe", "test-unsafe: renames oldName", unsafe, (b"oldName",)),
    Rule("test-timer", "test-timer: a timer rule", timer, (b"slowTimer",), timer_rule=True),
])
codemods.RULE_IDS = frozenset(r.id for r in codemods.RULES)

from gofix.lsp_server import serve
serve()
'''


# --- a client that keeps every publishDiagnostics, with its version ---------------------------


def make_client() -> LanguageClient:
    client = LanguageClient(converter_factory=default_converter)
    features = {k: v for k, v in DEFAULT_CLIENT_FEATURES.items() if k != T.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS}
    register_lsp_features(client, features)
    client.published = []  # type: ignore[attr-defined]

    @client.feature(T.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_publish(ls: LanguageClient, params: T.PublishDiagnosticsParams) -> None:
        ls.diagnostics[params.uri] = params.diagnostics
        ls.published.append(params)  # type: ignore[attr-defined]

    return client


def capabilities(encodings: list[str] | None = None, resolve: bool = False,
                 document_changes: bool = True) -> T.ClientCapabilities:
    code_action = T.CodeActionClientCapabilities(
        code_action_literal_support=T.ClientCodeActionLiteralOptions(
            code_action_kind=T.ClientCodeActionKindOptions(value_set=[T.CodeActionKind.QuickFix, "source.fixAll"])),
        data_support=resolve or None,
        resolve_support=T.ClientCodeActionResolveOptions(properties=["edit"]) if resolve else None,
    )
    return T.ClientCapabilities(
        general=T.GeneralClientCapabilities(position_encodings=encodings) if encodings else None,
        workspace=T.WorkspaceClientCapabilities(
            workspace_edit=T.WorkspaceEditClientCapabilities(document_changes=document_changes),
            configuration=True,
        ),
        text_document=T.TextDocumentClientCapabilities(code_action=code_action),
    )


@contextlib.asynccontextmanager
async def session(workspace: Path, init: dict | None = None, server: list[str] = SERVER, **caps):
    """A started, initialised server; shut down (and checked to exit with status 0) after."""
    config = ClientServerConfig(server_command=server, client_factory=make_client)
    client = await config.start()
    try:
        result = await asyncio.wait_for(client.initialize_session(T.InitializeParams(
            capabilities=capabilities(**caps),
            root_uri=workspace.as_uri(),
            workspace_folders=[T.WorkspaceFolder(uri=workspace.as_uri(), name="ws")],
            initialization_options={**FAST, **(init or {})},
        )), TIMEOUT)
        client.init_result = result  # type: ignore[attr-defined]
        yield client
        await asyncio.wait_for(client.shutdown_session(), TIMEOUT)
        assert client._server is not None and client._server.returncode == 0, "server did not exit cleanly"
    finally:
        if client._server is not None and client._server.returncode is None:
            client._server.kill()  # a failed test: don't wait for a clean exit
        await client.stop()


def workspace(tmp_path: Path, go: str = "1.22") -> Path:
    (tmp_path / "go.mod").write_text(f"module example.com/p\n\ngo {go}\n")
    return tmp_path


def open_doc(client: LanguageClient, path: Path, text: str, version: int = 1) -> str:
    uri = path.as_uri()
    client.text_document_did_open(T.DidOpenTextDocumentParams(
        text_document=T.TextDocumentItem(uri=uri, language_id="go", version=version, text=text)))
    return uri


def replace_all(client: LanguageClient, uri: str, text: str, version: int) -> None:
    client.text_document_did_change(T.DidChangeTextDocumentParams(
        text_document=T.VersionedTextDocumentIdentifier(uri=uri, version=version),
        content_changes=[T.TextDocumentContentChangeWholeDocument(text=text)]))


async def diagnostics(client: LanguageClient, uri: str, version: int | None = None,
                      after: int = 0) -> list[T.Diagnostic]:
    """The first diagnostics published for uri (at version, if given) after the `after`-th publish."""
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        for p in client.published[after:]:  # type: ignore[attr-defined]
            if p.uri == uri and (version is None or p.version == version):
                return list(p.diagnostics)
        await asyncio.sleep(0.01)
    raise AssertionError(f"no diagnostics for {uri} version {version}")


async def actions(client: LanguageClient, uri: str, text: str, only: list[str] | None = None,
                  rng: T.Range | None = None) -> list[T.CodeAction]:
    lines = text.split("\n")
    rng = rng or T.Range(start=T.Position(line=0, character=0), end=T.Position(line=len(lines), character=0))
    result = await asyncio.wait_for(client.text_document_code_action_async(T.CodeActionParams(
        text_document=T.TextDocumentIdentifier(uri=uri), range=rng,
        context=T.CodeActionContext(diagnostics=[], only=only))), TIMEOUT)
    return [a for a in result or [] if isinstance(a, T.CodeAction)]


def apply(text: str, edit: T.WorkspaceEdit, uri: str, version: int | None, encoding: str = X.UTF16) -> str:
    """Apply a WorkspaceEdit as a client does, checking it targets this document version."""
    assert edit.document_changes, "edits must be versioned documentChanges"
    (change,) = edit.document_changes
    assert isinstance(change, T.TextDocumentEdit)
    assert change.text_document.uri == uri
    assert change.text_document.version == version, "edit computed for another version"
    edits = [X.TextEdit((e.range.start.line, e.range.start.character), (e.range.end.line, e.range.end.character),
                        e.new_text) for e in change.edits]
    return X.apply_text_edits(text, edits, encoding)


def want_lines(text: str) -> list[int]:
    return [i for i, line in enumerate(text.split("\n")) if "// want" in line]


BASIC = (GOLDEN / "basic.input.go").read_text()
BASIC_GOLDEN = (GOLDEN / "basic.golden.go").read_text()
ONLY_LOST_CANCEL = {"select": ["lost-cancel"]}


# --- servers shared by several tests (starting one takes about a second) --------------------------

aio = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def shared(tmp_path_factory):
    """A server with a plain client (UTF-16, eager code actions), reconfigured by each test."""
    async with session(tmp_path_factory.mktemp("shared")) as client:
        yield client


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def extra(tmp_path_factory):
    """A server whose rule catalog has the three extra test rules."""
    async with session(tmp_path_factory.mktemp("extra"), server=[sys.executable, "-c", EXTRA_RULES_SERVER]) as client:
        yield client


def configure(client: LanguageClient, settings: dict) -> None:
    client.workspace_did_change_configuration(T.DidChangeConfigurationParams(settings={"gofix": {**FAST, **settings}}))


def close(client: LanguageClient, uri: str) -> None:
    client.text_document_did_close(T.DidCloseTextDocumentParams(text_document=T.TextDocumentIdentifier(uri=uri)))


# --- diagnostics ---------------------------------------------------------------------------------


@aio
async def test_open_publishes_diagnostics_from_the_buffer(shared, tmp_path):
    ws = workspace(tmp_path)
    assert shared.init_result.capabilities.position_encoding == T.PositionEncodingKind.Utf16
    configure(shared, ONLY_LOST_CANCEL)
    uri = open_doc(shared, ws / "basic.go", BASIC)  # not on disk: only the buffer exists
    diags = await diagnostics(shared, uri, 1)
    close(shared, uri)
    assert [d.range.start.line for d in diags] == want_lines(BASIC)
    assert {d.code for d in diags} == {"lost-cancel"}
    assert {d.source for d in diags} == {"gofix"}
    assert all(d.code_description is None for d in diags)  # no documentation URL configured
    first = diags[0]
    line = BASIC.split("\n")[first.range.start.line]
    assert first.range.start.character == line.index("context.WithTimeout")
    assert first.range.end == T.Position(line=first.range.start.line, character=line.index(" // want"))
    assert first.severity == T.DiagnosticSeverity.Error
    assert "discarded" in first.message


@aio
async def test_change_events_update_and_close_clears(shared, tmp_path):
    ws = workspace(tmp_path)
    clean = BASIC.replace("ctx, _ := context.WithTimeout(parent, time.Second)", "ctx := parent")
    configure(shared, ONLY_LOST_CANCEL)
    uri = open_doc(shared, ws / "basic.go", BASIC)
    assert len(await diagnostics(shared, uri, 1)) == len(want_lines(BASIC))
    replace_all(shared, uri, clean, 2)
    assert len(await diagnostics(shared, uri, 2)) == len(want_lines(BASIC)) - 1
    # An incremental edit: turn `ctx := parent` back into a leaking call.
    line_no = next(i for i, line in enumerate(clean.split("\n")) if "ctx := parent" in line)
    col = clean.split("\n")[line_no].index("parent")
    shared.text_document_did_change(T.DidChangeTextDocumentParams(
        text_document=T.VersionedTextDocumentIdentifier(uri=uri, version=3),
        content_changes=[T.TextDocumentContentChangePartial(
            range=T.Range(start=T.Position(line=line_no, character=col - 4),
                          end=T.Position(line=line_no, character=col + len("parent"))),
            text=", _ := context.WithCancel(parent)")]))
    diags = await diagnostics(shared, uri, 3)
    assert line_no in [d.range.start.line for d in diags]
    assert len(diags) == len(want_lines(BASIC))
    before = len(shared.published)
    close(shared, uri)
    assert await diagnostics(shared, uri, after=before) == []


@aio
async def test_debounce_publishes_only_the_last_version(shared, tmp_path):
    ws = workspace(tmp_path)
    configure(shared, {**ONLY_LOST_CANCEL, "debounceMs": 300})
    uri = open_doc(shared, ws / "basic.go", BASIC)
    await diagnostics(shared, uri, 1)
    for v in range(2, 7):
        replace_all(shared, uri, BASIC + "\n" * v, v)
    await diagnostics(shared, uri, 6)
    versions = [p.version for p in shared.published if p.uri == uri]
    close(shared, uri)
    assert versions == [1, 6]


# --- quick fixes and fix-all -----------------------------------------------------------------


@aio
async def test_quickfixes_one_by_one_give_the_golden_output(shared, tmp_path):
    ws = workspace(tmp_path)
    configure(shared, ONLY_LOST_CANCEL)
    text, version = BASIC, 1
    uri = open_doc(shared, ws / "basic.go", text)
    await diagnostics(shared, uri, version)
    titles = []
    for _ in range(20):
        fixes = await actions(shared, uri, text, only=[T.CodeActionKind.QuickFix])
        if not fixes:
            break
        fix = fixes[0]
        assert fix.kind == T.CodeActionKind.QuickFix and fix.is_preferred
        assert fix.diagnostics and fix.diagnostics[0].code == "lost-cancel"
        titles.append(fix.title)
        text = apply(text, fix.edit, uri, version)
        version += 1
        replace_all(shared, uri, text, version)
        await diagnostics(shared, uri, version)
    close(shared, uri)
    assert text == BASIC_GOLDEN
    assert len(titles) == len(want_lines(BASIC))
    assert "Add defer cancel()" in titles


@aio
async def test_quickfix_is_offered_for_the_requested_range_only(shared, tmp_path):
    ws = workspace(tmp_path)
    configure(shared, ONLY_LOST_CANCEL)
    uri = open_doc(shared, ws / "basic.go", BASIC)
    diags = await diagnostics(shared, uri, 1)
    on_second = await actions(shared, uri, BASIC, rng=diags[1].range)
    on_package = await actions(shared, uri, BASIC, rng=T.Range(start=T.Position(line=0, character=0),
                                                                 end=T.Position(line=0, character=3)))
    close(shared, uri)
    assert [a.kind for a in on_second] == [T.CodeActionKind.QuickFix, "source.fixAll.gofix"]
    assert on_second[0].diagnostics[0].range == diags[1].range
    assert [a.kind for a in on_package] == ["source.fixAll.gofix"]


@functools.cache
def cli_fix(text: str, *flags: str) -> str:
    """What `gofix fix` makes of text, in a module like the tests' workspaces."""
    with tempfile.TemporaryDirectory() as d:
        ws = workspace(Path(d))
        path = ws / "cli.go"
        path.write_text(text)
        flags = flags or ("--no-verify",)
        proc = subprocess.run([sys.executable, "-m", "gofix", "fix", "--no-progress", *flags, str(path)],
                              cwd=ws, capture_output=True, text=True, timeout=60)
        assert proc.returncode in (0, 1), proc.stderr
        return path.read_text()


@aio
async def test_fix_all_equals_gofix_fix(shared, tmp_path):
    ws = workspace(tmp_path)
    configure(shared, {})
    uri = open_doc(shared, ws / "basic.go", BASIC)
    await diagnostics(shared, uri, 1)
    (action,) = await actions(shared, uri, BASIC, only=["source.fixAll"])
    close(shared, uri)
    assert action.kind == "source.fixAll.gofix"
    assert apply(BASIC, action.edit, uri, 1) == cli_fix(BASIC)
    assert cli_fix(BASIC, "--select", "lost-cancel", "--no-verify") == BASIC_GOLDEN


@aio
async def test_fix_all_verified_with_go_when_asked(shared, tmp_path, go_bin):
    ws = workspace(tmp_path)
    (ws / "basic.go").write_text(BASIC)  # verification builds the package around the buffer
    configure(shared, {"verifyFixes": True})
    uri = open_doc(shared, ws / "basic.go", BASIC)
    await diagnostics(shared, uri, 1)
    before = len(shared.log_messages)
    (action,) = await actions(shared, uri, BASIC, only=["source.fixAll"])
    close(shared, uri)
    assert apply(BASIC, action.edit, uri, 1) == cli_fix(BASIC, "--verify")
    notes = [m.message for m in shared.log_messages[before:]]
    assert any(re.search(r"verified with go build and go vet: [1-9]\d* proven, 0 dropped", m) for m in notes), notes


@aio
async def test_fix_all_resolved_on_demand_and_stale_gets_no_edit(tmp_path):
    ws = workspace(tmp_path)
    async with session(ws, resolve=True) as client:
        uri = open_doc(client, ws / "basic.go", BASIC)
        await diagnostics(client, uri, 1)
        (action,) = await actions(client, uri, BASIC, only=["source.fixAll.gofix"])
        assert action.edit is None  # computed on resolve only
        resolved = await asyncio.wait_for(client.code_action_resolve_async(action), TIMEOUT)
        assert apply(BASIC, resolved.edit, uri, 1) == cli_fix(BASIC)
        replace_all(client, uri, "\n" + BASIC, 2)
        stale = await asyncio.wait_for(client.code_action_resolve_async(action), TIMEOUT)
        assert stale.edit is None
        (fresh,) = await actions(client, uri, "\n" + BASIC, only=["source.fixAll.gofix"])
        resolved = await asyncio.wait_for(client.code_action_resolve_async(fresh), TIMEOUT)
        assert apply("\n" + BASIC, resolved.edit, uri, 2) == "\n" + cli_fix(BASIC)


@aio
async def test_clients_without_document_changes_get_plain_changes(tmp_path):
    ws = workspace(tmp_path)
    async with session(ws, ONLY_LOST_CANCEL, document_changes=False) as client:
        uri = open_doc(client, ws / "basic.go", BASIC)
        await diagnostics(client, uri, 1)
        (action,) = await actions(client, uri, BASIC, only=["source.fixAll"])
    assert action.edit.document_changes is None
    edits = [X.TextEdit((e.range.start.line, e.range.start.character), (e.range.end.line, e.range.end.character),
                        e.new_text) for e in action.edit.changes[uri]]
    assert X.apply_text_edits(BASIC, edits, X.UTF16) == BASIC_GOLDEN


# --- settings and configuration ---------------------------------------------------------------------


@aio
async def test_configuration_changes_take_effect(shared, tmp_path):
    ws = workspace(tmp_path)
    configure(shared, {})
    uri = open_doc(shared, ws / "basic.go", BASIC)
    assert await diagnostics(shared, uri, 1)
    before = len(shared.published)
    configure(shared, {"ignore": ["lost-cancel"], "ruleDocUrl": "https://example.com/r/{rule}"})
    assert await diagnostics(shared, uri, 1, after=before) == []
    before = len(shared.published)
    # Settings sent bare (not under "gofix") are understood too.
    shared.workspace_did_change_configuration(T.DidChangeConfigurationParams(
        settings={**FAST, "select": ["lost-cancel"], "ruleDocUrl": "https://example.com/r/{rule}"}))
    diags = await diagnostics(shared, uri, 1, after=before)
    close(shared, uri)
    assert len(diags) == len(want_lines(BASIC))
    assert diags[0].code_description.href == "https://example.com/r/lost-cancel"


@aio
async def test_settings_are_pulled_when_the_notification_carries_none(shared, tmp_path):
    ws = workspace(tmp_path)
    configure(shared, {})
    uri = open_doc(shared, ws / "basic.go", BASIC)
    assert await diagnostics(shared, uri, 1)
    before = len(shared.published)
    shared.set_configuration({**FAST, "ignore": ["lost-cancel"]}, section="gofix")
    shared.workspace_did_change_configuration(T.DidChangeConfigurationParams(settings=None))
    assert await diagnostics(shared, uri, 1, after=before) == []
    shared.set_configuration({}, section="gofix")
    close(shared, uri)


@aio
async def test_project_config_file_applies_and_settings_override_it(shared, tmp_path):
    ws = workspace(tmp_path)
    (ws / ".gofix.toml").write_text('select = ["lost-cancel"]\nignore = ["lost-cancel"]\n')
    configure(shared, {})
    uri = open_doc(shared, ws / "basic.go", BASIC)
    assert await diagnostics(shared, uri, 1) == []
    before = len(shared.published)
    configure(shared, {"ignore": ["defer-in-loop"]})  # as --ignore: replaces the file's list
    assert len(await diagnostics(shared, uri, 1, after=before)) == len(want_lines(BASIC))
    close(shared, uri)


@aio
async def test_save_rechecks_the_buffer(shared, tmp_path):
    ws = workspace(tmp_path)
    configure(shared, {})
    uri = open_doc(shared, ws / "basic.go", BASIC)
    assert await diagnostics(shared, uri, 1)
    (ws / ".gofix.toml").write_text('ignore = ["lost-cancel"]\n')  # e.g. edited in another window
    before = len(shared.published)
    shared.text_document_did_save(T.DidSaveTextDocumentParams(text_document=T.TextDocumentIdentifier(uri=uri)))
    assert await diagnostics(shared, uri, 1, after=before) == []
    close(shared, uri)


@aio
async def test_broken_config_file_is_reported_not_fatal(shared, tmp_path):
    ws = workspace(tmp_path)
    (ws / ".gofix.toml").write_text("select = [\n")
    configure(shared, ONLY_LOST_CANCEL)
    uri = open_doc(shared, ws / "basic.go", BASIC)
    assert await diagnostics(shared, uri, 1) == []
    assert any("not valid TOML" in m.message for m in shared.messages)
    (ws / ".gofix.toml").write_text('select = ["lost-cancel"]\n')
    replace_all(shared, uri, BASIC, 2)
    assert len(await diagnostics(shared, uri, 2)) == len(want_lines(BASIC))
    close(shared, uri)


@aio
async def test_unsafe_fixes_only_when_enabled(extra, tmp_path):
    ws = workspace(tmp_path)
    text = "package p\n\nfunc oldName() {}\n"
    configure(extra, {"select": ["test-unsafe"]})
    uri = open_doc(extra, ws / "x.go", text)
    (diag,) = await diagnostics(extra, uri, 1)
    assert diag.code == "test-unsafe" and diag.severity == T.DiagnosticSeverity.Warning
    assert await actions(extra, uri, text) == []
    before = len(extra.published)
    configure(extra, {"select": ["test-unsafe"], "unsafeFixes": True})
    await diagnostics(extra, uri, 1, after=before)
    found = await actions(extra, uri, text)
    close(extra, uri)
    assert [(a.kind, a.title, a.is_preferred) for a in found] == [
        (T.CodeActionKind.QuickFix, "Rename to newName (unsafe)", False), ("source.fixAll.gofix", found[1].title, None)]
    assert apply(text, found[0].edit, uri, 1) == text.replace("oldName", "newName")
    assert apply(text, found[1].edit, uri, 1) == text.replace("oldName", "newName")


@aio
async def test_go_version_of_the_documents_module_gates_timer_rules(extra, tmp_path):
    text = "package p\n\nvar slowTimer = 1\n"
    configure(extra, {"select": ["test-timer"]})
    severities = {}
    for go in ("1.22", "1.23"):
        (tmp_path / go).mkdir()
        ws = workspace(tmp_path / go, go=go)
        uri = open_doc(extra, ws / "x.go", text)
        (diag,) = await diagnostics(extra, uri, 1)
        close(extra, uri)
        severities[go] = diag.severity
    assert severities == {"1.22": T.DiagnosticSeverity.Warning,  # a real leak
                          "1.23": T.DiagnosticSeverity.Hint}  # timers are collected
    # go.mod edited while the document is open: a watched-files event re-reads it.
    ws = tmp_path / "1.22"
    uri = open_doc(extra, ws / "y.go", text)
    (diag,) = await diagnostics(extra, uri, 1)
    assert diag.severity == T.DiagnosticSeverity.Warning
    workspace(ws, go="1.23")
    before = len(extra.published)
    extra.workspace_did_change_watched_files(T.DidChangeWatchedFilesParams(changes=[
        T.FileEvent(uri=(ws / "go.mod").as_uri(), type=T.FileChangeType.Changed)]))
    (diag,) = await diagnostics(extra, uri, 1, after=before)
    close(extra, uri)
    assert diag.severity == T.DiagnosticSeverity.Hint


# --- robustness ------------------------------------------------------------------------------------


@aio
async def test_broken_input_is_survived(shared, tmp_path):
    ws = workspace(tmp_path)
    broken = BASIC.replace("func short(parent context.Context) error {", "func short(parent context.Context) error {{ (")
    configure(shared, ONLY_LOST_CANCEL)
    uri = open_doc(shared, ws / "basic.go", broken)
    assert await diagnostics(shared, uri, 1) == []  # gopls reports syntax errors, not us
    assert await actions(shared, uri, broken) == []
    for v, text in enumerate(["", "\x00\ufffd", "package", BASIC[:200], "\ud800"], start=2):
        replace_all(shared, uri, text, v)
        assert await diagnostics(shared, uri, v) == []
    replace_all(shared, uri, BASIC, 10)
    assert len(await diagnostics(shared, uri, 10)) == len(want_lines(BASIC))
    close(shared, uri)


@aio
async def test_rule_error_is_logged_and_other_rules_report(extra, tmp_path):
    ws = workspace(tmp_path)
    configure(extra, {"select": ["lost-cancel", "test-broken"]})
    uri = open_doc(extra, ws / "basic.go", BASIC)
    diags = await diagnostics(extra, uri, 1)
    close(extra, uri)
    assert {d.code for d in diags} == {"lost-cancel"}
    assert len(diags) == len(want_lines(BASIC))
    errors = [m for m in extra.log_messages if m.type == T.MessageType.Error]
    assert any("internal error in rule test-broken" in m.message and "boom" in m.message for m in errors)


@aio
async def test_requests_for_unknown_documents_are_empty(shared, tmp_path):
    uri = (tmp_path / "nope.go").as_uri()
    assert await actions(shared, uri, "") == []
    close(shared, uri)
    shared.text_document_did_change(T.DidChangeTextDocumentParams(
        text_document=T.VersionedTextDocumentIdentifier(uri=uri, version=2),
        content_changes=[T.TextDocumentContentChangeWholeDocument(text="x")]))
    assert await actions(shared, uri, "") == []


# --- position encodings -------------------------------------------------------------------------------

WIDE = BASIC.replace(
    "\tctx, _ := context.WithTimeout(parent, time.Second) // want \"cancel function returned by context.WithTimeout is discarded\"\n"
    "\treturn call(ctx)",
    "\tctxé, _ := context.WithTimeout(parent, time.Second*time.Duration(len(\"😀\"))) // want \"discarded\"\n"
    "\treturn call(ctxé)")


async def _check_wide(client: LanguageClient, ws: Path, encoding: str) -> None:
    assert WIDE != BASIC
    line_no = next(i for i, line in enumerate(WIDE.split("\n")) if "ctxé, _" in line)
    line = WIDE.split("\n")[line_no]
    start, end = line.index("context."), line.index(" // want")
    uri = open_doc(client, ws / "wide.go", WIDE)
    diag = next(d for d in await diagnostics(client, uri, 1) if d.range.start.line == line_no)
    # é is 1 UTF-16 unit and 2 UTF-8 bytes; 😀 is 2 UTF-16 units (a surrogate pair) and 4 bytes.
    if encoding == X.UTF16:
        assert (diag.range.start.character, diag.range.end.character) == (start, end + 1)
    else:
        assert (diag.range.start.character, diag.range.end.character) == (start + 1, end + 4)
    # An incremental edit after the non-ASCII characters, in the client's units.
    at = T.Position(line=line_no, character=diag.range.start.character)
    client.text_document_did_change(T.DidChangeTextDocumentParams(
        text_document=T.VersionedTextDocumentIdentifier(uri=uri, version=2),
        content_changes=[T.TextDocumentContentChangePartial(range=T.Range(start=at, end=at), text="  ")]))
    lines = WIDE.split("\n")
    lines[line_no] = line[:start] + "  " + line[start:]
    text = "\n".join(lines)
    moved = next(d for d in await diagnostics(client, uri, 2) if d.range.start.line == line_no)
    assert moved.range.start.character == diag.range.start.character + 2
    fixes = await actions(client, uri, text, only=[T.CodeActionKind.QuickFix], rng=moved.range)
    fixed = apply(text, fixes[0].edit, uri, 2, encoding)
    close(client, uri)
    assert '\tctxé, cancel :=   context.WithTimeout(parent, time.Second*time.Duration(len("😀"))) // want' in fixed
    assert fixed.count("\tdefer cancel()\n") == 1


@aio
async def test_non_ascii_line_gets_utf16_columns(shared, tmp_path):
    configure(shared, ONLY_LOST_CANCEL)
    await _check_wide(shared, workspace(tmp_path), X.UTF16)


@aio
@pytest.mark.parametrize("encodings, expected", [
    (["utf-32", "utf-16"], T.PositionEncodingKind.Utf16),  # UTF-16 unless the client offers UTF-8
    (["utf-16", "utf-8"], T.PositionEncodingKind.Utf8),
])
async def test_utf8_positions_when_the_client_offers_them(tmp_path, encodings, expected):
    ws = workspace(tmp_path)
    async with session(ws, ONLY_LOST_CANCEL, encodings=encodings) as client:
        assert client.init_result.capabilities.position_encoding == expected
        await _check_wide(client, ws, X.UTF8 if expected == T.PositionEncodingKind.Utf8 else X.UTF16)


# --- start-up and the command -------------------------------------------------------------------------


def test_cli_start_up_does_not_import_pygls():
    code = "import sys, gofix.cli; assert 'pygls' not in sys.modules and 'lsprotocol' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


@aio
async def test_gofix_lsp_command_and_initialization_options(tmp_path):
    ws = workspace(tmp_path)
    command = [sys.executable, "-m", "gofix", "lsp", "--stdio"]
    async with session(ws, {"ignore": ["lost-cancel"]}, server=command) as client:
        assert client.init_result.server_info.name == "gofix"
        uri = open_doc(client, ws / "basic.go", BASIC)
        assert await diagnostics(client, uri, 1) == []
        before = len(client.published)
        configure(client, ONLY_LOST_CANCEL)
        assert len(await diagnostics(client, uri, 1, after=before)) == len(want_lines(BASIC))


@aio
async def test_lsp_time_budget_flag_says_too_complex_and_outlives_settings(tmp_path):
    """`gofix lsp --time-budget`: a buffer over the budget gets no diagnostics and one warning
    naming it; the client's settings (sent later) do not reset the command line's budget."""
    ws = workspace(tmp_path)
    command = [sys.executable, "-m", "gofix", "lsp", "--time-budget", "0.000001"]
    async with session(ws, ONLY_LOST_CANCEL, server=command) as client:
        uri = open_doc(client, ws / "basic.go", BASIC)
        assert await diagnostics(client, uri, 1) == []
        before = len(client.published)
        configure(client, {"select": ["lost-cancel"], "debounceMs": 20})
        assert await diagnostics(client, uri, 1, after=before) == []
        warned = [m for m in client.messages if "too complex" in m.message]
        assert [m.message for m in warned] == [f"gofix: {ws / 'basic.go'}: too complex: skipped after 1e-06 s "
                                               "(the time budget per file, in CPU seconds)"]
        assert warned[0].type == T.MessageType.Warning


def test_tcp_option_is_validated():
    proc = subprocess.run([sys.executable, "-m", "gofix", "lsp", "--tcp", "nope"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "HOST:PORT" in proc.stderr


# --- incremental analysis --------------------------------------------------------------------------

# A server with one more rule that records, for each analysis, the functions whose
# candidates the rules were given (ctx.entry_nodes: what every rule's search starts from).
COUNTING_SERVER = r'''
import sys
import codemods
from gofix.rules import Rule

LOG = sys.argv[1]

def record(ctx):
    names = [ctx.text(n.child_by_field_name("name")) for n in ctx.entry_nodes("function_declaration")]
    with open(LOG, "a") as f:
        f.write(" ".join(names) + "\n")
    return []

codemods.RULES.append(Rule("test-record", "test-record: records where the rules look", record, (b"package",)))
codemods.RULE_IDS = frozenset(r.id for r in codemods.RULES)

from gofix.lsp_server import serve
serve()
'''

THREE = """package p

import (
\t"context"
\t"time"
)

func one(parent context.Context) context.Context {
\tctx, _ := context.WithTimeout(parent, time.Second)
\treturn ctx
}

func two(parent context.Context) error {
\treturn parent.Err()
}

func three(parent context.Context) context.Context {
\tctx, _ := context.WithTimeout(parent, time.Second)
\treturn ctx
}
"""


@aio
async def test_an_edit_in_one_function_reanalyses_only_that_function(tmp_path):
    """After an edit inside `two`, the rules are run on `two` alone (counted by a rule that
    records the functions it is given), and the findings of `one` and `three` are reused,
    `three`'s moved down by the inserted line."""
    (tmp_path / "ws").mkdir()
    ws = workspace(tmp_path / "ws")
    log = tmp_path / "calls.txt"
    async with session(ws, {"select": ["lost-cancel", "test-record"]},
                       server=[sys.executable, "-c", COUNTING_SERVER, str(log)]) as client:
        uri = open_doc(client, ws / "three.go", THREE)
        first = await diagnostics(client, uri, 1)
        assert [d.range.start.line for d in first] == [8, 17]
        assert log.read_text().splitlines()[-1] == "one two three"  # the first analysis: everything
        line = THREE.split("\n").index("\treturn parent.Err()")
        leak = "\t_, _ = context.WithTimeout(parent, time.Second)\n"
        client.text_document_did_change(T.DidChangeTextDocumentParams(
            text_document=T.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[T.TextDocumentContentChangePartial(
                range=T.Range(start=T.Position(line=line, character=0), end=T.Position(line=line, character=0)),
                text=leak)]))
        second = await diagnostics(client, uri, 2)
        assert [d.range.start.line for d in second] == [8, line, 18]
        assert log.read_text().splitlines()[-1] == "two"  # one and three were not analysed again
        # the same as a fresh server finds in the edited text
        edited = X.apply_change(THREE, (line, 0), (line, 0), leak, X.UTF16)
        uri2 = open_doc(client, ws / "fresh.go", edited)
        fresh = await diagnostics(client, uri2, 1)
        assert [(d.range, d.message) for d in fresh] == [(d.range, d.message) for d in second]


FIVE = """package p

import (
\t"context"
\t"time"
)

func one(parent context.Context) error {
\tctx, _ := context.WithTimeout(parent, time.Second)
\treturn ctx.Err()
}

func two(parent context.Context) error {
\treturn parent.Err()
}

func four(parent context.Context) error {
\treturn nil
}

func five(parent context.Context) error {
\treturn nil
}

func three(parent context.Context) error {
\tctx, _ := context.WithTimeout(parent, time.Second)
\treturn ctx.Err()
}
"""


@aio
@pytest.mark.parametrize("resolve", [False, True], ids=["eager", "resolved"])
async def test_code_actions_reanalyse_only_the_edited_and_the_fixed_declarations(tmp_path, resolve):
    """Code actions asked right after an edit inside `four`: the quick fix for `one`'s finding
    costs the analysis of `four` alone (the edited declaration), and fix-all adds only `one`
    and `three` (re-analysed after their fixes, in the fixed-point loop's second pass): its
    first pass reuses the findings of every declaration. Each edit equals what `gofix fix` makes."""
    (tmp_path / "ws").mkdir()
    ws = workspace(tmp_path / "ws")
    log = tmp_path / "calls.txt"
    async with session(ws, {"select": ["lost-cancel", "test-record"], "debounceMs": 5000}, resolve=resolve,
                       server=[sys.executable, "-c", COUNTING_SERVER, str(log)]) as client:
        uri = open_doc(client, ws / "five.go", FIVE)
        first = await diagnostics(client, uri, 1)
        assert [d.range.start.line for d in first] == [8, 25]
        assert log.read_text().splitlines() == ["one two four five three"]
        line = FIVE.split("\n").index("func four(parent context.Context) error {") + 1
        client.text_document_did_change(T.DidChangeTextDocumentParams(
            text_document=T.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[T.TextDocumentContentChangePartial(
                range=T.Range(start=T.Position(line=line, character=0), end=T.Position(line=line, character=0)),
                text="\t_ = parent\n")]))
        text = X.apply_change(FIVE, (line, 0), (line, 0), "\t_ = parent\n", X.UTF16)
        # the debounce is long: the code action, not the diagnostics, analyses version 2
        (quick,) = await actions(client, uri, text, only=[T.CodeActionKind.QuickFix], rng=first[0].range)
        assert log.read_text().splitlines()[1:] == ["four"]
        fixed_one = apply(text, quick.edit, uri, 2)
        assert "\tctx, cancel := context.WithTimeout(parent, time.Second)\n\tdefer cancel()\n" in fixed_one
        (fix_all,) = await actions(client, uri, text, only=["source.fixAll"])
        if resolve:
            assert fix_all.edit is None
            fix_all = await asyncio.wait_for(client.code_action_resolve_async(fix_all), TIMEOUT)
        assert log.read_text().splitlines()[1:] == ["four", "one three"]
        assert apply(text, fix_all.edit, uri, 2) == cli_fix(text)


# --- pure helpers -------------------------------------------------------------------------------------


@pytest.mark.parametrize("text, pos, encoding, offset", [
    ("ab\ncd", (1, 1), X.UTF16, 4),
    ("ab\r\ncd", (1, 1), X.UTF16, 5),
    ("ab\rcd", (1, 0), X.UTF16, 3),
    ("a😀b\n", (0, 3), X.UTF16, 2),
    ("a😀b\n", (0, 5), X.UTF8, 2),
    ("a😀b\n", (0, 2), X.UTF32, 2),
    ("ab\n", (0, 99), X.UTF16, 2),  # past the end of the line: clamped before the line break
    ("ab\n", (7, 0), X.UTF16, 3),
    ("a\u2028b\nc", (1, 0), X.UTF16, 4),  # U+2028 is not an LSP line break
])
def test_offset_at(text, pos, encoding, offset):
    assert X.offset_at(text, pos, encoding) == offset


def test_byte_index_positions():
    src = "x := \"é😀\" + y\r\nz\n".encode()
    idx16, idx8 = X.ByteIndex(src, X.UTF16), X.ByteIndex(src, X.UTF8)
    y = src.index(b"y")
    assert idx16.position(y) == (0, 13)
    assert idx8.position(y) == (0, y)
    assert idx16.position(src.index(b"z")) == (1, 0)
    assert idx16.position(len(src)) == (2, 0)


lines_st = st.lists(st.sampled_from(["a", "é", "😀", "\t", "x := 1", "", "}"]), max_size=4).map("".join)
text_st = st.lists(lines_st, max_size=8).map(lambda ls: "\n".join(ls))


@hsettings(max_examples=200, deadline=None)
@given(before=text_st, after=text_st, encoding=st.sampled_from([X.UTF8, X.UTF16, X.UTF32]))
def test_diff_edits_turn_before_into_after(before, after, encoding):
    edits = X.diff_edits(before.encode(), after.encode(), encoding)
    assert X.apply_text_edits(before, edits, encoding) == after
    if before == after:
        assert edits == []


@hsettings(max_examples=200, deadline=None)
@given(text=text_st, data=st.data(), encoding=st.sampled_from([X.UTF8, X.UTF16]))
def test_byte_edits_match_engine_byte_offsets(text, data, encoding):
    src = text.encode()
    boundaries = sorted({0, len(src)} | {len(text[:i].encode()) for i in range(len(text) + 1)})
    a = data.draw(st.sampled_from(boundaries))
    b = data.draw(st.sampled_from([x for x in boundaries if x >= a]))

    class E:
        start, end, text = a, b, "Ω".encode()

        def __lt__(self, other):
            return False

    (edit,) = X.byte_edits(src, [E()], encoding)
    assert X.apply_text_edits(text, [edit], encoding).encode() == src[:a] + "Ω".encode() + src[b:]


def test_parse_settings():
    ids = frozenset({"lost-cancel", "time-after-in-loop"})
    s, warnings = parse_settings({"gofix": {
        "select": ["lost-cancel", "nope"], "unsafeFixes": True, "goVersion": "1.21",
        "ruleOptions": {"time-after-in-loop": {"style": "context", "strict": True}},
        "debounceMs": 50, "bogus": 1}}, ids)
    assert s == Settings(select=("lost-cancel",), unsafe_fixes=True, go_version="1.21",
                         options=("time-after-in-loop.style=context", "time-after-in-loop.strict=true"),
                         debounce=0.05)
    assert any("nope" in w for w in warnings) and any("bogus" in w for w in warnings)
    assert parse_settings({"go": {"x": 1}}, ids) == (None, [])
    assert parse_settings(None, ids) == (None, [])
    s, warnings = parse_settings({"goVersion": "one", "debounceMs": -1}, ids)
    assert s == Settings() and len(warnings) == 2


def test_a_change_finds_the_line_starts_of_its_text_once_and_a_new_text_gets_its_own(monkeypatch):
    """apply_change and tree_edit each map two positions of the same text: its line starts
    are worked out once (on a 2,000-line buffer that was a tenth of an edit's time), and
    the next text, even of the same length, is not answered from the last one's."""
    calls = []
    real = X._EOL_STR
    monkeypatch.setattr(X, "_EOL_STR", type("P", (), {"finditer": lambda self, t: calls.append(1) or real.finditer(t)})())
    text = "package p\n\nfunc f() {\n\tg()\n}\n"
    after = X.apply_change(text, (3, 1), (3, 4), "h()", X.UTF16)
    X.tree_edit(text, (3, 1), (3, 4), "h()", X.UTF16)
    assert after == "package p\n\nfunc f() {\n\th()\n}\n" and len(calls) == 1
    assert X.apply_change(after, (1, 0), (2, 0), "", X.UTF16) == "package p\nfunc f() {\n\th()\n}\n"
    assert len(calls) == 2
