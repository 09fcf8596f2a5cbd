"""The Rule value each codemods/ module exports, and rule documentation helpers."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from gofix.context import FileContext
from gofix.model import Finding


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

    def triggers_for(self, options: Any) -> tuple[bytes, ...]:
        """The static triggers plus those the options add."""
        if self.option_triggers is None:
            return self.triggers
        return self.triggers + tuple(self.option_triggers(options))

    @property
    def summary(self) -> str:
        first = self.doc.strip().splitlines()[0]
        return first.split(":", 1)[1].strip() if ":" in first else first

    def section(self, title: str) -> str:
        """The text of one '## title' section of the docstring ('' if absent)."""
        m = re.search(rf"^## {re.escape(title)}\s*\n(.*?)(?=^## |\Z)", self.doc, re.M | re.S)
        return m.group(1).strip() if m else ""
