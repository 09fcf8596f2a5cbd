"""tx-rollback: a transaction that is committed is not rolled back on the other paths

## What it does
Finds `tx, err := X.Begin()` (also `BeginTx`, and sqlx's `Beginx`, `BeginTxx`, `MustBegin`,
`MustBeginTx`) where `X` is declared as a `database/sql` or sqlx `DB` or `Conn` (in any file
of the package), with `tx.Commit()` used and no `tx.Rollback()` anywhere in the function,
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

from codemods import _closers as C
from gofix.analysis import types
from gofix.analysis.context import FileContext, use_kind
from gofix.analysis.model import Finding
from gofix.analysis.rule import Rule

ID = "tx-rollback"
WITH_ERROR = ("Begin", "BeginTx", "Beginx", "BeginTxx")
NO_ERROR = ("MustBegin", "MustBeginTx")
# Transactions whose Rollback() takes no arguments and is a no-op after Commit.
TX_TYPES = (types.GoType("database/sql", "*Tx"), types.GoType("github.com/jmoiron/sqlx", "*Tx"))


def find(ctx: FileContext) -> list[Finding]:
    out = []
    for call in ctx.selector_calls(*WITH_ERROR, *NO_ERROR):
        has_error = ctx.call_name(call) in WITH_ERROR
        c = C.creation(ctx, call, has_error)
        if c is None or not C.used_as(ctx, c, ("Commit",)):
            continue  # never committed here: not a transaction this function finishes
        results = types.results_of(ctx, call)
        if not results or results[0] not in TX_TYPES:
            continue  # not known to be a database/sql or sqlx transaction: a look-alike Begin
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


RULE = Rule(
    id=ID,
    doc=__doc__,
    find=find,
    triggers=(b"Begin",),
    requires=((b"Commit",),),
)
