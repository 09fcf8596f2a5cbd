"""Rule options (part of the analysis layer, which rules import): each rule declares the options it reads, next to its code, and every way
of setting one (`--option RULE.KEY=VALUE`, `[rules.<id>]` in `.gofix.toml`, the language
server's `ruleOptions`) is checked against that declaration before anything runs.

```python
RULE = Rule(..., options={"style": Choice(("timer", "context"), default="timer")})
```
A new rule that reads `ctx.option(ID, "x")` declares `"x"` the same way; an option no
rule declares is an error, never silently ignored.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Choice:
    """One of a few strings."""

    values: tuple[str, ...]
    default: str

    def parse(self, raw: Any) -> str:
        if not isinstance(raw, str) or raw not in self.values:
            raise ValueError(f"{raw!r} is not one of {', '.join(repr(v) for v in self.values)}")
        return raw

    def describe(self) -> str:
        return " | ".join(self.values)


@dataclass(frozen=True)
class Flag:
    """true or false (`--option` takes the words, the config file a TOML boolean)."""

    default: bool

    def parse(self, raw: Any) -> bool:
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.lower() in ("true", "false"):
            return raw.lower() == "true"
        raise ValueError(f"{raw!r} is not true or false")

    def describe(self) -> str:
        return "true | false"


@dataclass(frozen=True)
class Integer:
    """A whole number in [low, high]."""

    default: int
    low: int
    high: int

    def parse(self, raw: Any) -> int:
        if isinstance(raw, bool):
            raise ValueError(f"{raw!r} is not a whole number")
        try:
            v = int(raw) if isinstance(raw, (int, str)) else None
        except ValueError:
            v = None
        if v is None:
            raise ValueError(f"{raw!r} is not a whole number")
        if not self.low <= v <= self.high:
            raise ValueError(f"{v} is not in {self.low}..{self.high}")
        return v

    def describe(self) -> str:
        return f"{self.low}..{self.high}"


def parse_option(rules: list[Any], rule_id: str, key: str, raw: Any) -> Any:
    """The value of option `key` of rule `rule_id` given as raw; ValueError (one line,
    naming the rule and the key) when the rule does not exist, does not declare the key, or
    the value does not fit."""
    rule = next((r for r in rules if r.id == rule_id), None)
    if rule is None:
        raise ValueError(f"unknown rule {rule_id!r} (see `gofix rules`)")
    declared = getattr(rule, "options", None) or {}
    spec = declared.get(key)
    if spec is None:
        known = ", ".join(f"{k} ({s.describe()})" for k, s in sorted(declared.items())) or "none"
        raise ValueError(f"{rule_id}: unknown option {key!r} (its options: {known})")
    try:
        return spec.parse(raw)
    except ValueError as e:
        raise ValueError(f"{rule_id}.{key}: {e}") from None


def parse_assignment(rules: list[Any], item: str) -> tuple[str, str, Any]:
    """`RULE.KEY=VALUE` -> (rule id, key, value); ValueError when malformed or unknown."""
    key, sep, value = item.partition("=")
    rid, dot, name = key.partition(".")
    if not sep or not dot or not name or not rid:
        raise ValueError(f"{item!r}: expected RULE.KEY=VALUE")
    return rid, name, parse_option(rules, rid, name, value)
