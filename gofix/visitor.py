"""A LibCST-style visitor and small matchers over tree-sitter nodes.

Rules prefer one declarative query (run in C) to find candidates; the visitor and the
matchers are for the structural questions that follow, where a query would be long:

```python
class Sends(Visitor):
    def __init__(self):
        self.sends = []

    def visit_send_statement(self, node):
        self.sends.append(node)

    def visit_func_literal(self, node):
        return False  # do not descend: a nested literal runs at another time

Sends().walk(body)
```

A `visit_<type>` hook may return False to skip the node's children; `leave_<type>` runs
after them. The walk uses a TreeCursor, so it allocates a Node only for named nodes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tree_sitter import Node

from gofix import syntax as S


class Visitor:
    def walk(self, node: Node) -> None:
        cursor = node.walk()
        visit = self._hooks("visit_")
        leave = self._hooks("leave_")
        stack_leave: list[tuple[int, Callable[[Node], None], Node]] = []
        depth = 0
        while True:
            n = cursor.node
            descend = True
            if n is not None and n.is_named:
                hook = visit.get(n.type)
                if hook is not None and hook(n) is False:
                    descend = False
                lh = leave.get(n.type)
                if lh is not None:
                    stack_leave.append((depth, lh, n))
            if descend and cursor.goto_first_child():
                depth += 1
                continue
            while True:
                while stack_leave and stack_leave[-1][0] == depth:
                    _, lh, ln = stack_leave.pop()
                    lh(ln)
                if depth == 0:
                    return
                if cursor.goto_next_sibling():
                    break
                cursor.goto_parent()
                depth -= 1

    def _hooks(self, prefix: str) -> dict[str, Callable[[Node], object]]:
        cls = type(self)
        cache = cls.__dict__.get("_hook_cache_" + prefix)
        if cache is None:
            names = [n for n in dir(cls) if n.startswith(prefix)]
            cache = {n[len(prefix):]: n for n in names}
            setattr(cls, "_hook_cache_" + prefix, cache)
        return {t: getattr(self, name) for t, name in cache.items()}


# --- matchers ----------------------------------------------------------------------------------


class Matcher:
    def matches(self, node: Node | None) -> bool:  # pragma: no cover - interface
        raise NotImplementedError

    def __call__(self, node: Node | None) -> bool:
        return node is not None and self.matches(S.unparen(node))

    def __or__(self, other: Matcher) -> Matcher:
        return OneOf((self, other))


@dataclass(frozen=True)
class OneOf(Matcher):
    options: tuple[Matcher, ...]

    def matches(self, node: Node | None) -> bool:
        return any(m(node) for m in self.options)


@dataclass(frozen=True)
class Ident(Matcher):
    """An identifier, optionally with one of the given names."""

    names: tuple[str, ...] = ()

    def matches(self, node: Node | None) -> bool:
        return node.type == "identifier" and (not self.names or S.text(node) in self.names)


@dataclass(frozen=True)
class Call(Matcher):
    """A call `recv.name(...)` or `name(...)`.

    recv: a Matcher for the receiver (None: a plain function call; ANY: any receiver).
    names: allowed function/method names (empty: any). nargs: exact argument count.
    """

    names: tuple[str, ...] = ()
    recv: Matcher | None | type = ...
    nargs: int | None = None

    def matches(self, node: Node | None) -> bool:
        if node.type != "call_expression":
            return False
        fn = S.unparen(node.child_by_field_name("function"))
        if fn.type == "selector_expression":
            if self.recv is None:
                return False
            name = S.text(fn.child_by_field_name("field"))
            if self.recv is not ... and not self.recv(fn.child_by_field_name("operand")):
                return False
        elif fn.type == "identifier":
            if self.recv not in (None, ...):
                return False
            name = S.text(fn)
        else:
            return False
        if self.names and name not in self.names:
            return False
        if self.nargs is not None:
            args = node.child_by_field_name("arguments")
            if args is None or len([a for a in args.named_children if a.type != "comment"]) != self.nargs:
                return False
        return True


def args_of(call: Node) -> list[Node]:
    args = call.child_by_field_name("arguments")
    return [a for a in args.named_children if a.type != "comment"] if args is not None else []
