"""request-context-in-goroutine: not implemented yet

## What it does
Placeholder: this rule is not implemented yet and reports nothing.
"""

from __future__ import annotations

from gofix.context import FileContext
from gofix.model import Finding
from gofix.rules import Rule

ID = "request-context-in-goroutine"


def find(ctx: FileContext) -> list[Finding]:
    return []


RULE = Rule(id=ID, doc=__doc__, find=find, triggers=())
