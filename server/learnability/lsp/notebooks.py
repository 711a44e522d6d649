"""Notebooks over LSP (`notebookDocument/*`): the Python code cells of a notebook are analysed
together as one program (data made in cell 1, the model in cell 2, `fit` in cell 3), and each finding
goes back to its cell's URI. IPython magics and `!shell` lines are blanked before the analysis
(`learnability.sources.notebook_program`), so they never count as syntax errors. The snapshot of a
notebook is `snapshots.notebook_snapshot`; here are the notifications.

The capability is advertised only to clients that declare notebook synchronization (pygls decides).
"""

from __future__ import annotations

from lsprotocol import types

from learnability.lsp.diagnostics import close_unit, schedule
from learnability.lsp.server import LearnabilityServer
from learnability.lsp.state import Unit


def register(server: LearnabilityServer) -> None:
    @server.feature(types.NOTEBOOK_DOCUMENT_DID_OPEN)
    def did_open(ls: LearnabilityServer, params: types.DidOpenNotebookDocumentParams) -> None:
        uri = params.notebook_document.uri
        unit = ls.units.get(uri) or Unit(uri, "notebook")
        ls.units[uri] = unit
        unit.generation += 1
        schedule(ls, unit, 0)

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_CHANGE)
    def did_change(ls: LearnabilityServer, params: types.DidChangeNotebookDocumentParams) -> None:
        unit = ls.units.get(params.notebook_document.uri)
        if unit is None:
            return
        unit.generation += 1
        if ls.settings.lint_on == "change":
            schedule(ls, unit, ls.debounce_s)

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_SAVE)
    def did_save(ls: LearnabilityServer, params: types.DidSaveNotebookDocumentParams) -> None:
        unit = ls.units.get(params.notebook_document.uri)
        if unit is not None and (unit.published_generation != unit.generation or ls.settings.lint_on == "save"):
            schedule(ls, unit, 0)

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_CLOSE)
    def did_close(ls: LearnabilityServer, params: types.DidCloseNotebookDocumentParams) -> None:
        close_unit(ls, params.notebook_document.uri)
