"""tx-rollback: a transaction that is committed is not rolled back on the other paths

## What it does
Finds `tx, err := X.Begin()` (also `BeginTx`, and sqlx's `Beginx`, `BeginTxx`, `MustBegin`,
`MustBeginTx`) with `tx.Commit()` used and no `tx.Rollback()` anywhere in the function,
when `tx` is assigned only once.

## Why is this bad?
Every return between Begin and Commit (an error from a statement in the transaction, a
failed validation) leaves the transaction open: its connection never goes back to the pool
and its locks are held until the server times it out.

## Example
```go
tx, err := db.BeginTx(ctx, nil)
if err != nil {
	return err
}
if _, err := tx.ExecContext(ctx, debit, from, amount); err != nil {
	return err
}
return tx.Commit()
```
Use instead:
```go
tx, err := db.BeginTx(ctx, nil)
if err != nil {
	return err
}
defer tx.Rollback()
```

## Fix safety
Safe: `defer tx.Rollback()` directly after the `if err != nil` check that follows the call
(right after the call for `MustBegin`, which has no error); after a successful Commit the
deferred Rollback does nothing but return `sql.ErrTxDone`. Inside a loop body the fix is
`tx.Rollback()` at the end of the body, when no early exit follows. No fix without such a
check, when `err` is `_`, or when `tx` is used by a goroutine or a callback. No finding
when `tx` is returned, stored, sent or assigned to another variable. Passing `tx` to helper
functions is fine: this function commits it, so it owns it.
"""

from __future__ import annotations

import re

from tree_sitter import Node

from codemods import _closers as C
from gofix.context import FileContext, use_kind
from gofix.model import Finding
from gofix.rules import Rule

ID = "tx-rollback"
WITH_ERROR = ("Begin", "BeginTx", "Beginx", "BeginTxx")
NO_ERROR = ("MustBegin", "MustBeginTx")
SQL_METHOD = re.compile(r"^(Exec|Query|QueryRow|Prepare|Stmt|NamedExec|NamedQuery|MustExec|Get|Select)")
DB_TYPES = {"database/sql": ("DB", "Conn"), "github.com/jmoiron/sqlx": ("DB", "Conn")}


def find(ctx: FileContext) -> list[Finding]:
    out = []
    for call in C.selector_calls(ctx, WITH_ERROR + NO_ERROR):
        has_error = ctx.call_name(call) in WITH_ERROR
        c = C.creation(ctx, call, has_error)
        if c is None or not C.used_as(ctx, c, ("Commit",)):
            continue  # never committed here: not a transaction this function finishes
        if not _is_sql(ctx, call, c):
            continue  # nothing says this is a database transaction: a look-alike Begin
        assigned = [u for u in ctx.uses(c.fn, c.var) if use_kind(u) in ("declared", "target")]
        if len(assigned) != 1:
            continue  # assigned again: one deferred Rollback would cover one transaction only
        never = (f"the transaction is committed but never rolled back: every return before "
                 f"{c.var}.Commit() leaks its connection and locks; defer {c.var}.Rollback()")
        res = C.Resource(ID, call, never, method="Rollback", has_error=has_error,
                         paths_only=False, allow_passed=True)
        finding = C.check(ctx, res)
        if finding is not None:
            out.append(finding)
    return out


def _is_sql(ctx: FileContext, call: Node, c: C.Creation) -> bool:
    """The transaction runs SQL (tx.Exec, tx.QueryContext, ...), or Begin is called on a
    value declared as a database/sql or sqlx DB or Conn."""
    for use in ctx.uses(c.fn, c.var, c.stmt.end_byte):
        p = use.parent
        if p is not None and p.type == "selector_expression" and SQL_METHOD.match(ctx.text(p.child_by_field_name("field"))):
            return True
    pattern = C.pkg_type_pattern(ctx, DB_TYPES)
    recv = C.receiver(call)
    return pattern is not None and recv is not None and C.declared_as(ctx, call, recv, pattern)


RULE = Rule(
    id=ID,
    doc=__doc__,
    find=find,
    triggers=(b"Begin",),
    requires=((b"Commit",),),
)
