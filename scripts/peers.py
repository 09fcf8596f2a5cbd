"""Run the peer linters and gofix side by side on tests/peers/ and write the table of
docs/peers.md.

The peers are go vet's lostcancel (built into the go command), bodyclose, sqlclosecheck,
noctx and staticcheck's SA1015, installed from the Go module proxy into one directory
(docs/peers.md says how). For every line that a peer or gofix reports, the table says which
peers report it, what gofix reports there (rule and severity), the applicability of gofix's
fix, and whether each peer still reports that case after `gofix diff --unsafe-fixes` is
applied to a copy of the module.

    python scripts/peers.py --bin DIR               # print the table
    python scripts/peers.py --bin DIR --write docs/peers.md

With --write, the part of the file between the `<!-- peers:begin -->` and
`<!-- peers:end -->` markers is replaced. The run needs Go and network access to the module
proxy for the module's requirements (or a module cache that has them).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULE = Path("tests") / "peers"
BEGIN, END = "<!-- peers:begin -->", "<!-- peers:end -->"
ENV = {**os.environ, "GOTOOLCHAIN": "local", "GOFLAGS": "-mod=mod"}
VET_LINE = re.compile(r"^(?:\./)?(.+?\.go):(\d+):\d+: (.*)$")
FUNC = re.compile(r"^func (?:\([^)]*\)\s*)?(\w+)")


@dataclasses.dataclass(frozen=True)
class Peer:
    name: str
    rule: str  # the gofix rule that covers the same ground
    binary: str | None  # None: built into the go command
    module: str  # what `go version -m` names, or "go" for vet

    def command(self, bindir: Path) -> list[str]:
        if self.binary is None:
            # Text, not -json: vet caches a run that exits 0 (as -json does) and prints
            # nothing when the cached result is reused.
            return [shutil.which("go") or "go", "vet", "-lostcancel", "./..."]
        exe = str(bindir / self.binary)
        if self.name == "SA1015":
            return [exe, "-checks", "SA1015", "-f", "json", "./..."]
        return [exe, "-json", "./..."]  # a singlechecker main


PEERS = (
    Peer("lostcancel", "lost-cancel", None, "go"),
    Peer("bodyclose", "unclosed-body", "bodyclose", "github.com/timakin/bodyclose"),
    Peer("sqlclosecheck", "unclosed-rows", "sqlclosecheck", "github.com/ryanrolds/sqlclosecheck"),
    Peer("noctx", "no-ctx-request", "noctx", "github.com/sonatard/noctx"),
    Peer("SA1015", "unstopped-ticker", "staticcheck", "honnef.co/go/tools"),
)


@dataclasses.dataclass(frozen=True)
class Diag:
    tool: str
    file: str  # relative to the module
    line: int
    message: str


def _json_values(text: str):
    """The JSON values in go vet / singlechecker output (between `# package` lines)."""
    text = "\n".join(l for l in text.splitlines() if not l.startswith(("#", "go: ")))
    dec, i = json.JSONDecoder(), 0
    while True:
        while i < len(text) and text[i].isspace():
            i += 1
        if i >= len(text):
            return
        value, i = dec.raw_decode(text, i)
        yield value


def _rel(path: str, moddir: Path) -> str:
    """A tool's path as relative to the module (gofix prints paths from the git root)."""
    p = Path(path)
    if p.is_absolute():
        return str(p.resolve().relative_to(moddir.resolve()))
    parts = p.parts
    for i in range(len(parts)):
        if (moddir / Path(*parts[i:])).is_file():
            return str(Path(*parts[i:]))
    return path


def run_peer(peer: Peer, bindir: Path, moddir: Path) -> list[Diag]:
    proc = subprocess.run(peer.command(bindir), cwd=moddir, capture_output=True, text=True, env=ENV, timeout=900)
    out: list[Diag] = []
    if peer.binary is None:
        for line in proc.stderr.splitlines():
            m = VET_LINE.match(line)
            if m:
                out.append(Diag(peer.name, _rel(m.group(1), moddir), int(m.group(2)), m.group(3)))
        if proc.returncode not in (0, 1):
            raise SystemExit(f"go vet failed ({proc.returncode}): {proc.stderr[-2000:]}")
    elif peer.name == "SA1015":
        for value in _json_values(proc.stdout):
            loc = value["location"]
            out.append(Diag(peer.name, _rel(loc["file"], moddir), loc["line"], value["message"]))
    else:
        text = proc.stdout + proc.stderr
        if proc.returncode != 0 and "{" not in text:
            raise SystemExit(f"{peer.name} failed ({proc.returncode}): {text[-2000:]}")
        for value in _json_values(text):
            for analyzers in value.values():
                for diags in analyzers.values():
                    if isinstance(diags, dict):  # {"error": "..."}: a package that did not load
                        raise SystemExit(f"{peer.name}: {diags}")
                    for d in diags:
                        file, line, _col = d["posn"].rsplit(":", 2)
                        out.append(Diag(peer.name, _rel(file, moddir), int(line), d["message"]))
    return sorted(set(out), key=lambda d: (d.file, d.line, d.tool, d.message))


