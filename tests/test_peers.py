"""docs/peers.md's side-by-side table against gofix itself: the gofix columns of the table
(rule, severity, fix applicability per line of tests/peers/) must be what gofix reports on
that module today, and every line a peer reports that gofix does not must be explained in
the document. The peers' own columns come from scripts/peers.py runs (Go and the installed
peers needed); this test needs neither."""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "peers.md"
MODULE = ROOT / "tests" / "peers"
_spec = importlib.util.spec_from_file_location("peers_script", ROOT / "scripts" / "peers.py")
peers = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = peers  # dataclasses look their module up there
_spec.loader.exec_module(peers)

ROW = re.compile(r"^\| (?P<at>[\w/]+\.go:\d+) \| [^|]* \| (?P<peers>[^|]*) \| (?P<gofix>[^|]*) \| (?P<fix>[^|]*) \|")


def table_rows() -> list[dict[str, str]]:
    text = DOC.read_text()
    table = text.split(peers.BEGIN, 1)[1].split(peers.END, 1)[0]
    return [m.groupdict() for line in table.splitlines() if (m := ROW.match(line))]


def documented_gofix() -> set[tuple[str, int, str, str, str]]:
    out = set()
    for row in table_rows():
        if row["gofix"].strip() == "-":
            continue
        file, line = row["at"].rsplit(":", 1)
        rules = [c.strip().split() for c in row["gofix"].split(";")]
        fixes = [c.strip() for c in row["fix"].split(";")]
        assert len(rules) == len(fixes), row
        for (rule, severity), fix in zip(rules, fixes):
            out.add((file, int(line), rule, severity, fix))
    return out


def test_table_matches_what_gofix_reports_on_the_peers_module():
    proc = subprocess.run([sys.executable, "-m", "gofix", "check", "--no-cache", "--no-progress", "--format", "json",
                           "."], cwd=MODULE, capture_output=True, text=True, timeout=600)
    assert proc.returncode in (0, 1), proc.stderr
    live = {(peers._rel(f["path"], MODULE), f["line"], f["rule"], f["severity"],
             (f["fix"] or {}).get("applicability", "none")) for f in json.loads(proc.stdout)}
    documented = documented_gofix()
    assert live - documented == set(), "gofix reports lines the table does not list (re-run scripts/peers.py --write)"
    assert documented - live == set(), "the table lists gofix findings gofix no longer reports"


def test_every_peer_line_gofix_misses_is_explained():
    text = DOC.read_text()
    prose = text.split(peers.BEGIN, 1)[0] + text.split(peers.END, 1)[1]
    rule_of = {p.name: p.rule for p in peers.PEERS}
    unexplained = []
    for row in table_rows():
        for label in filter(None, (c.strip() for c in row["peers"].split(","))):
            tool = label.split()[0]
            if tool == "-":
                continue
            if rule_of[tool] not in row["gofix"] and f"**{row['at']}**" not in prose:
                unexplained.append(f"{row['at']} ({tool})")
    assert unexplained == []


def test_table_lists_every_peer():
    seen = {label.split()[0] for row in table_rows() for label in row["peers"].split(", ") if label != "-"}
    assert seen == {p.name for p in peers.PEERS}


# --- scripts/peers.py's attribution of a peer's line to a gofix finding -------------------------

FUNCS = {"a.go": [(3, "f", "A case."), (20, "g", "Another.")]}


def finding(line: int, rule: str) -> dict:
    return {"path": "a.go", "line": line, "rule": rule, "severity": "error", "fix": None}


def test_vet_second_diagnostic_joins_the_assignment_row():
    diags = [peers.Diag("lostcancel", "a.go", 5, "the cancel function is not used on all paths (possible context leak)"),
             peers.Diag("lostcancel", "a.go", 9, "this return statement may be reached without using the cancel var "
                                                 "defined on line 5")]
    rows = peers.build_rows(diags, [], FUNCS)
    assert list(rows) == [("a.go", 5)]
    assert rows[("a.go", 5)].peers == ["lostcancel", "lostcancel (line 9)"]


def test_peer_anchored_elsewhere_in_the_function_joins_gofix_row():
    diags = [peers.Diag("sqlclosecheck", "a.go", 15, "Close should use defer")]
    rows = peers.build_rows(diags, [finding(6, "unclosed-rows")], FUNCS)
    assert list(rows) == [("a.go", 6)] and rows[("a.go", 6)].peers == ["sqlclosecheck (line 15)"]
    # Another rule's finding, or one in another function, is not the same case.
    assert set(peers.build_rows(diags, [finding(6, "no-ctx-request")], FUNCS)) == {("a.go", 6), ("a.go", 15)}
    assert set(peers.build_rows(diags, [finding(21, "unclosed-rows")], FUNCS)) == {("a.go", 21), ("a.go", 15)}


def test_after_fix_cell_compares_stable_keys():
    d = peers.Diag("bodyclose", "a.go", 5, "response body must be closed")
    rows = peers.build_rows([d], [finding(5, "unclosed-body")], FUNCS)
    key = peers.key_of(d, FUNCS)
    moved = peers.key_of(peers.Diag("bodyclose", "a.go", 7, d.message), FUNCS)  # lines moved by the fix
    assert key == moved
    from collections import Counter
    assert peers.after_cell(rows[("a.go", 5)], Counter(), Counter([key])) == "bodyclose: silent"
    assert peers.after_cell(rows[("a.go", 5)], Counter([moved]), Counter([key])) == "bodyclose: still reports"


def test_json_values_reads_vet_style_output():
    text = "# example.com/p\n# [example.com/p]\n{\n \"a\": {}\n}\ngo: downloading x v1\n{\"b\": 1}\n"
    assert list(peers._json_values(text)) == [{"a": {}}, {"b": 1}]


def test_lines_the_prose_names_are_rows_of_the_table():
    text = DOC.read_text()
    prose = text.split(peers.BEGIN, 1)[0] + text.split(peers.END, 1)[1]
    rows = {row["at"] for row in table_rows()}
    named = set(re.findall(r"\*\*([\w/]+\.go:\d+)\*\*", prose))
    named |= {m for m in re.findall(r"`([\w/]+\.go:\d+)`", prose)}
    assert named and named - rows == set()
