"""Outputs that CI systems read: SARIF 2.1.0 (code scanning) and GitHub workflow commands.

gofix positions count columns in UTF-8 bytes (as the Go tools do). SARIF here declares
`columnKind: unicodeCodePoints` and GitHub annotations count characters, so columns are
converted from the file's bytes when a line holds non-ASCII text. SARIF fixes carry
byte offsets (`byteOffset`/`byteLength`), exact whatever the encoding, together with the
equivalent line/column region.

Paths are named from the repository root (gofix.outputs.paths.PathStyle): SARIF URIs are
relative to `%SRCROOT%`, the root, and annotations name the file as GitHub does. GitHub
shows at most 10 error, 10 warning and 10 notice annotations per step (actions/toolkit,
docs/problem-matchers.md: "10 warning annotations, 10 error annotations, and 10 notice
annotations per step"; 50 per job); `--format github` emits that many of each kind, then
the rest as plain log lines and one notice that counts them, so nothing is lost silently.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import quote

from gofix import __version__
from gofix.model import FileResult, Finding, Severity
from gofix.outputs.links import doc_url
from gofix.outputs.paths import PathStyle

GITHUB_ANNOTATIONS_PER_KIND = 10

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.HINT: "note"}
_GITHUB = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.HINT: "notice"}


class _Source:
    """A file's bytes, read once and only if a column needs converting."""

    def __init__(self, r: FileResult) -> None:
        self.path = r.path
        self._src = r.source
        self._lines: list[bytes] | None = None
        self._starts: list[int] | None = None

    def _load(self) -> None:
        if self._lines is not None:
            return
        src = self._src
        if src is None:
            try:
                src = Path(self.path).read_bytes()
            except OSError:
                src = b""
        self._src = src
        self._lines = src.split(b"\n")
        starts, pos = [], 0
        for ln in self._lines:
            starts.append(pos)
            pos += len(ln) + 1
        self._starts = starts

    def column(self, line: int, byte_col: int) -> int:
        """1-based code point column of a 1-based UTF-8 byte column."""
        self._load()
        assert self._lines is not None
        if not 1 <= line <= len(self._lines):
            return byte_col
        prefix = self._lines[line - 1][: byte_col - 1]
        if prefix.isascii():
            return byte_col
        return len(prefix.decode("utf-8", errors="replace")) + 1

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, code point column) of a byte offset."""
        self._load()
        assert self._starts is not None
        import bisect

        i = max(0, bisect.bisect_right(self._starts, offset) - 1)
        return i + 1, self.column(i + 1, offset - self._starts[i] + 1)

    def line_text(self, line: int) -> bytes:
        self._load()
        assert self._lines is not None
        return self._lines[line - 1] if 1 <= line <= len(self._lines) else b""


def _uri(path: str, paths: PathStyle | None = None) -> tuple[str, str | None]:
    """(uri, uriBaseId): relative paths against %SRCROOT% (the repository root)."""
    shown = paths.show(path) if paths is not None else Path(path).as_posix()
    p = Path(shown)
    if p.is_absolute():
        return p.as_uri(), None
    return quote(p.as_posix()), "%SRCROOT%"


def _location(uri: str, base: str | None) -> dict:
    loc: dict = {"uri": uri}
    if base:
        loc["uriBaseId"] = base
    return loc


def _rule_name(rule_id: str) -> str:
    return "".join(part.capitalize() for part in rule_id.split("-"))


def _rules_meta(doc_template: str | None = None) -> list[dict]:
    from codemods import RULES

    out = []
    for r in RULES:
        what = r.section("What it does") or r.summary
        why = r.section("Why is this bad?")
        tags = ["reliability", "leak", *(["timers"] if r.timer_rule else []), *r.nolint]
        meta = {
            "id": r.id,
            "name": _rule_name(r.id),
            "shortDescription": {"text": r.summary},
            "fullDescription": {"text": (what + ("\n\n" + why if why else "")).strip()},
            "help": {"text": r.doc.strip(), "markdown": r.doc.strip()},
            "defaultConfiguration": {"level": "error"},
            "properties": {"tags": tags},
        }
        url = doc_url(doc_template, r.id)
        if url:
            meta["helpUri"] = url
        out.append(meta)
    for rid, summary in _DIRECTIVE_RULES.items():  # findings about suppression directives
        out.append({
            "id": rid,
            "name": _rule_name(rid),
            "shortDescription": {"text": summary},
            "fullDescription": {"text": summary},
            "help": {"text": summary + " (see README: suppressions)."},
            "defaultConfiguration": {"level": "warning"},
            "properties": {"tags": ["suppression"]},
        })
    return out


_DIRECTIVE_RULES = {
    "invalid-ignore": "a //gofix:ignore or //gofix:file-ignore directive names a rule that does not exist",
    "unused-ignore": "a //gofix: directive suppresses no finding (reported with --report-unused-ignores)",
}


def _fingerprint(rule: str, uri: str, line_text: bytes, message: str) -> str:
    h = hashlib.sha256()
    for part in (rule.encode(), uri.encode(), line_text.strip(), message.encode()):
        h.update(part)
        h.update(b"\0")
    return h.hexdigest()[:32]


def _sarif_result(r: FileResult, f: Finding, src: _Source, index: dict[str, int],
                  paths: PathStyle | None = None) -> dict:
    uri, base = _uri(r.path, paths)
    region = {
        "startLine": f.start.line,
        "startColumn": src.column(f.start.line, f.start.column),
        "endLine": f.end.line,
        "endColumn": src.column(f.end.line, f.end.column),
    }
    res: dict = {
        "ruleId": f.rule,
        "level": _LEVEL[f.severity],
        "message": {"text": f.message},
        "locations": [{"physicalLocation": {"artifactLocation": _location(uri, base), "region": region}}],
        "partialFingerprints": {"gofixFindingHash/v1": _fingerprint(f.rule, uri, src.line_text(f.start.line), f.message)},
        "properties": {"severity": f.severity.value},
    }
    if f.rule in index:
        res["ruleIndex"] = index[f.rule]
    if f.fix is not None:
        replacements = []
        for e in f.fix.edits:
            sl, sc = src.position(e.start)
            el, ec = src.position(e.end)
            replacements.append({
                "deletedRegion": {"byteOffset": e.start, "byteLength": e.end - e.start,
                                  "startLine": sl, "startColumn": sc, "endLine": el, "endColumn": ec},
                "insertedContent": {"text": e.text.decode("utf-8", errors="replace")},
            })
        res["fixes"] = [{
            "description": {"text": f.fix.title},
            "artifactChanges": [{"artifactLocation": _location(uri, base), "replacements": replacements}],
            "properties": {"applicability": f.fix.applicability.value},
        }]
        res["properties"]["fixApplicability"] = f.fix.applicability.value
        if f.verified is not None:
            res["properties"]["verified"] = f.verified
        if f.verify_reason:
            res["properties"]["verifyReason"] = f.verify_reason
    return res


def to_sarif(results: Iterable[FileResult], root: str | None = None, paths: PathStyle | None = None,
             doc_template: str | None = None) -> str:
    """One SARIF 2.1.0 log with one run; file errors become tool execution notifications.
    paths: how files are named (default: as given, against the working directory)."""
    rules = _rules_meta(doc_template)
    index = {r["id"]: i for i, r in enumerate(rules)}
    out, notes = [], []
    for r in results:
        if r.error:
            uri, base = _uri(r.path, paths)
            notes.append({"level": "error", "message": {"text": f"{r.path}: {r.error}"},
                          "locations": [{"physicalLocation": {"artifactLocation": _location(uri, base)}}]})
        if not r.findings:
            continue
        src = _Source(r)
        out.extend(_sarif_result(r, f, src, index, paths) for f in r.findings)
    base_dir = Path(root or (paths.root if paths is not None else os.getcwd())).resolve()
    run = {
        "tool": {"driver": {"name": "gofix", "version": __version__, "semanticVersion": __version__,
                            "rules": rules}},
        "originalUriBaseIds": {"%SRCROOT%": {"uri": base_dir.as_uri() + "/"}},
        "columnKind": "unicodeCodePoints",
        "invocations": [{"executionSuccessful": not notes, "toolExecutionNotifications": notes}],
        "results": out,
    }
    log = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(log, indent=2, ensure_ascii=False)


# --- GitHub workflow commands -------------------------------------------------------------------


def escape_data(s: str) -> str:
    """A workflow command's message: %, CR and LF are percent-encoded."""
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(s: str) -> str:
    """A workflow command's property value: also ':' and ','."""
    return escape_data(s).replace(":", "%3A").replace(",", "%2C")


