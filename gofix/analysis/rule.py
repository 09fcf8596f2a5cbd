"""The Rule value each codemods/ module exports, and rule documentation helpers."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from gofix.analysis.context import FileContext
from gofix.analysis.model import Finding


# A goroutine started from a function literal: `go func(`, also `go (func(`.
GO_FUNC_LITERAL = re.compile(rb"\bgo(?:\s+|\s*\(\s*)func\b")


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
    requires: tuple[tuple[bytes, ...] | re.Pattern[bytes], ...] = ()
    # The options the rule reads (ctx.option), name -> spec (gofix.analysis.options:
    # Choice, Flag, Integer): `--option` and `[rules.<id>]` are checked against them.
    options: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    def triggers_for(self, options: Any) -> tuple[bytes, ...]:
        """The static triggers plus those the options add."""
        if self.option_triggers is None:
            return self.triggers
        return self.triggers + tuple(self.option_triggers(options))

    def prefilter(self, src: bytes, options: Any) -> bool:
        """Whether src may hold a finding of this rule (False: do not even parse it for us)."""
        return any(t in src for t in self.triggers_for(options)) and all(
            group.search(src) is not None if isinstance(group, re.Pattern) else any(t in src for t in group)
            for group in self.requires
        )

    @property
    def summary(self) -> str:
        first = self.doc.strip().splitlines()[0]
        return first.split(":", 1)[1].strip() if ":" in first else first

    def section(self, title: str) -> str:
        """The text of one '## title' section of the docstring ('' if absent)."""
        m = re.search(rf"^## {re.escape(title)}\s*\n(.*?)(?=^## |\Z)", self.doc, re.M | re.S)
        return m.group(1).strip() if m else ""