def run_gofix(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "gofix", *args], cwd=cwd, capture_output=True, text=True, timeout=900)


def gofix_findings(moddir: Path) -> list[dict]:
    """`gofix check --format json` on the module; paths relative to it."""
    proc = run_gofix("check", "--no-cache", "--no-progress", "--format", "json", ".", cwd=moddir)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"gofix check failed: {proc.stderr}")
    found = json.loads(proc.stdout)
    for f in found:
        f["path"] = _rel(f["path"], moddir)
    return found


def functions(moddir: Path) -> dict[str, list[tuple[int, str, str]]]:
    """Per file: (line, function name, its doc comment's first sentence), in order."""
    out: dict[str, list[tuple[int, str, str]]] = {}
    for p in sorted(moddir.rglob("*.go")):
        lines = p.read_text().splitlines()
        funcs = []
        for i, line in enumerate(lines):
            m = FUNC.match(line)
            if not m:
                continue
            doc = []
            j = i - 1
            while j >= 0 and lines[j].startswith("//"):
                doc.insert(0, lines[j][2:].strip())
                j -= 1
            funcs.append((i + 1, m.group(1), " ".join(doc)))
        out[str(p.relative_to(moddir))] = funcs
    return out


def enclosing(funcs: dict[str, list[tuple[int, str, str]]], file: str, line: int) -> tuple[str, str]:
    best = ("", "")
    for start, name, doc in funcs.get(file, []):
        if start <= line:
            best = (name, doc)
    return best


def key_of(d: Diag, funcs) -> tuple[str, str, str, str]:
    """Stable across a rewrite that moves lines: the function, the tool and the message without numbers."""
    return (d.file, enclosing(funcs, d.file, d.line)[0], d.tool, re.sub(r"\d+", "N", d.message))


@dataclasses.dataclass
class Row:
    file: str
    line: int
    peers: list[str] = dataclasses.field(default_factory=list)  # "bodyclose" or "sqlclosecheck (line 56)"
    peer_keys: list[tuple[str, tuple]] = dataclasses.field(default_factory=list)
    gofix: list[dict] = dataclasses.field(default_factory=list)


def build_rows(diags: list[Diag], found: list[dict], funcs) -> dict[tuple[str, int], Row]:
    rows: dict[tuple[str, int], Row] = {}

    def row(file: str, line: int) -> Row:
        return rows.setdefault((file, line), Row(file, line))

    for f in found:
        row(f["path"], f["line"]).gofix.append(f)
    rule_of = {p.name: p.rule for p in PEERS}
    for d in diags:
        rule = rule_of[d.tool]
        at = (d.file, d.line)
        here = [f for f in found if (f["path"], f["line"]) == at and f["rule"] == rule]
        vet_def = re.search(r"defined on line (\d+)", d.message) if d.tool == "lostcancel" else None
        fn = enclosing(funcs, d.file, d.line)[0]
        same_fn = [f for f in found if f["path"] == d.file and f["rule"] == rule
                   and enclosing(funcs, f["path"], f["line"])[0] == fn]
        if here:
            target, label = at, d.tool
        elif vet_def:  # vet's second diagnostic, at the return: the finding is the assignment's
            target, label = (d.file, int(vet_def.group(1))), f"{d.tool} (line {d.line})"
        elif len(same_fn) == 1:  # the same case, anchored elsewhere (sqlclosecheck: at the Close)
            target, label = (d.file, same_fn[0]["line"]), f"{d.tool} (line {d.line})"
        else:
            target, label = at, d.tool
        r = row(*target)
        if label not in r.peers:
            r.peers.append(label)
        r.peer_keys.append((d.tool, key_of(d, funcs)))
    return rows


def gofix_cell(r: Row) -> str:
    return "; ".join(f"{f['rule']} {f['severity']}" for f in r.gofix) or "-"


def fix_cell(r: Row) -> str:
    return "; ".join((f["fix"] or {}).get("applicability", "none") for f in r.gofix) or "-"


def after_cell(r: Row, after: Counter, before: Counter) -> str:
    cells = []
    for tool in dict.fromkeys(t for t, _ in r.peer_keys):
        keys = [k for t, k in r.peer_keys if t == tool]
        left = sum(min(after[k], before[k]) for k in set(keys))
        cells.append(f"{tool}: {'still reports' if left else 'silent'}")
    return "; ".join(cells) or "-"


