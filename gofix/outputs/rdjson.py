"""reviewdog's rdjson (a DiagnosticResult of the Reviewdog Diagnostic Format, RDFormat):
`reviewdog -f=rdjson` reads it, and posts each suggestion as a suggested change.

Facts from the format's definition (reviewdog's proto/rdf/reviewdog.proto): positions
are 1-based lines and 1-based columns counted in UTF-8 bytes, which is how gofix counts
them, so no conversion is needed; a range's end is exclusive; a suggestion is a range and
the text that replaces it (start == end inserts). Severity is ERROR, WARNING or INFO.
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Iterable
from pathlib import Path

from gofix.model import FileResult, Finding, Severity
from gofix.outputs.links import doc_url
from gofix.outputs.paths import PathStyle

_SEVERITY = {Severity.ERROR: "ERROR", Severity.WARNING: "WARNING", Severity.HINT: "INFO"}


class _Lines:
    """Byte offset -> (line, byte column), 1-based."""

    def __init__(self, src: bytes) -> None:
        self.starts = [0]
        for i, b in enumerate(src):
            if b == 0x0A:
                self.starts.append(i + 1)

    def position(self, offset: int) -> dict:
        i = max(0, bisect.bisect_right(self.starts, offset) - 1)
        return {"line": i + 1, "column": offset - self.starts[i] + 1}


def _source(r: FileResult) -> bytes:
    if r.source is not None:
        return r.source
    try:
        return Path(r.path).read_bytes()
    except OSError:
        return b""


def diagnostic(r: FileResult, f: Finding, lines: _Lines | None, name: str,
               doc_template: str | None = None) -> dict:
    d: dict = {
        "message": f.message,
        "location": {
            "path": name,
            "range": {
                "start": {"line": f.start.line, "column": f.start.column},
                "end": {"line": f.end.line, "column": f.end.column},
            },
        },
        "severity": _SEVERITY[f.severity],
        "source": {"name": "gofix"},
        "code": {"value": f.rule},
    }
    url = doc_url(doc_template, f.rule)
    if url:
        d["code"]["url"] = url
    # only fixes gofix would apply are suggested: display-only ones are not sure enough
    if f.fix is not None and f.fix.applicability.value != "display-only" and lines is not None:
        d["suggestions"] = [
            {"range": {"start": lines.position(e.start), "end": lines.position(e.end)},
             "text": e.text.decode("utf-8", errors="replace")}
            for e in f.fix.edits
        ]
    return d


def to_rdjson(results: Iterable[FileResult], paths: PathStyle | None = None,
              doc_template: str | None = None) -> str:
    diagnostics = []
    for r in results:
        name = paths.show(r.path) if paths is not None else Path(r.path).as_posix()
        if r.error:
            diagnostics.append({"message": r.error, "location": {"path": name}, "severity": "ERROR",
                                "source": {"name": "gofix"}})
        if not r.findings:
            continue
        lines = _Lines(_source(r)) if any(f.fix is not None for f in r.findings) else None
        diagnostics.extend(diagnostic(r, f, lines, name, doc_template) for f in r.findings)
    out = {"source": {"name": "gofix"}, "diagnostics": diagnostics}
    return json.dumps(out, indent=2, ensure_ascii=False)
