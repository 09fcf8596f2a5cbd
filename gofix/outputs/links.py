"""Links from findings to their rule's documentation (SARIF helpUri, rdjson code.url,
code-climate `url`).

`--doc-url TEMPLATE` (or `$GOFIX_DOC_URL`) is a URL with `{rule}` (the rule id,
`lost-cancel`) and/or `{module}` (its module name, `lost_cancel`) in it. Without one, the
default is the rule's own module in gofix's source, where its documentation lives (the
docstring with What it does / Why is this bad? / Example / Fix safety), at the
`Documentation` or `Source` URL of the installed package's metadata. The GitHub Action
sets `$GOFIX_DOC_URL` to the action's repository at the action's ref. With neither, no
link is emitted: the SARIF rules still carry the full documentation text.
"""

from __future__ import annotations

import os


class DocUrlError(ValueError):
    pass


def _from_metadata() -> str | None:
    try:
        from importlib.metadata import metadata

        md = metadata("gofix")
    except Exception:  # not installed as a distribution
        return None
    for entry in md.get_all("Project-URL") or []:
        label, _, url = entry.partition(",")
        if label.strip().lower() in ("source", "documentation", "repository") and url.strip():
            return url.strip().rstrip("/") + "/blob/main/codemods/{module}.py"
    return None


def resolve_template(flag: str | None) -> str | None:
    """The doc URL template in force: the flag, else $GOFIX_DOC_URL, else the package's."""
    template = flag if flag is not None else os.environ.get("GOFIX_DOC_URL") or _from_metadata()
    if not template:
        return None
    if "{rule}" not in template and "{module}" not in template:
        raise DocUrlError(f"--doc-url {template!r}: needs {{rule}} or {{module}} in it")
    try:
        template.format(rule="x", module="x")
    except (KeyError, IndexError, ValueError) as e:
        raise DocUrlError(f"--doc-url {template!r}: only {{rule}} and {{module}} may be used ({e})") from None
    return template


def doc_url(template: str | None, rule: str) -> str | None:
    if not template:
        return None
    return template.format(rule=rule, module=rule.replace("-", "_"))
