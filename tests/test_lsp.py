"""The language server (`gofix lsp`), driven over stdio by pytest-lsp as a real LSP client.

Each session starts `python -m gofix lsp` in a temporary workspace holding a go.mod; the
Go files exist only as editor buffers (nothing is written to disk), so every diagnostic
proves the server reads the buffer. Pure helpers (positions, content changes, edits,
settings) are tested directly at the end.
"""

from __future__ import annotations

import asyncio
import contextlib
import subprocess
import sys
import time
from pathlib import Path

import pytest
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


# --- diagnostics ---------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_open_publishes_diagnostics_from_the_buffer(tmp_path):
    ws = workspace(tmp_path)
    async with session(ws, ONLY_LOST_CANCEL) as client:
        assert client.init_result.capabilities.position_encoding == T.PositionEncodingKind.Utf16
        uri = open_doc(client, ws / "basic.go", BASIC)  # not on disk: only the buffer exists
        diags = await diagnostics(client, uri, 1)
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


@pytest.mark.asyncio
async def test_change_events_update_and_close_clears(tmp_path):
    ws = workspace(tmp_path)
    clean = BASIC.replace("ctx, _ := context.WithTimeout(parent, time.Second)",
                          "ctx := parent")
    async with session(ws, ONLY_LOST_CANCEL) as client:
        uri = open_doc(client, ws / "basic.go", BASIC)
        assert len(await diagnostics(client, uri, 1)) == len(want_lines(BASIC))
        replace_all(client, uri, clean, 2)
        assert len(await diagnostics(client, uri, 2)) == len(want_lines(BASIC)) - 1
        # An incremental edit: turn `ctx := parent` back into the leaking call.
        line_no = next(i for i, line in enumerate(clean.split("\n")) if "ctx := parent" in line)
        col = clean.split("\n")[line_no].index("parent")
        client.text_document_did_change(T.DidChangeTextDocumentParams(
            text_document=T.VersionedTextDocumentIdentifier(uri=uri, version=3),
            content_changes=[T.TextDocumentContentChangePartial(
                range=T.Range(start=T.Position(line=line_no, character=col - 4),
                              end=T.Position(line=line_no, character=col + len("parent"))),
                text=", _ := context.WithCancel(parent)")]))
        diags = await diagnostics(client, uri, 3)
        assert line_no in [d.range.start.line for d in diags]
        assert len(diags) == len(want_lines(BASIC))
        before = len(client.published)
        client.text_document_did_close(T.DidCloseTextDocumentParams(text_document=T.TextDocumentIdentifier(uri=uri)))
        assert await diagnostics(client, uri, after=before) == []


@pytest.mark.asyncio
async def test_debounce_publishes_only_the_last_version(tmp_path):
    ws = workspace(tmp_path)
    async with session(ws, {**ONLY_LOST_CANCEL, "debounceMs": 300}) as client:
        uri = open_doc(client, ws / "basic.go", BASIC)
        await diagnostics(client, uri, 1)
        for v in range(2, 7):
            replace_all(client, uri, BASIC + "\n" * v, v)
        await diagnostics(client, uri, 6)
        versions = [p.version for p in client.published if p.uri == uri]
    assert versions == [1, 6]


# --- quick fixes and fix-all -----------------------------------------------------------------


@pytest.mark.asyncio
async def test_quickfixes_one_by_one_give_the_golden_output(tmp_path):
    ws = workspace(tmp_path)
    async with session(ws, ONLY_LOST_CANCEL) as client:
        text, version = BASIC, 1
        uri = open_doc(client, ws / "basic.go", text)
        await diagnostics(client, uri, version)
        titles = []
        for _ in range(20):
            fixes = await actions(client, uri, text, only=[T.CodeActionKind.QuickFix])
            if not fixes:
                break
            fix = fixes[0]
            assert fix.kind == T.CodeActionKind.QuickFix and fix.is_preferred
            assert fix.diagnostics and fix.diagnostics[0].code == "lost-cancel"
            titles.append(fix.title)
            text = apply(text, fix.edit, uri, version)
            version += 1
            replace_all(client, uri, text, version)
            await diagnostics(client, uri, version)
    assert text == BASIC_GOLDEN
    assert len(titles) == len(want_lines(BASIC))
    assert "Add defer cancel()" in titles


