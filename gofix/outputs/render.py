"""One entry point from a check run's results to the text of any --format."""

from __future__ import annotations

from collections.abc import Callable

from gofix.model import FileResult
from gofix.outputs.paths import PathStyle

FORMATS = ("text", "json", "sarif", "github", "rdjson", "code-climate")


def render(results: list[FileResult], fmt: str, paths: PathStyle | None, doc_template: str | None,
           text_path: Callable[[str], str] | None = None, color: bool = False) -> str:
    """The whole output of `gofix check --format fmt` (ends with a newline when not empty).
    paths names files in the machine formats; text_path in the text format (default: as
    the engine shows them, relative to the working directory)."""
    from gofix import output

    if fmt == "json":
        return output.to_json(results, show=paths.show if paths is not None else None) + "\n"
    if fmt == "sarif":
        from gofix.ci_formats import to_sarif

        return to_sarif(results, paths=paths, doc_template=doc_template) + "\n"
    if fmt == "github":
        from gofix.ci_formats import to_github

        return to_github(results, paths=paths)
    if fmt == "rdjson":
        from gofix.outputs.rdjson import to_rdjson

        return to_rdjson(results, paths=paths, doc_template=doc_template) + "\n"
    if fmt == "code-climate":
        from gofix.outputs.codeclimate import to_code_climate

        return to_code_climate(results, paths=paths, doc_template=doc_template) + "\n"
    from gofix.outputs.terminal import finding_line

    lines = []
    for r in results:
        name = text_path(r.path) if text_path is not None else r.path
        lines.extend(finding_line(name, f, color) for f in r.findings)
    return "".join(line + "\n" for line in lines)
