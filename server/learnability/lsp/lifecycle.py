"""initialize / initialized / shutdown and settings changes."""

from __future__ import annotations

from typing import Any

from lsprotocol import types

from learnability.lsp.settings import Settings


def apply_settings(ls: Any, data: Any, origin: str) -> None:
    problems: list[str] = []
    new = Settings.from_dict(data, problems)
    old = ls.settings
    ls.settings = new
    for p in problems:
        ls.log("warning", f"settings ({origin}): {p}")
    if new != old:
        ls.log("debug", f"settings from {origin}: {new}")


async def pull_configuration(ls: Any) -> bool:
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


def register(ls: Any) -> None:
    @ls.feature(types.INITIALIZE)
    def initialize(ls: Any, params: types.InitializeParams) -> None:
        from learnability.lsp.server import set_rules_document

        apply_settings(ls, params.initialization_options, "initializationOptions")
        set_rules_document(params.initialization_options)
        try:
            ls.worker.start()
        except Exception as exc:  # it is retried on the first analysis
            ls.log("error", f"cannot start the analysis worker: {exc!r}")

    @ls.feature(types.INITIALIZED)
    async def initialized(ls: Any, params: types.InitializedParams) -> None:
        from learnability.lsp.server import warm_up

        warm_up()
        ls.log("info", f"learnability language server {ls.version} ready (position encoding {ls.encoding})")
        if await pull_configuration(ls):
            from learnability.lsp.diagnostics import relint_all

            relint_all(ls)

    @ls.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def did_change_configuration(ls: Any, params: types.DidChangeConfigurationParams) -> None:
        from learnability.lsp.diagnostics import relint_all

        if not await pull_configuration(ls):
            settings = params.settings
            if isinstance(settings, dict) and settings:
                apply_settings(ls, settings, "didChangeConfiguration")
        ls.resolver.clear()
        relint_all(ls)

    @ls.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched_files(ls: Any, params: types.DidChangeWatchedFilesParams) -> None:
        from learnability.lsp.diagnostics import relint_all

        if any(c.uri.endswith("pyproject.toml") for c in params.changes):
            ls.resolver.clear()
            relint_all(ls)

    @ls.feature(types.SHUTDOWN)
    def shutdown(ls: Any, *args: Any) -> None:
        for event in list(ls.probes.values()):
            event.set()
        ls.worker.close()
        ls.big_worker.close()