def render(rows, funcs, before: Counter, after: Counter, versions: dict[str, str], builds: str) -> str:
    out = ["| line | function | peers | gofix | gofix fix | peers after `gofix diff` | case |",
           "| --- | --- | --- | --- | --- | --- | --- |"]
    for (file, line), r in sorted(rows.items()):
        name, doc = enclosing(funcs, file, line)
        out.append(f"| {file}:{line} | `{name}` | {', '.join(r.peers) or '-'} | {gofix_cell(r)} | "
                   f"{fix_cell(r)} | {after_cell(r, after, before)} | {doc} |")
    summary = ["", "| peer | version | lines reported | gofix reports | gofix fixes (peer silent after) | not reported by gofix |",
               "| --- | --- | --- | --- | --- | --- |"]
    rule_of = {p.name: p.rule for p in PEERS}
    for p in PEERS:
        mine = [r for r in rows.values() if any(t == p.name for t, _ in r.peer_keys)]
        found = [r for r in mine if any(f["rule"] == rule_of[p.name] for f in r.gofix)]
        fixed = [r for r in found if f"{p.name}: silent" in after_cell(r, after, before)
                 and any(f["rule"] == rule_of[p.name] and f["fix"] for f in r.gofix)]
        missed = ", ".join(f"{r.file}:{r.line}" for r in mine if r not in found) or "-"
        summary.append(f"| {p.name} | {versions[p.name]} | {len(mine)} | {len(found)} | {len(fixed)} | {missed} |")
    only = [r for r in rows.values() if r.gofix and not r.peers]
    summary.append("")
    summary.append(f"Lines only gofix reports: {len(only)}. The module with every gofix fix applied "
                   f"(`gofix diff --unsafe-fixes`): {builds}.")
    return "\n".join(out + summary) + "\n"


def version_of(peer: Peer, bindir: Path) -> str:
    go = shutil.which("go") or "go"
    if peer.binary is None:
        return subprocess.run([go, "version"], capture_output=True, text=True, env=ENV).stdout.split()[2] + " vet"
    info = subprocess.run([go, "version", "-m", str(bindir / peer.binary)], capture_output=True, text=True).stdout
    m = re.search(rf"^\s*(?:mod|dep)\s+{re.escape(peer.module)}\s+(\S+)", info, re.M)
    return m.group(1) if m else "unknown"


def apply_fixes(moddir: Path, into: Path) -> str:
    """Copy the module into `into`, apply `gofix diff --unsafe-fixes` there; whether it builds."""
    shutil.copytree(moddir, into / MODULE)
    diff = run_gofix("diff", "--no-cache", "--no-progress", "--unsafe-fixes", str(MODULE), cwd=moddir.parents[1])
    if diff.returncode not in (0, 1):
        raise SystemExit(f"gofix diff failed: {diff.stderr}")
    (into / "gofix.diff").write_text(diff.stdout)
    subprocess.run(["git", "apply", "-p1", "gofix.diff"], cwd=into, check=True)
    go = shutil.which("go") or "go"
    b = subprocess.run([go, "build", "./..."], cwd=into / MODULE, capture_output=True, text=True, env=ENV)
    return "builds" if b.returncode == 0 else f"does not build: {b.stderr.strip()[:300]}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bin", type=Path, default=Path(os.environ.get("GOBIN") or Path.home() / "go" / "bin"),
                    help="directory holding bodyclose, sqlclosecheck, noctx and staticcheck (default: $GOBIN)")
    ap.add_argument("--write", type=Path, help="replace the table between the markers of this file")
    args = ap.parse_args(argv)
    if shutil.which("go") is None:
        print("the Go toolchain is not installed", file=sys.stderr)
        return 2
    moddir = ROOT / MODULE
    funcs = functions(moddir)
    diags = [d for p in PEERS for d in run_peer(p, args.bin, moddir)]
    found = gofix_findings(moddir)
    with tempfile.TemporaryDirectory() as tmp:
        builds = apply_fixes(moddir, Path(tmp))
        fixed_dir = Path(tmp) / MODULE
        fixed_funcs = functions(fixed_dir)
        after = Counter(key_of(d, fixed_funcs) for p in PEERS for d in run_peer(p, args.bin, fixed_dir))
    before = Counter(key_of(d, funcs) for d in diags)
    versions = {p.name: version_of(p, args.bin) for p in PEERS}
    table = render(build_rows(diags, found, funcs), funcs, before, after, versions, builds)
    if args.write is None:
        sys.stdout.write(table)
        return 0
    text = args.write.read_text()
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    args.write.write_text(f"{head}{BEGIN}\n{table}{END}{tail}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
