"""`gofix triage`: from a goroutine dump to the leaking line and its fix.

    gofix triage goroutines.txt --repo .            # rank groups, attach findings
    gofix triage before.txt after.txt               # rank groups by growth
    curl -s host:6060/debug/pprof/goroutine?debug=2 | gofix triage -
    gofix triage dump.txt --fix                     # write the safe fixes of matched findings

Modules: `parse` (streaming dump parser), `repo` (dump paths -> checkout paths),
`group` (grouping, ranking, comparison), `match` (findings and fixes through the
engine), `render` (table, JSON, markdown), `dump` (reading a dump), `command` (the CLI).
See docs/triage.md.
"""

from __future__ import annotations

from importlib import import_module

# Names re-exported from the submodules, imported on first use: `gofix` registers the
# triage command at every start, and only a triage run needs the parser and renderers.
_EXPORTS = {
    "Aggregator": "group", "compare": "group", "rank": "group",
    "Report": "parse", "parse": "parse",
    "RepoMap": "repo",
    "DumpError": "dump", "read_dump": "dump",
}


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{module}"), name)


def register(app) -> None:
    """Add the `triage` command to the gofix CLI."""
    from gofix.triage.command import triage

    app.command(name="triage")(triage)


__all__ = ["Aggregator", "DumpError", "RepoMap", "Report", "compare", "parse", "rank", "read_dump", "register"]
