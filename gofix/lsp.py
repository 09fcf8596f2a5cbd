"""`gofix lsp`: the language server command (the server itself is in gofix.lsp_server).

This module stays light: the CLI imports it at start-up to register the command, and only
`gofix lsp` pays for importing pygls.
"""

from __future__ import annotations

import sys
from typing import Annotated, Optional

import typer


def register(app: typer.Typer) -> None:
    """Add the `lsp` command to the gofix CLI."""

    @app.command()
    def lsp(
        tcp: Annotated[Optional[str], typer.Option(
            "--tcp", metavar="HOST:PORT",
            help="Listen on a TCP socket instead of stdio (for debugging).")] = None,
        stdio: Annotated[bool, typer.Option(
            "--stdio", help="Talk LSP over stdin/stdout (the default; accepted for clients that pass it).")] = False,
        log_file: Annotated[Optional[str], typer.Option(
            "--log-file", help="Write the server's debug log to this file.")] = None,
        time_budget: Annotated[Optional[float], typer.Option(
            "--time-budget", metavar="SECONDS", min=0,
            help="CPU seconds of analysis per buffer (default 10, or the config's time-budget; 0: no "
                 "limit); a buffer that takes longer gets no diagnostics and a 'too complex' warning.")] = None,
    ) -> None:
        """Start the language server: diagnostics and quick fixes in any LSP editor."""
        address = None
        if tcp is not None:
            host, sep, port = tcp.rpartition(":")
            if not sep or not port.isdigit():
                print(f"gofix: --tcp {tcp!r}: expected HOST:PORT, e.g. 127.0.0.1:2087", file=sys.stderr)
                raise typer.Exit(2)
            address = (host or "127.0.0.1", int(port))
        from gofix.lsp_server import serve

        serve(tcp=address, log_file=log_file, time_budget=time_budget)
