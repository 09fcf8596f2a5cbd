"""Attaching gofix findings to goroutine groups, and writing their fixes.

For each group, the functions to look at are the innermost function containing the
blocking frame's line (the goroutine's own code: a send that nobody receives, a range
that never ends), the function around it when that is a function literal, and the
innermost function containing the creation site (where the channel was made and the
goroutine started: where forgotten-sender and goroutine-without-exit point; debug=1
dumps do not print it, hence the function around the literal). The rules run through the engine (`engine.process`, the
path `gofix check` takes) on each mapped file once; a finding is attached when it lies
inside one of those functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tree_sitter import Node, Tree

from gofix import engine
from gofix import syntax as S
from gofix.engine import Options, Target
from gofix.model import Applicability, FileResult, Finding
from gofix.triage.group import Frame, Group
from gofix.triage.repo import RepoMap

# Rules whose leak leaves goroutines in a given state: listed first for that state.
RELEVANT = {
    "chan send": ("forgotten-sender", "blocking-broadcast"),
    "chan receive": ("unclosed-range-channel", "forgotten-sender", "unstopped-ticker", "time-after-in-loop"),
    "chan receive (nil chan)": ("unclosed-range-channel",),
    # io.(*pipe).read/write and grpc's recvMsg wait in a select
    "select": ("forgotten-sender", "time-after-in-loop", "lost-cancel", "unstopped-ticker", "unclosed-pipe",
               "grpc-stream-leak"),
    "sync.Mutex.Lock": ("blocking-broadcast",),
    "sync.RWMutex.Lock": ("blocking-broadcast",),
    "sync.RWMutex.RLock": ("blocking-broadcast",),
    "sleep": ("goroutine-without-exit",),
    "running": ("goroutine-without-exit",),
    "runnable": ("goroutine-without-exit",),
    "IO wait": ("unclosed-body", "unclosed-resource", "no-ctx-request", "background-context-io",
                "request-context-in-goroutine"),
    "sync.WaitGroup.Wait": ("wg-add-in-goroutine",),
    "semacquire": ("wg-add-in-goroutine",),
}


@dataclass(frozen=True)
class Match:
    finding: Finding
    rel: str  # repository-relative path of the file holding the finding
    scope: str  # "blocking" (the goroutine's function) or "created_by" (the function that started it)


class Matcher:
    def __init__(self, repo: RepoMap, options: Options) -> None:
        self.repo = repo
        self.options = options
        self.errors: list[str] = []
        self._files: dict[str, tuple[FileResult | None, Tree | None]] = {}

    def _file(self, rel: str) -> tuple[FileResult | None, Tree | None]:
        hit = self._files.get(rel)
        if hit is None:
            assert self.repo.root is not None
            res, errs = engine.process(Target(self.repo.root / rel, explicit=True), self.options, fix=False)
            self.errors.extend(errs)
            if res is not None and res.error:
                self.errors.append(f"{rel}: {res.error}")
            tree = S.parse(res.source) if res is not None and res.source and res.findings else None
            hit = self._files[rel] = (res, tree)
        return hit

    def function_spans(self, rel: str, line: int) -> list[tuple[int, int]]:
        """Byte ranges of the innermost function containing line and, when that is a
        function literal, of the function around it (which started the goroutine running
        the literal, as a rule: where its channel was made). Empty: not in a function."""
        res, tree = self._file(rel)
        if res is None or tree is None or res.source is None:
            return []
        node = _node_at_line(tree, res.source, line)
        if node is None:
            return []
        fn = node if node.type in S.FUNCTION_TYPES else S.enclosing_function(node)
        spans = []
        if fn is not None:
            spans.append((fn.start_byte, fn.end_byte))
            if fn.type == S.FUNC_LITERAL:
                outer = S.enclosing_function(fn)
                if outer is not None:
                    spans.append((outer.start_byte, outer.end_byte))
        return spans

    def for_group(self, g: Group) -> list[Match]:
        out: list[Match] = []
        seen: set[tuple[str, int, str]] = set()
        for scope, frame in (("blocking", g.blocking), ("created_by", g.created_by)):
            if frame is None or frame.rel is None or not frame.line:
                continue
            res, _ = self._file(frame.rel)
            if res is None or not res.findings:
                continue
            spans = self.function_spans(frame.rel, frame.line)
            for f in res.findings:
                if spans:
                    inside = any(a <= f.start_byte < b for a, b in spans)
                else:
                    inside = f.start.line == frame.line
                key = (frame.rel, f.start_byte, f.rule)
                if inside and key not in seen:
                    seen.add(key)
                    out.append(Match(f, frame.rel, scope))
        relevant = RELEVANT.get(g.state, ())
        line = g.blocking.line if g.blocking is not None else 0
        out.sort(key=lambda m: (m.finding.rule not in relevant, m.scope != "blocking",
                                abs(m.finding.start.line - line)))
        return out


def _node_at_line(tree: Tree, src: bytes, line: int) -> Node | None:
    lines = src.split(b"\n")
    if not 1 <= line <= len(lines):
        return None
    text = lines[line - 1]
    col = len(text) - len(text.lstrip(b" \t"))
    if col >= len(text):
        return None
    return tree.root_node.named_descendant_for_point_range((line - 1, col), (line - 1, col))


def fix_label(f: Finding, options) -> str:
    if f.fix is None:
        return "no automatic fix"
    if f.fix.applicability == Applicability.SAFE:
        return "safe fix available"
    if f.fix.applicability == Applicability.UNSAFE:
        return "unsafe fix available (--unsafe-fixes)"
    return "suggested change (display only)"


class Chosen:
    """Options per file that apply only the fixes of the chosen findings (by origin: rule and
    offset in the file, the identity the engine's fixed-point loop keeps). Engine runs, the
    verifier and the apply pipeline take it wherever they take Options or a Project."""

    def __init__(self, options, by_file: dict[str, frozenset[tuple[str, int]]]) -> None:
        self.base = options
        self.by_file = by_file  # absolute path -> origins
        self.jobs = getattr(options, "jobs", 0)
        self.exclude = getattr(options, "exclude", ())

    def options_for(self, path) -> Options:
        origins = self.by_file.get(str(Path(path).resolve()), frozenset())
        return self.base.options_for(path).selecting(origins=origins)


@dataclass
class FixOutcome:
    rel: str
    result: FileResult


def compute_fixes(matcher: Matcher, matches: list[Match]) -> tuple[list[FixOutcome], Chosen, list[str]]:
    """Fixed bytes for each file holding matched findings, applying only those findings'
    fixes (selected by origin), through the engine path `gofix fix` takes (the fixed-point
    loop included)."""
    repo, options = matcher.repo, matcher.options
    assert repo.root is not None
    by_file: dict[str, set[tuple[str, int]]] = {}
    rels: dict[str, str] = {}
    for m in matches:
        path = repo.root / m.rel
        if engine.fix_applies(m.finding, options.options_for(path)):
            key = str(path.resolve())
            by_file.setdefault(key, set()).add((m.finding.rule, m.finding.start_byte))
            rels[key] = m.rel
    chosen = Chosen(options, {k: frozenset(v) for k, v in by_file.items()})
    outcomes: list[FixOutcome] = []
    errors: list[str] = []
    for key in sorted(by_file, key=lambda k: rels[k]):
        res, errs = engine.process(Target(Path(key), explicit=True), chosen, fix=True)
        errors.extend(errs)
        if res is not None:
            outcomes.append(FixOutcome(rels[key], res))
    return outcomes, chosen, errors


def finding_frames(g: Group) -> list[Frame]:
    """The user frames of a group's stack: where to look when no rule matched."""
    return [f for f in g.frames if f.kind == "user"]


__all__ = ["Chosen", "Match", "Matcher", "compute_fixes", "fix_label", "finding_frames", "Path"]
