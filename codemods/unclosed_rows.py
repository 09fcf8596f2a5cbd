"""unclosed-rows: SQL rows or a prepared statement are never closed, or closed on some paths only

## What it does
Finds `rows, err := X.Query(...)` (also `QueryContext`, and sqlx's `Queryx`, `QueryxContext`,
`NamedQuery`) and `stmt, err := X.Prepare(...)` (also `PrepareContext`, `Preparex`,
`PreparexContext`) where `X` is declared as a `database/sql` or sqlx `DB`, `Conn`, `Tx` or
`Stmt`, and `rows, err := X.Query(ctx, ...)` where `X` is a pgx v4/v5 `*pgx.Conn`,
`*pgxpool.Pool`, `*pgxpool.Conn` or `pgx.Tx` (declared in any file of the package), with no
`Close()` on the result in the function, or with a `Close()` that an early return between
the call and it skips. A `Query` whose receiver's type gofix cannot read from the
declarations is not reported, and neither is a statement prepared on a transaction
(`tx.Prepare`, `tx.PrepareContext`, sqlx's `tx.Preparex`): database/sql closes it when the
transaction is committed or rolled back.

## Why is this bad?
Each open `*sql.Rows` (or `pgx.Rows`) holds a connection of the pool until it is closed (or
read to the end); a prepared statement holds its server-side handle. When they leak, the pool drains
and every later query hangs.

## Example
```go
rows, err := db.QueryContext(ctx, "SELECT name FROM users")
if err != nil {
	return nil, err
}
var names []string
for rows.Next() {
	var n string
	if err := rows.Scan(&n); err != nil {
		return nil, err
	}
	names = append(names, n)
}
return names, rows.Err()
```
Use instead:
```go
rows, err := db.QueryContext(ctx, "SELECT name FROM users")
if err != nil {
	return nil, err
}
defer rows.Close()
```

## Fix safety
Safe: `defer rows.Close()` (`defer stmt.Close()`) directly after the `if err != nil`
check that follows the call, or first in `if err == nil { ... }`; existing `Close` calls
stay (a second Close returns nil). Inside a loop body: `rows.Close()` at the end of the
body when no early exit follows. No fix without such a check, when `err` is `_`, or when
the value is used by a goroutine or callback; no finding when it is returned, stored, sent
or passed whole to another function.
"""

from __future__ import annotations

from codemods import _closers as C
from gofix.analysis import types
from gofix.analysis.context import FileContext
from gofix.analysis.model import Finding
from gofix.analysis.rule import Rule

ID = "unclosed-rows"
QUERIES = ("Query", "QueryContext", "Queryx", "QueryxContext", "NamedQuery", "NamedQueryContext")
PREPARES = ("Prepare", "PrepareContext", "Preparex", "PreparexContext")
SQL, SQLX = "database/sql", "github.com/jmoiron/sqlx"
# The result types that hold a connection (or a prepared handle) until closed.
KINDS = {
    types.GoType(SQL, "*Rows"): "rows",
    types.GoType(SQLX, "*Rows"): "rows",
    types.GoType(types.PGX4, "Rows"): "rows",
    types.GoType(types.PGX5, "Rows"): "rows",
    types.GoType(SQL, "*Stmt"): "statement",
    types.GoType(SQLX, "*Stmt"): "statement",
}


def find(ctx: FileContext) -> list[Finding]:
    out = []
    for call in ctx.selector_calls(*QUERIES, *PREPARES):
        results = types.results_of(ctx, call)
        kind = KINDS.get(results[0]) if results else None
        if kind is None:
            continue  # not known to be database/sql, sqlx or pgx: a look-alike Query or Prepare
        if kind == "statement" and _on_transaction(ctx, call):
            continue  # a Tx's statement is closed when the transaction commits or rolls back
        c = C.creation(ctx, call, True)
        if c is None:
            continue
        name = ctx.call_name(call)
        if kind == "rows":
            never = (f"the rows returned by {name} are never closed: they hold a pooled connection "
                     f"until closed, and the pool drains; close {c.var}")
        else:
            never = (f"the statement returned by {name} is never closed: it holds its prepared "
                     f"handle on the connections it used until closed; close {c.var}")
        finding = C.check(ctx, C.Resource(ID, call, never))
        if finding is not None:
            out.append(finding)
    return out


def _on_transaction(ctx: FileContext, call) -> bool:
    recv = C.receiver(call)
    return recv is not None and (types.is_type(ctx, recv, SQL, "Tx") or types.is_type(ctx, recv, SQLX, "Tx"))


RULE = Rule(
    id=ID,
    doc=__doc__,
    find=find,
    triggers=tuple(f"{n}(".encode() for n in QUERIES + PREPARES),
    requires=((b"Query", b"Prepare"),),  # held by every trigger: two scans tell most files apart, not ten
    nolint=("sqlclosecheck",),
)
