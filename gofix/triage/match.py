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

from collections.abc import Callable
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
    "chan send": ("forgotten-sender",),
    "chan receive": ("unclosed-range-channel", "forgotten-sender", "unstopped-ticker", "time-after-in-loop"),
    "chan receive (nil chan)": ("unclosed-range-channel",),
    "select": ("forgotten-sender", "time-after-in-loop", "lost-cancel", "unstopped-ticker"),
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
            if fn.type == "func_literal":
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


def fixable(m: Match, options: Options) -> bool:
    return engine.fix_applies(m.finding, options)


def fix_label(f: Finding, options: Options) -> str:
    if f.fix is None:
        return "no automatic fix"
    if f.fix.applicability == Applicability.SAFE:
        return "safe fix available"
    if f.fix.applicability == Applicability.UNSAFE:
        return "unsafe fix available (--unsafe-fixes)"
    return "suggested change (display only)"


@dataclass
class FixOutcome:
    rel: str
    result: FileResult
    accept: Callable[[Finding], bool]  # which findings of this file may be fixed


def compute_fixes(matcher: Matcher, matches: list[Match]) -> tuple[list[FixOutcome], list[str]]:
    """Fixed bytes for each file holding matched findings, applying only those findings'
    fixes, through the same engine path as `gofix fix` (fixed-point loop included)."""
    repo, options = matcher.repo, matcher.options
    assert repo.root is not None
    by_file: dict[str, list[Finding]] = {}
    for m in matches:
        if fixable(m, options):
            by_file.setdefault(m.rel, []).append(m.finding)
    outcomes: list[FixOutcome] = []
    errors: list[str] = []
    for rel, wanted in sorted(by_file.items()):
        original = matcher._file(rel)[0]
        accept = _acceptor(wanted, original.findings if original is not None else wanted, options)
        res, errs = engine.process(Target(repo.root / rel, explicit=True), options, fix=True, accept=accept)
        errors.extend(errs)
        if res is not None:
            outcomes.append(FixOutcome(rel, res, accept))
    return outcomes, errors


def _acceptor(wanted: list[Finding], original: list[Finding], options: Options) -> Callable[[Finding], bool]:
    """Accepts the wanted findings. The first pass sees them at their original offsets;
    later passes (fixes that could not go in together) re-analyse shifted code, where the
    same finding is recognised by rule and message, unless that pair is not unique."""
    exact = {(f.rule, f.start_byte, f.end_byte, f.message) for f in wanted}
    by_message: dict[tuple[str, str], int] = {}
    for f in original:
        by_message[(f.rule, f.message)] = by_message.get((f.rule, f.message), 0) + 1
    wanted_messages = {(f.rule, f.message) for f in wanted}

    def accept(f: Finding) -> bool:
        if not engine.fix_applies(f, options):
            return False
        if (f.rule, f.start_byte, f.end_byte, f.message) in exact:
            return True
        pair = (f.rule, f.message)
        return pair in wanted_messages and by_message.get(pair) == 1

    return accept


def finding_frames(g: Group) -> list[Frame]:
    """The user frames of a group's stack: where to look when no rule matched."""
    return [f for f in g.frames if f.kind == "user"]


__all__ = ["Match", "Matcher", "compute_fixes", "fix_label", "finding_frames", "Path"]