@pytest.mark.asyncio
async def test_quickfix_is_offered_for_the_requested_range_only(tmp_path):
    ws = workspace(tmp_path)
    async with session(ws, ONLY_LOST_CANCEL) as client:
        uri = open_doc(client, ws / "basic.go", BASIC)
        diags = await diagnostics(client, uri, 1)
        on_second = await actions(client, uri, BASIC, rng=diags[1].range)
        on_package = await actions(client, uri, BASIC, rng=T.Range(start=T.Position(line=0, character=0),
                                                                     end=T.Position(line=0, character=3)))
    assert [a.kind for a in on_second] == [T.CodeActionKind.QuickFix, "source.fixAll.gofix"]
    assert on_second[0].diagnostics[0].range == diags[1].range
    assert [a.kind for a in on_package] == ["source.fixAll.gofix"]


def _cli_fix(ws: Path, text: str, *flags: str) -> str:
    path = ws / "cli.go"
    path.write_text(text)
    proc = subprocess.run([sys.executable, "-m", "gofix", "fix", "--no-progress", *flags, str(path)],
                          cwd=ws, capture_output=True, text=True, timeout=60)
    assert proc.returncode in (0, 1), proc.stderr
    out = path.read_text()
    path.unlink()
    return out


@pytest.mark.asyncio
@pytest.mark.parametrize("resolve", [False, True], ids=["eager", "resolved"])
async def test_fix_all_equals_gofix_fix(tmp_path, resolve):
    ws = workspace(tmp_path)
    text = BASIC
    async with session(ws, resolve=resolve) as client:
        uri = open_doc(client, ws / "basic.go", text)
        await diagnostics(client, uri, 1)
        (action,) = await actions(client, uri, text, only=["source.fixAll"])
        assert action.kind == "source.fixAll.gofix"
        if resolve:
            assert action.edit is None  # computed on resolve only
            action = await asyncio.wait_for(client.code_action_resolve_async(action), TIMEOUT)
        fixed = apply(text, action.edit, uri, 1)
    assert fixed == _cli_fix(ws, text)
    assert _cli_fix(ws, text, "--select", "lost-cancel") == BASIC_GOLDEN


@pytest.mark.asyncio
async def test_stale_fix_all_gets_no_edit(tmp_path):
    ws = workspace(tmp_path)
    async with session(ws, ONLY_LOST_CANCEL, resolve=True) as client:
        uri = open_doc(client, ws / "basic.go", BASIC)
        await diagnostics(client, uri, 1)
        (action,) = await actions(client, uri, BASIC, only=["source.fixAll.gofix"])
        replace_all(client, uri, "\n" + BASIC, 2)
        resolved = await asyncio.wait_for(client.code_action_resolve_async(action), TIMEOUT)
        assert resolved.edit is None
        (fresh,) = await actions(client, uri, "\n" + BASIC, only=["source.fixAll.gofix"])
        resolved = await asyncio.wait_for(client.code_action_resolve_async(fresh), TIMEOUT)
        assert apply("\n" + BASIC, resolved.edit, uri, 2) == "\n" + BASIC_GOLDEN


@pytest.mark.asyncio
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


@pytest.mark.asyncio
async def test_configuration_changes_take_effect(tmp_path):
    ws = workspace(tmp_path)
    async with session(ws) as client:
        uri = open_doc(client, ws / "basic.go", BASIC)
        assert await diagnostics(client, uri, 1)
        before = len(client.published)
        client.workspace_did_change_configuration(T.DidChangeConfigurationParams(
            settings={"gofix": {"ignore": ["lost-cancel"], "ruleDocUrl": "https://example.com/r/{rule}"}}))
        assert await diagnostics(client, uri, 1, after=before) == []
        before = len(client.published)
        client.workspace_did_change_configuration(T.DidChangeConfigurationParams(
            settings={"gofix": {"select": ["lost-cancel"], "ruleDocUrl": "https://example.com/r/{rule}"}}))
        diags = await diagnostics(client, uri, 1, after=before)
    assert len(diags) == len(want_lines(BASIC))
    assert diags[0].code_description.href == "https://example.com/r/lost-cancel"


