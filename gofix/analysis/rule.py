"""The Rule value each codemods/ module exports, and rule documentation helpers."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from gofix.analysis.context import FileContext
from gofix.analysis.model import Finding


class _WordPattern:
    """A bytes regex that must start at a word boundary, searched fast: the pattern itself
    starts with a literal (which the regex engine scans for quickly) and the boundary before
    it is checked by hand (a leading \\b makes the engine try every position: 13x slower
    over the standard library)."""

    def __init__(self, pattern: bytes) -> None:
        self.pattern = re.compile(pattern)

    def search(self, src: bytes) -> re.Match[bytes] | None:
        for m in self.pattern.finditer(src):
            before = src[m.start() - 1 : m.start()]
            if not before or not (before.isalnum() or before == b"_"):
                return m
        return None


# A goroutine started from a function literal: `go func(`, also `go (func(`.
GO_FUNC_LITERAL = _WordPattern(rb"go(?:\s+|\s*\(\s*)func\b")


class ByteScan:
    """One file's bytes, for the prefilters of every rule: each byte string or pattern is
    looked for once per file (rules share triggers)."""

    def __init__(self, src: bytes) -> None:
        self.src = src
        self._seen: dict[bytes, bool] = {}
        self._matched: dict[int, bool] = {}

    def has(self, needle: bytes) -> bool:
        try:
            return self._seen[needle]
        except KeyError:
            found = self._seen[needle] = needle in self.src
            return found

    def search(self, pattern: re.Pattern[bytes] | _WordPattern) -> bool:
        try:
            return self._matched[id(pattern)]
        except KeyError:
            found = self._matched[id(pattern)] = pattern.search(self.src) is not None
            return found


@dataclass(frozen=True)
class Rule:
    id: str
    doc: str  # the module docstring: "<id>: <summary>" then ruff-style sections
    find: Callable[[FileContext], list[Finding]]
    # Prefilter: the file is parsed for this rule only if it contains one of these byte
    # strings. Keep them necessary conditions of a finding, never sufficient ones.
    triggers: tuple[bytes, ...]
    # Linter names whose `//nolint:<name>` (or `//lint:ignore <name>`) also suppress this rule.
    nolint: tuple[str, ...] = ()
    # True for rules whose findings become hints when timers are collected (Go >= 1.23).
    timer_rule: bool = False
    # More triggers derived from the run's engine.Options (e.g. the config's resource
    # catalog for unclosed-resource); None: the static triggers only.
    option_triggers: Callable[[Any], tuple[bytes, ...]] | None = None
    # More prefilter conditions, all of which must hold: each is a group of byte strings
    # (one of them must occur) or a compiled bytes regex (it must match somewhere). Like
    # triggers, they must be necessary conditions of a finding.
    requires: tuple[tuple[bytes, ...] | re.Pattern[bytes] | _WordPattern, ...] = ()
    # The options the rule reads (ctx.option), name -> spec (gofix.analysis.options:
    # Choice, Flag, Integer): `--option` and `[rules.<id>]` are checked against them.
    options: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    def triggers_for(self, options: Any) -> tuple[bytes, ...]:
        """The static triggers plus those the options add."""
        if self.option_triggers is None:
            return self.triggers
        return self.triggers + tuple(self.option_triggers(options))

    def prefilter(self, src: bytes | ByteScan, options: Any) -> bool:
        """Whether src may hold a finding of this rule (False: do not even parse it for us).
        Pass a ByteScan when several rules look at the same file.

        The byte-string groups are looked at before the patterns, the smaller groups first:
        the answer is the same, and a file most rules skip is scanned less."""
        scan = src if isinstance(src, ByteScan) else ByteScan(src)
        groups = sorted((self.triggers_for(options),) + tuple(g for g in self.requires if isinstance(g, tuple)), key=len)
        return all(any(scan.has(t) for t in group) for group in groups) and all(
            scan.search(p) for p in self.requires if not isinstance(p, tuple))

    @property
    def summary(self) -> str:
        first = self.doc.strip().splitlines()[0]
        return first.split(":", 1)[1].strip() if ":" in first else first

    def section(self, title: str) -> str:
        """The text of one '## title' section of the docstring ('' if absent)."""
        m = re.search(rf"^## {re.escape(title)}\s*\n(.*?)(?=^## |\Z)", self.doc, re.M | re.S)
        return m.group(1).strip() if m else ""
