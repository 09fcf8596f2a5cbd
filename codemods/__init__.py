"""The rule catalog: one module per rule, listed here explicitly (no discovery magic).

Each module exports RULE, a gofix.rules.Rule. The order is the order of `gofix rules`.
"""

from codemods import (
    background_context_io,
    blocking_broadcast,
    context_value_in_loop,
    defer_in_loop,
    forgotten_sender,
    goroutine_without_exit,
    grpc_stream_leak,
    lost_cancel,
    no_ctx_request,
    request_context_in_goroutine,
    time_after_in_loop,
    tx_rollback,
    unclosed_body,
    unclosed_pipe,
    unclosed_range_channel,
    unclosed_resource,
    unclosed_rows,
    unstopped_afterfunc,
    unstopped_ticker,
    wg_add_in_goroutine,
)

RULES = [
    lost_cancel.RULE,
    time_after_in_loop.RULE,
    unstopped_ticker.RULE,
    unclosed_body.RULE,
    unclosed_rows.RULE,
    tx_rollback.RULE,
    unclosed_resource.RULE,
    forgotten_sender.RULE,
    unclosed_range_channel.RULE,
    wg_add_in_goroutine.RULE,
    defer_in_loop.RULE,
    context_value_in_loop.RULE,
    request_context_in_goroutine.RULE,
    goroutine_without_exit.RULE,
    background_context_io.RULE,
    no_ctx_request.RULE,
    unstopped_afterfunc.RULE,
    unclosed_pipe.RULE,
    grpc_stream_leak.RULE,
    blocking_broadcast.RULE,
]

RULE_IDS = frozenset(r.id for r in RULES)