def github_annotation(r: FileResult, f: Finding, src: _Source | None = None,
                      paths: PathStyle | None = None) -> str:
    src = src or _Source(r)
    props = [
        ("file", paths.show(r.path) if paths is not None else Path(r.path).as_posix()),
        ("line", str(f.start.line)),
        ("col", str(src.column(f.start.line, f.start.column))),
        ("endLine", str(f.end.line)),
        ("endColumn", str(src.column(f.end.line, f.end.column))),
        ("title", f"gofix {f.rule}"),
    ]
    message = f.message
    if f.fix is not None:
        kind = "fix" if f.fix.applicability.value == "safe" else f"{f.fix.applicability.value} fix"
        message += f"\n{kind}: {f.fix.title} (gofix fix)"
    head = ",".join(f"{k}={escape_property(v)}" for k, v in props)
    return f"::{_GITHUB[f.severity]} {head}::{escape_data(message)}"


def to_github(results: Iterable[FileResult], paths: PathStyle | None = None,
              per_kind: int = GITHUB_ANNOTATIONS_PER_KIND) -> str:
    """Workflow commands: up to per_kind annotations of each kind (error, warning,
    notice), the others as plain `path:line:col: message [rule]` log lines, and a notice
    that counts them (it takes one of the notice slots)."""
    lines: list[str] = []
    rest: list[str] = []
    shown = {"error": 0, "warning": 0, "notice": 0}
    results = list(results)
    counts = {"error": sum(1 for r in results if r.error), "warning": 0, "notice": 0}
    for r in results:
        for f in r.findings:
            counts[_GITHUB[f.severity]] += 1
    overflow = any(n > per_kind for n in counts.values())
    room = {k: per_kind - 1 if k == "notice" and overflow else per_kind for k in counts}
    for r in results:
        name = paths.show(r.path) if paths is not None else Path(r.path).as_posix()
        if r.error:
            if shown["error"] < room["error"]:
                shown["error"] += 1
                lines.append(f"::error file={escape_property(name)},title=gofix::{escape_data(r.error)}")
            else:
                rest.append(f"{name}: error: {r.error}")
        if not r.findings:
            continue
        src = _Source(r)
        for f in r.findings:
            kind = _GITHUB[f.severity]
            # one notice slot is kept for the summary when anything will be left over
            if shown[kind] < room[kind]:
                shown[kind] += 1
                lines.append(github_annotation(r, f, src, paths))
            else:
                rest.append(f"{name}:{f.start.line}:{f.start.column}: {f.severity.value}: "
                            f"{f.message} [{f.rule}]".replace("\n", " "))
    if rest:
        lines.extend(rest)
        lines.append(f"::notice title=gofix::{len(rest)} more finding(s) not shown as annotations "
                     f"(GitHub shows {per_kind} per kind and step); they are listed in this step's log")
    return "\n".join(lines) + ("\n" if lines else "")