@pytest.mark.asyncio
async def test_project_config_file_applies_and_settings_override_it(tmp_path):
    ws = workspace(tmp_path)
    (ws / ".gofix.toml").write_text('select = ["lost-cancel"]\nignore = ["lost-cancel"]\n')
    async with session(ws) as client:
        uri = open_doc(client, ws / "basic.go", BASIC)
        assert await diagnostics(client, uri, 1) == []
    async with session(ws, {"ignore": ["defer-in-loop"]}) as client:  # as --ignore: replaces the file's list
        uri = open_doc(client, ws / "basic.go", BASIC)
        assert len(await diagnostics(client, uri, 1)) == len(want_lines(BASIC))


@pytest.mark.asyncio
async def test_broken_config_file_is_reported_not_fatal(tmp_path):
    ws = workspace(tmp_path)
    (ws / ".gofix.toml").write_text("select = [\n")
    async with session(ws, ONLY_LOST_CANCEL) as client:
        uri = open_doc(client, ws / "basic.go", BASIC)
        assert await diagnostics(client, uri, 1) == []
        assert any("not valid TOML" in m.message for m in client.messages)
        (ws / ".gofix.toml").write_text('select = ["lost-cancel"]\n')
        replace_all(client, uri, BASIC, 2)
        assert len(await diagnostics(client, uri, 2)) == len(want_lines(BASIC))


@pytest.mark.asyncio
async def test_unsafe_fixes_only_when_enabled_and_go_version_gating(tmp_path):
    ws = workspace(tmp_path, go="1.23")
    text = "package p\n\nfunc oldName() {}\n\nvar slowTimer = 1\n"
    server = [sys.executable, "-c", EXTRA_RULES_SERVER]
    async with session(ws, {"select": ["test-unsafe", "test-timer"]}, server=server) as client:
        uri = open_doc(client, ws / "x.go", text)
        diags = {d.code: d for d in await diagnostics(client, uri, 1)}
        assert diags["test-unsafe"].severity == T.DiagnosticSeverity.Warning
        assert diags["test-timer"].severity == T.DiagnosticSeverity.Hint  # go 1.23: timers are collected
        assert await actions(client, uri, text) == []
        before = len(client.published)
        client.workspace_did_change_configuration(T.DidChangeConfigurationParams(
            settings={"select": ["test-unsafe", "test-timer"], "unsafeFixes": True}))
        await diagnostics(client, uri, 1, after=before)
        found = await actions(client, uri, text)
    assert [(a.kind, a.title, a.is_preferred) for a in found] == [
        (T.CodeActionKind.QuickFix, "Rename to newName (unsafe)", False), ("source.fixAll.gofix", found[1].title, None)]
    assert apply(text, found[0].edit, uri, 1) == text.replace("oldName", "newName")
    assert apply(text, found[1].edit, uri, 1) == text.replace("oldName", "newName")
    ws.joinpath("go.mod").write_text("module example.com/p\n\ngo 1.22\n")
    async with session(ws, {"select": ["test-timer"]}, server=server) as client:
        uri = open_doc(client, ws / "x.go", text)
        (diag,) = await diagnostics(client, uri, 1)
    assert diag.severity == T.DiagnosticSeverity.Warning  # go 1.22: a real leak


# --- robustness ------------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_broken_input_is_survived(tmp_path):
    ws = workspace(tmp_path)
    broken = BASIC.replace("func short(parent context.Context) error {", "func short(parent context.Context) error {{ (")
    async with session(ws, ONLY_LOST_CANCEL) as client:
        uri = open_doc(client, ws / "basic.go", broken)
        assert await diagnostics(client, uri, 1) == []  # gopls reports syntax errors, not us
        assert await actions(client, uri, broken) == []
        for v, text in enumerate(["", "\x00\ufffd", "package", BASIC[:200], "\ud800"], start=2):
            replace_all(client, uri, text, v)
            assert await diagnostics(client, uri, v) == []
        replace_all(client, uri, BASIC, 10)
        assert len(await diagnostics(client, uri, 10)) == len(want_lines(BASIC))


