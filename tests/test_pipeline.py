"""Issue 13's acceptance tests: one pipeline under every face.

- `gofix fix` exit codes: 1 while it changed files or left findings, 0 only when clean.
- A monorepo of two modules with different configs: every way of naming the paths (and the
  language server) gives each file the same findings, from its own nearest config.
- Language server fix-all on CRLF and BOM buffers equals `gofix fix` byte for byte.
- The faces (CLI, language server, bot, triage) import the engine and the pipeline, never
  each other.
"""

from __future__ import annotations

import ast
import asyncio
import contextlib
import re
import subprocess
import sys
from pathlib import Path

import pytest
from lsprotocol import types as T
from pygls.protocol import default_converter
from pytest_lsp import ClientServerConfig, LanguageClient
from typer.testing import CliRunner

from gofix import engine, lsp_text as X
from gofix.cli import app

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 20.0

LEAKS = """package p

import (
\t"context"
\t"net/http"
\t"time"
)

func f(parent context.Context) error {
\tctx, _ := context.WithTimeout(parent, time.Second)
\treturn ctx.Err()
}

func g(url string) (int, error) {
\tresp, err := http.Get(url)
\tif err != nil {
\t\treturn 0, err
\t}
\treturn resp.StatusCode, nil
}
"""

ENDLESS = """
func h() {
\tgo func() {
\t\tfor {
\t\t\ttime.Sleep(time.Second)
\t\t}
\t}()
}
"""

FIXED_ONLY = """package p

import (
\t"context"
\t"time"
)

func f(parent context.Context) error {
\tctx, _ := context.WithTimeout(parent, time.Second)
\treturn ctx.Err()
}
"""


def invoke(*args: str):
    return CliRunner().invoke(app, list(args))


def module(d: Path, name: str) -> Path:
    d.mkdir(parents=True, exist_ok=True)
    (d / "go.mod").write_text(f"module example.com/{name}\n\ngo 1.22\n")
    return d


# --- exit codes of `gofix fix` -------------------------------------------------------------------


def test_fix_exit_codes(tmp_path, monkeypatch):
    monkeypatch.chdir(module(tmp_path, "p"))
    f = tmp_path / "a.go"
    f.write_text(FIXED_ONLY)
    base = ("fix", "--no-cache", "--no-verify", "--allow-dirty", "a.go")
    r = invoke(*base)
    assert r.exit_code == 1, r.output  # changed a file
    assert "defer cancel()" in f.read_text()
    assert "(not verified: --no-verify)" in r.stdout
    r = invoke(*base)
    assert r.exit_code == 0, r.output  # clean: nothing changed, nothing left
    assert "0 fix(es) applied in 0 file(s); 0 finding(s) left" in r.stderr
    f.write_text(f.read_text() + ENDLESS)  # a report-only finding (goroutine-without-exit)
    r = invoke(*base)
    assert r.exit_code == 1, r.output  # nothing changed, but a finding is left unfixed
    assert "1 finding(s) left for review" in r.stderr
    r = invoke(*base, "--exit-zero")
    assert r.exit_code == 0, r.output
    (tmp_path / "broken.go").write_text("package p\nfunc (\n")
    r = invoke("fix", "--no-cache", "--no-verify", "--exit-zero", "broken.go")
    assert r.exit_code == 2  # errors are still errors


def test_fix_exit_code_when_every_fix_is_left_out(tmp_path, monkeypatch):
    # no go.mod: verification cannot check the fix, and the careful default leaves it out
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.go").write_text(FIXED_ONLY)
    r = invoke("fix", "--no-cache", "--allow-dirty", "a.go")
    assert r.exit_code == 1, r.output
    assert (tmp_path / "a.go").read_text() == FIXED_ONLY
    assert "fix not applied" in r.stderr and "1 finding(s) left" in r.stderr


# --- config per file: a monorepo ---------------------------------------------------------------------


@pytest.fixture
def monorepo(tmp_path, monkeypatch):
    a = module(tmp_path / "a", "a")
    b = module(tmp_path / "b", "b")
    (a / ".gofix.toml").write_text('select = ["lost-cancel"]\n')
    (b / "gofix.toml").write_text('ignore = ["lost-cancel"]\n')
    for d in (a, b):
        (d / "x.go").write_text(LEAKS)
        (d / "sub").mkdir()
        (d / "sub" / "y.go").write_text(LEAKS)
    monkeypatch.chdir(tmp_path)
    return tmp_path


