"""The top of `learnability.lsp`: build the server with every feature registered, and run it.

`learnability serve` calls `run_server`. The features are registered in this order: lifecycle first
(initialize reads the settings every other feature uses).
"""

from __future__ import annotations

import logging
import sys

from learnability.lsp import (
    code_actions,
    code_lens,
    commands,
    diagnostics,
    hover,
    lifecycle,
    notebooks,
    probe_command,
)
from learnability.lsp.server import FramedStdin, LearnabilityServer, logger

FEATURES = (lifecycle, diagnostics, notebooks, code_actions, hover, code_lens, commands, probe_command)


def create_server() -> LearnabilityServer:
    server = LearnabilityServer()
    for feature in FEATURES:
        feature.register(server)
    return server


def run_server(tcp: str | None = None) -> int:
    """Serve on stdio, or on HOST:PORT for debugging. Returns the exit status."""
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="learnability-lsp %(levelname)s %(message)s")
    server = create_server()
    try:
        if tcp:
            host, _, port = tcp.rpartition(":")
            server.start_tcp(host or "127.0.0.1", int(port))
        else:
            server.start_io(stdin=FramedStdin(sys.stdin.buffer))  # type: ignore[arg-type]  # it has what pygls reads: readline(), read(n)
    finally:
        server.worker.close()
        server.big_worker.close()
    code = server.protocol.exit_code
    if code:
        logger.warning("exit without shutdown: exit code %d", code)
    return code or 0