@pytest.mark.asyncio
async def test_rule_error_is_logged_and_other_rules_report(tmp_path):
    ws = workspace(tmp_path)
    server = [sys.executable, "-c", EXTRA_RULES_SERVER]
    async with session(ws, {"select": ["lost-cancel", "test-broken"]}, server=server) as client:
        uri = open_doc(client, ws / "basic.go", BASIC)
        diags = await diagnostics(client, uri, 1)
        assert {d.code for d in diags} == {"lost-cancel"}
        assert len(diags) == len(want_lines(BASIC))
        errors = [m for m in client.log_messages if m.type == T.MessageType.Error]
    assert any("internal error in rule test-broken" in m.message and "boom" in m.message for m in errors)


@pytest.mark.asyncio
async def test_requests_for_unknown_documents_are_empty(tmp_path):
    ws = workspace(tmp_path)
    async with session(ws) as client:
        assert await actions(client, (ws / "nope.go").as_uri(), "") == []
        client.text_document_did_close(T.DidCloseTextDocumentParams(
            text_document=T.TextDocumentIdentifier(uri=(ws / "nope.go").as_uri())))
        client.text_document_did_change(T.DidChangeTextDocumentParams(
            text_document=T.VersionedTextDocumentIdentifier(uri=(ws / "nope.go").as_uri(), version=2),
            content_changes=[T.TextDocumentContentChangeWholeDocument(text="x")]))
        assert await actions(client, (ws / "nope.go").as_uri(), "") == []


# --- position encodings -------------------------------------------------------------------------------

WIDE = BASIC.replace(
    "\tctx, _ := context.WithTimeout(parent, time.Second) // want \"cancel function returned by context.WithTimeout is discarded\"\n"
    "\treturn call(ctx)",
    "\tctxé, _ := context.WithTimeout(parent, time.Second*time.Duration(len(\"😀\"))) // want \"discarded\"\n"
    "\treturn call(ctxé)")


@pytest.mark.asyncio
@pytest.mark.parametrize("encodings, expected", [
    (None, T.PositionEncodingKind.Utf16),
    (["utf-32", "utf-16"], T.PositionEncodingKind.Utf16),
    (["utf-16", "utf-8"], T.PositionEncodingKind.Utf8),
])
async def test_non_ascii_columns_follow_the_negotiated_encoding(tmp_path, encodings, expected):
    assert WIDE != BASIC
    ws = workspace(tmp_path)
    encoding = X.UTF8 if expected == T.PositionEncodingKind.Utf8 else X.UTF16
    line_no = next(i for i, line in enumerate(WIDE.split("\n")) if "ctxé, _" in line)
    line = WIDE.split("\n")[line_no]
    start, end = line.index("context."), line.index(" // want")
    async with session(ws, ONLY_LOST_CANCEL, encodings=encodings) as client:
        assert client.init_result.capabilities.position_encoding == expected
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
    assert '\tctxé, cancel :=   context.WithTimeout(parent, time.Second*time.Duration(len("😀"))) // want' in fixed
    assert fixed.count("\tdefer cancel()\n") == 1


# --- start-up and the command -------------------------------------------------------------------------


def test_cli_start_up_does_not_import_pygls():
    code = "import sys, gofix.cli; assert 'pygls' not in sys.modules and 'lsprotocol' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


@pytest.mark.asyncio
async def test_gofix_lsp_command(tmp_path):
    ws = workspace(tmp_path)
    async with session(ws, ONLY_LOST_CANCEL, server=[sys.executable, "-m", "gofix", "lsp", "--stdio"]) as client:
        assert client.init_result.server_info.name == "gofix"
        uri = open_doc(client, ws / "basic.go", BASIC)
        assert len(await diagnostics(client, uri, 1)) == len(want_lines(BASIC))


def test_tcp_option_is_validated():
    proc = subprocess.run([sys.executable, "-m", "gofix", "lsp", "--tcp", "nope"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "HOST:PORT" in proc.stderr


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
