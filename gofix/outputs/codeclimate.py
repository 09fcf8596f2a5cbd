"""GitLab code quality: the Code Climate issue subset GitLab reads from a job's
`artifacts: reports: codequality:` file.

As GitLab documents the format: a JSON array of objects, each with `description`,
`check_name`, `fingerprint` (unique per issue: GitLab shows one issue per fingerprint and
compares them between the source and target branches), `severity` (info, minor, major,
critical or blocker) and `location.path` with `location.lines.begin`. Paths are
relative to the repository root. The fingerprint hashes the rule, the path, the line's
text (not its number, so a finding keeps its fingerprint when lines above it move) and
the occurrence count of that triple in the file.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path

from gofix.model import FileResult, Severity
from gofix.outputs.links import doc_url
from gofix.outputs.paths import PathStyle

_SEVERITY = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.HINT: "info"}


def _line_texts(r: FileResult) -> list[bytes]:
    src = r.source
    if src is None:
        try:
            src = Path(r.path).read_bytes()
        except OSError:
            src = b""
    return src.split(b"\n")


def _fingerprint(*parts: bytes) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(p)
        h.update(b"\0")
    return h.hexdigest()[:32]


def to_code_climate(results: Iterable[FileResult], paths: PathStyle | None = None,
                    doc_template: str | None = None) -> str:
    issues = []
    for r in results:
        name = paths.show(r.path) if paths is not None else Path(r.path).as_posix()
        if r.error:
            issues.append({
                "type": "issue",
                "description": f"gofix could not analyse this file: {r.error}",
                "check_name": "gofix-file-error",
                "fingerprint": _fingerprint(b"error", name.encode(), r.error.encode()),
                "severity": "major",
                "location": {"path": name, "lines": {"begin": 1}},
            })
        if not r.findings:
            continue
        texts = _line_texts(r)
        seen: dict[tuple, int] = {}
        for f in r.findings:
            text = texts[f.start.line - 1].strip() if 1 <= f.start.line <= len(texts) else b""
            key = (f.rule, text)
            seen[key] = n = seen.get(key, 0) + 1
            issue = {
                "type": "issue",
                "description": f.message,
                "check_name": f.rule,
                "fingerprint": _fingerprint(f.rule.encode(), name.encode(), text, str(n).encode()),
                "severity": _SEVERITY[f.severity],
                "categories": ["Bug Risk"],
                "location": {"path": name, "lines": {"begin": f.start.line, "end": f.end.line}},
            }
            url = doc_url(doc_template, f.rule)
            if url:
                issue["url"] = url
            issues.append(issue)
    return json.dumps(issues, indent=2, ensure_ascii=False)