_TEXT = re.compile(r"^(?P<path>.+?):(?P<line>\d+):\d+: \w+: .* \[(?P<rule>[\w-]+)\]")


def per_file(*paths: str) -> dict[str, list[tuple[str, int]]]:
    """{file: [(rule, line)]} from `gofix check` text output (paths as the user sees them)."""
    r = invoke("check", "--no-cache", *paths)
    assert r.exit_code == 1, r.output
    out: dict[str, list] = {}
    for line in r.stdout.splitlines():
        m = _TEXT.match(line)
        assert m, line
        out.setdefault(Path(m["path"]).as_posix(), []).append((m["rule"], int(m["line"])))
    return {k: sorted(v) for k, v in out.items()}


def test_monorepo_configs_apply_per_file_whatever_the_order(monorepo):
    ab, ba, dot = per_file("a", "b"), per_file("b", "a"), per_file(".")
    assert ab == ba == dot
    for f in ("a/x.go", "a/sub/y.go"):
        assert {rule for rule, _ in ab[f]} == {"lost-cancel"}  # a's select
    for f in ("b/x.go", "b/sub/y.go"):
        rules = {rule for rule, _ in ab[f]}
        assert "lost-cancel" not in rules and "unclosed-body" in rules  # b's ignore
    assert per_file("b/sub/y.go") == {"b/sub/y.go": ab["b/sub/y.go"]}


def test_find_config_with_a_memo_answers_as_each_walk_alone(monorepo):
    """The project remembers the directories its walks went through: sibling directories'
    walks meet there. The answers are those of walks without the memo, in any order."""
    from gofix.config import find_config

    (monorepo / "a" / "sub" / "deep").mkdir()
    (monorepo / "b" / "sub" / ".gofix.toml").write_text("")
    (monorepo / "c" / "d").mkdir(parents=True)
    dirs = [monorepo / p for p in ("a/sub/deep", "a/sub", "a", "b/sub", "b", "c/d", "c", ".")]
    alone = {d: find_config(d) for d in dirs}
    assert alone[monorepo / "a/sub/deep"] == (monorepo / "a" / ".gofix.toml").resolve()
    assert alone[monorepo / "b/sub"] == (monorepo / "b" / "sub" / ".gofix.toml").resolve()
    for order in (dirs, dirs[::-1]):
        memo: dict = {}
        assert {d: find_config(d, memo=memo) for d in order} == alone
        bounded: dict = {}
        assert {d: find_config(d, stop=monorepo / "a", memo=bounded) for d in order} == {
            d: find_config(d, stop=monorepo / "a") for d in order}


def test_config_flag_forces_one_file_and_isolated_ignores_all(monorepo):
    (monorepo / "only-body.toml").write_text('select = ["unclosed-body"]\n')
    forced = per_file("--config", "only-body.toml", "a", "b")
    assert {rule for rules in forced.values() for rule, _ in rules} == {"unclosed-body"}
    isolated = per_file("--isolated", ".")
    assert {rule for rule, _ in isolated["a/x.go"]} >= {"lost-cancel", "unclosed-body"}
    assert isolated["a/x.go"] == isolated["b/x.go"]


def test_gofix_config_says_where_each_setting_comes_from(monorepo):
    r = invoke("config", "b/sub/y.go", "--unsafe-fixes")
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    assert "# config file: b/gofix.toml" in lines
    assert 'ignore = ["lost-cancel"]  # b/gofix.toml' in lines
    assert "unsafe-fixes = true  # --unsafe-fixes" in lines
    assert "select = all rules  # default" in lines
    r = invoke("config", "--isolated", "a")
    assert "# config file: none" in r.stdout and "select = all rules  # default" in r.stdout


# --- the language server ------------------------------------------------------------------------------


SERVER = [sys.executable, "-c", "from gofix.lsp_server import serve; serve()"]


