"""The analysis layer: the only part of gofix that rules (codemods/) import.

The vocabulary a rule needs is re-exported here:

    from gofix.analysis import Applicability, FileContext, Finding, Fix, Rule, Severity

and the facts live in submodules, each memoised on the FileContext (`ctx.memo`):

- model       Finding, Fix, Edit, Applicability, Severity, Position, FileResult
- rule        Rule (what each codemods/ module exports as RULE)
- context     FileContext: tree, bytes, imports, Go version, per-function facts,
              `ctx.package`, `ctx.suppressed(rule_id, node)`, `ctx.type_of(expr)`, `ctx.memo`;
              where a rule's search starts: `ctx.selector_calls(*names)`,
              `ctx.token_nodes(token, parent_type)`, `ctx.identifier_calls(name)` (found from
              the bytes, no walk of the tree), else `ctx.entry_nodes(*kinds)` or
              `ctx.captures(S.entry_query(...), name)` (one shared walk per file)
- syntax      parsing, queries, node-kind constants and small structural facts of
              tree-sitter-golang trees (the only module that names node kinds)
- edits       building byte-range edits that keep gofmt layout; applying them
- package     Package / PackageFile: the other files of the package, read lazily
- suppression `//gofix:ignore`, `//nolint`, `//lint:ignore` as a fact of the file
- scope       binding(ctx, ident), references, declared_at, shadowed, fresh_name
- shapes      assignment_of(ctx, call), error_check_after(ctx, stmt), enclosing_* constructs
- flow        never_returns, never_returns_call (zap's lg.Panic by the receiver's type),
              terminates, exits, exits_between, always_leaves, loop_exits,
              paths_missing(ctx, from_stmt, done), runs_at_most_once
- lifetime    escape(ctx, value, after=stmt) -> reason | None, non_owning(ctx, call)
- types       (by the "closers" work) type_of(ctx, expr) -> GoType | None
"""

from gofix.analysis import syntax
from gofix.analysis.context import FileContext, FunctionFacts, literal_usage, use_kind
from gofix.analysis.edits import (
    apply_edits,
    ensure_import,
    insert_after_statement,
    insert_at_block_end,
    insert_at_block_start,
    insert_before_statement,
    remove_import,
    replace_node,
)
from gofix.analysis.model import Applicability, Edit, FileResult, Finding, Fix, Position, Severity
from gofix.analysis.package import Decl, Package, PackageFile
from gofix.analysis.rule import GO_FUNC_LITERAL, Imports, Rule

__all__ = [
    "Applicability",
    "Decl",
    "Edit",
    "FileContext",
    "FileResult",
    "Finding",
    "Fix",
    "FunctionFacts",
    "GO_FUNC_LITERAL",
    "Imports",
    "Package",
    "PackageFile",
    "Position",
    "Rule",
    "Severity",
    "apply_edits",
    "ensure_import",
    "insert_after_statement",
    "insert_at_block_end",
    "insert_at_block_start",
    "insert_before_statement",
    "literal_usage",
    "remove_import",
    "replace_node",
    "syntax",
    "use_kind",
]
