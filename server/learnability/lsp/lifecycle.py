"""initialize / initialized / shutdown and settings changes."""

from __future__ import annotations

import threading
from typing import Any

from lsprotocol import types

from learnability.lsp.diagnostics import relint_all
from learnability.lsp.server import LearnabilityServer
from learnability.lsp.settings import Settings


def apply_settings(ls: LearnabilityServer, data: Any, origin: str) -> None:
    problems: list[str] = []
    new = Settings.from_dict(data, problems)
    old = ls.settings
    ls.settings = new
    for p in problems:
        ls.log("warning", f"settings ({origin}): {p}")
    if new != old:
        ls.log("debug", f"settings from {origin}: {new}")


async def pull_configuration(ls: LearnabilityServer) -> bool:
    """Ask the client for section "learnability" (when it supports workspace/configuration)."""
    if not ls.client_supports("workspace.configuration"):
        return False
    try:
        result = await ls.workspace_configuration_async(
            types.ConfigurationParams(items=[types.ConfigurationItem(section="learnability")]))
    except Exception as exc:
        ls.log("warning", f"workspace/configuration failed: {exc!r}")
        return False
    if result and isinstance(result[0], dict) and result[0]:
        apply_settings(ls, result[0], "workspace/configuration")
        return True
    return False


def warm_up() -> None:
    """Load the rule catalog in the background, so the first hover does not pay for it."""
    def load() -> None:
        try:
            from learnability.rules import all_rules

            all_rules()
        except Exception:
            pass

    threading.Thread(target=load, daemon=True, name="learnability-warm-up").start()


def register(server: LearnabilityServer) -> None:
    @server.feature(types.INITIALIZE)
    def initialize(ls: LearnabilityServer, params: types.InitializeParams) -> None:
        apply_settings(ls, params.initialization_options, "initializationOptions")
        ls.set_rules_document(params.initialization_options)
        try:
            ls.worker.start()
        except Exception as exc:  # it is retried on the first analysis
            ls.log("error", f"cannot start the analysis worker: {exc!r}")

    @server.feature(types.INITIALIZED)
    async def initialized(ls: LearnabilityServer, params: types.InitializedParams) -> None:
        warm_up()
        ls.log("info", f"learnability language server {ls.version} ready (position encoding {ls.encoding})")
        if await pull_configuration(ls):
            relint_all(ls)

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def did_change_configuration(ls: LearnabilityServer, params: types.DidChangeConfigurationParams) -> None:
        if not await pull_configuration(ls):
            settings = params.settings
            if isinstance(settings, dict) and settings:
                apply_settings(ls, settings, "didChangeConfiguration")
        ls.resolver.clear()
        relint_all(ls)

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched_files(ls: LearnabilityServer, params: types.DidChangeWatchedFilesParams) -> None:
        if any(c.uri.endswith("pyproject.toml") for c in params.changes):
            ls.resolver.clear()
            relint_all(ls)

    @server.feature(types.SHUTDOWN)
    def shutdown(ls: LearnabilityServer, *args: Any) -> None:
        for event in list(ls.probes.values()):
            event.set()
        ls.worker.close()
        ls.big_worker.close()