def make_client() -> LanguageClient:
    client = LanguageClient(converter_factory=default_converter)
    client.published = {}  # type: ignore[attr-defined]

    @client.feature(T.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_publish(ls: LanguageClient, params: T.PublishDiagnosticsParams) -> None:
        ls.published[params.uri] = params.diagnostics  # type: ignore[attr-defined]

    return client


@contextlib.asynccontextmanager
async def session(root: Path):
    config = ClientServerConfig(server_command=SERVER, client_factory=make_client)
    client = await config.start()
    try:
        await asyncio.wait_for(client.initialize_session(T.InitializeParams(
            capabilities=T.ClientCapabilities(workspace=T.WorkspaceClientCapabilities(
                workspace_edit=T.WorkspaceEditClientCapabilities(document_changes=True))),
            root_uri=root.as_uri(), initialization_options={"debounceMs": 10})), TIMEOUT)
        yield client
        await asyncio.wait_for(client.shutdown_session(), TIMEOUT)
    finally:
        if client._server is not None and client._server.returncode is None:
            client._server.kill()
        await client.stop()


async def opened(client: LanguageClient, path: Path, text: str) -> tuple[str, list[T.Diagnostic]]:
    uri = path.as_uri()
    client.text_document_did_open(T.DidOpenTextDocumentParams(
        text_document=T.TextDocumentItem(uri=uri, language_id="go", version=1, text=text)))
    for _ in range(int(TIMEOUT * 100)):
        if uri in client.published:  # type: ignore[attr-defined]
            return uri, client.published[uri]  # type: ignore[attr-defined]
        await asyncio.sleep(0.01)
    raise AssertionError(f"no diagnostics for {uri}")


@pytest.mark.asyncio
async def test_language_server_sees_the_same_configs(monorepo):
    cli = per_file(".")
    async with session(monorepo) as client:
        for rel in ("a/x.go", "a/sub/y.go", "b/x.go", "b/sub/y.go"):
            _, diags = await opened(client, monorepo / rel, LEAKS)
            got = sorted((d.code, d.range.start.line + 1) for d in diags)
            assert got == cli[rel], rel


@pytest.mark.asyncio
@pytest.mark.parametrize("layout", ["crlf", "bom", "bom+crlf"])
async def test_fix_all_on_crlf_and_bom_buffers_equals_gofix_fix(tmp_path, layout):
    text = LEAKS
    if "crlf" in layout:
        text = text.replace("\n", "\r\n")
    if "bom" in layout:
        text = "\ufeff" + text
    ws = module(tmp_path / "ws", "p")
    cli_dir = module(tmp_path / "cli", "p")
    cli_file = cli_dir / "x.go"
    cli_file.write_bytes(text.encode("utf-8"))
    proc = subprocess.run([sys.executable, "-m", "gofix", "fix", "--no-cache", "--no-progress", "--no-verify",
                           "--allow-dirty", str(cli_file)], cwd=cli_dir, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1, proc.stderr
    expected = cli_file.read_bytes()
    assert expected != text.encode("utf-8") and b"defer cancel()" in expected
    async with session(ws) as client:
        uri, _ = await opened(client, ws / "x.go", text)
        result = await asyncio.wait_for(client.text_document_code_action_async(T.CodeActionParams(
            text_document=T.TextDocumentIdentifier(uri=uri),
            range=T.Range(start=T.Position(line=0, character=0), end=T.Position(line=0, character=0)),
            context=T.CodeActionContext(diagnostics=[], only=["source.fixAll"]))), TIMEOUT)
        (action,) = [a for a in result or [] if isinstance(a, T.CodeAction)]
        (change,) = action.edit.document_changes
        edits = [X.TextEdit((e.range.start.line, e.range.start.character), (e.range.end.line, e.range.end.character),
                            e.new_text) for e in change.edits]
        fixed = X.apply_text_edits(text, edits, X.UTF16)
    assert fixed.encode("utf-8") == expected
    if "crlf" in layout:
        assert b"\n" not in expected.replace(b"\r\n", b"")  # no mixed line endings


# --- the import graph -------------------------------------------------------------------------------

FACES = {
    "cli": {"gofix.cli"},
    "lsp": {"gofix.lsp", "gofix.lsp_server", "gofix.lsp_text"},
    "bot": {"gofix.bot", "gofix.github"},
    "triage": {"gofix.triage"},
}


def _imports(path: Path, module: str) -> set[str]:
    """Every gofix module path imports, anywhere in the file (function-level imports too)."""
    out = set()
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
            out.add(base)
            out.update(f"{base}.{a.name}" for a in node.names)
    return {m for m in out if m == "gofix" or m.startswith("gofix.")}


def _face_of(module: str) -> str | None:
    for face, mods in FACES.items():
        if any(module == m or module.startswith(m + ".") for m in mods):
            return face
    return None


def test_faces_import_the_engine_and_the_pipeline_never_each_other():
    problems = []
    for path in sorted((ROOT / "gofix").rglob("*.py")):
        rel = path.relative_to(ROOT).with_suffix("")
        module = ".".join(rel.parts[:-1] if rel.name == "__init__" else rel.parts)
        face = _face_of(module)
        if face is None:
            continue
        for imported in _imports(path, module):
            other = _face_of(imported)
            if other is not None and other != face:
                problems.append(f"{module} ({face}) imports {imported} ({other})")
    assert not problems, "\n".join(problems)


def test_the_engine_and_the_pipeline_import_no_face():
    problems = []
    for path in sorted((ROOT / "gofix").rglob("*.py")):
        rel = path.relative_to(ROOT).with_suffix("")
        module = ".".join(rel.parts[:-1] if rel.name == "__init__" else rel.parts)
        if _face_of(module) is not None or module == "gofix.__main__":  # `python -m gofix`: the CLI
            continue
        for imported in _imports(path, module):
            if _face_of(imported) is not None:
                problems.append(f"{module} imports the face module {imported}")
    assert not problems, "\n".join(problems)


def test_the_import_check_sees_a_violation():
    # the check itself can fail: a face importing another face is found
    src = ROOT / "gofix" / "bot.py"
    assert "gofix.github" in _imports(src, "gofix.bot")
    assert _face_of("gofix.cli") == "cli" and _face_of("gofix.triage.match") == "triage"


# --- the engine entry ------------------------------------------------------------------------------


def test_analyse_source_applies_skip_policy_and_layout(tmp_path):
    path = module(tmp_path, "p") / "x.go"
    crlf = ("\ufeff" + FIXED_ONLY.replace("\n", "\r\n")).encode()
    a = engine.analyse_source(path, crlf, engine.Options(), fix=True)
    assert a.skipped is None and a.result.changed
    assert a.result.fixed.startswith(b"\xef\xbb\xbf") and b"\n" not in a.result.fixed.replace(b"\r\n", b"")
    (f,) = a.result.findings
    assert crlf[f.start_byte:f.end_byte].startswith(b"context.WithTimeout")  # offsets into the given bytes
    generated = b"// Code generated by x. DO NOT EDIT.\n\n" + FIXED_ONLY.encode()
    assert engine.analyse_source(path, generated, engine.Options()).skipped == "generated file; not analysed"
    assert engine.analyse_source(path, generated, engine.Options(), explicit=True).result.findings
    excluded = engine.Options(exclude=("x.go",))
    assert "excluded" in engine.analyse_source(path, FIXED_ONLY.encode(), excluded).skipped
    small = engine.Options(max_file_size=10)
    assert "limit" in engine.analyse_source(path, FIXED_ONLY.encode(), small).skipped


def test_fix_selection_by_origin_is_data_and_keeps_identity(tmp_path):
    path = module(tmp_path, "p") / "x.go"
    src = LEAKS.encode()
    everything = engine.analyse_source(path, src, engine.Options(), fix=True).result
    by_rule = {f.rule: f for f in everything.findings}
    only = engine.Options().selecting(origins={("unclosed-body", by_rule["unclosed-body"].start_byte)})
    one = engine.analyse_source(path, src, only, fix=True).result
    assert [f.rule for f in one.applied] == ["unclosed-body"]
    assert one.applied[0] is one.findings[[f.rule for f in one.findings].index("unclosed-body")]
    assert b"defer resp.Body.Close()" in one.fixed and b"defer cancel()" not in one.fixed
    assert hash(only) != hash(engine.Options())  # part of the cache key
    none = engine.analyse_source(path, src, engine.Options().selecting(rules=()), fix=True).result
    assert not none.changed
