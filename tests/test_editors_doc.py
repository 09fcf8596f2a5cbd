"""docs/editors.md: the snippets parse, name only settings that exist (gofix's own, and the
VS Code extension's as its package.json declares them), and the gopls duplicate is
explained with real settings."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

from gofix.lsp_server import parse_settings

DOC = (Path(__file__).resolve().parent.parent / "docs" / "editors.md").read_text()
# Settings of zsol.vscode-glspc ("Generic LSP Client (v2)"), from its package.json
# `contributes.configuration.properties` (facts, checked in its source).
GLSPC_KEYS = {"glspc.server.command", "glspc.server.commandArguments", "glspc.server.languageId",
              "glspc.server.environmentVariables", "glspc.server.initializationOptions",
              "glspc.trace.server"}


def blocks(lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", DOC, re.S)


def rule_ids() -> frozenset[str]:
    from codemods import RULE_IDS

    return frozenset(RULE_IDS)


def test_vscode_settings_use_the_extensions_real_keys():
    [snippet] = blocks("jsonc")
    settings = json.loads(snippet)
    glspc = {k for k in settings if k.startswith("glspc.")}
    assert glspc and glspc <= GLSPC_KEYS, glspc - GLSPC_KEYS
    assert settings["glspc.server.command"] == "gofix"
    assert settings["glspc.server.commandArguments"] == ["lsp"]
    assert settings["glspc.server.languageId"] == ["go"]
    s, warnings = parse_settings(settings["glspc.server.initializationOptions"], rule_ids())
    assert s is not None and warnings == []
    assert "serverPath" not in DOC and "serverArgs" not in DOC  # keys no version of glspc has


def test_helix_config_parses_and_runs_both_servers():
    [snippet] = blocks("toml")
    cfg = tomllib.loads(snippet)
    assert cfg["language-server"]["gofix"]["command"] == "gofix"
    assert cfg["language-server"]["gofix"]["args"] == ["lsp"]
    s, warnings = parse_settings(cfg["language-server"]["gofix"]["config"], rule_ids())
    assert s is not None and warnings == []
    [go] = [lang for lang in cfg["language"] if lang["name"] == "go"]
    assert go["language-servers"] == ["gopls", "gofix"]


def test_neovim_and_emacs_snippets_start_gofix_lsp():
    lua = "\n".join(blocks("lua"))
    assert "cmd = { 'gofix', 'lsp' }" in lua and "vim.lsp.enable('gofix')" in lua
    elisp = "\n".join(blocks("elisp"))
    assert '("rass" "--" "gopls" "--" "gofix" "lsp")' in elisp  # gofix beside gopls through rass
    assert elisp.count("(") == elisp.count(")")


def test_gopls_duplicate_is_explained_with_real_settings():
    assert '"gopls": { "analyses": { "lostcancel": false } }' in DOC
    # gofix's side: the ignore setting, which the server accepts
    s, warnings = parse_settings({"ignore": ["lost-cancel"]}, rule_ids())
    assert s is not None and s.ignore == ("lost-cancel",) and warnings == []
    assert '{"ignore": ["lost-cancel"]}' in DOC
