"""Notebooks over LSP (`notebookDocument/*`): the Python code cells of a notebook are analysed
together as one program (data made in cell 1, the model in cell 2, `fit` in cell 3), and each finding
goes back to its cell's URI. IPython magics and `!shell` lines are blanked before the analysis
(`learnability.sources.notebook_program`), so they never count as syntax errors.

The capability is advertised only to clients that declare notebook synchronization (pygls decides).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from lsprotocol import types

from learnability.lsp.diagnostics import Snapshot, close_unit, fs_path, schedule
from learnability.lsp.positions import LineMap, split_lines
from learnability.lsp.server import Unit
from learnability.sources import notebook_program


def open_doc(ls: Any, uri: str) -> Any:
    return ls.workspace.text_documents.get(unquote(uri))


def notebook_snapshot(ls: Any, unit: Unit) -> Snapshot | None:
    nb = ls.workspace.get_notebook_document(notebook_uri=unit.uri)
    if nb is None:
        return None
    cell_uris: list[str] = []
    texts: list[str] = []
    docs: dict[str, tuple[int | None, LineMap]] = {}
    numbers: dict[str, int] = {}  # cell uri -> 1-based cell number in the notebook (markdown counted)
    for number, cell in enumerate(nb.cells, start=1):
        numbers[cell.document] = number
        if cell.kind != types.NotebookCellKind.Code:
            continue
        doc = open_doc(ls, cell.document)
        if doc is None or (doc.language_id not in (None, "", "python")):
            continue
        cell_uris.append(cell.document)
        texts.append(doc.source)
        docs[cell.document] = (doc.version, LineMap(split_lines(doc.source), ls.encoding))
    text, mapping = notebook_program(texts)
    snap = Snapshot(unit.uri, unit.generation, text, fs_path(unit.uri), docs)

    def where(line: int) -> tuple[str, int] | None:
        if not mapping or line < 1:
            return None
        ci, li = mapping[min(line, len(mapping)) - 1]
        uri = cell_uris[ci]
        n = len(docs[uri][1].lines)
        return uri, min(li + 1, n)

    snap.where = where

    def label(line: int, shown_in: str) -> str | None:
        found = where(line)
        if found is None:
            return None
        uri, cline = found
        return f"line {cline}" if uri == shown_in else f"line {cline} of cell {numbers.get(uri, '?')}"

    snap.label = label
    return snap


def unit_of(ls: Any, uri: str) -> str | None:
    """The analysed unit (file or notebook) an editor document belongs to."""
    if uri in ls.units:
        return uri
    res = ls.results.get(uri)
    if res is not None:
        return res.unit
    nb = ls.workspace.get_notebook_document(cell_uri=uri)
    if nb is not None and nb.uri in ls.units:
        return nb.uri
    return None


def register(ls: Any) -> None:
    @ls.feature(types.NOTEBOOK_DOCUMENT_DID_OPEN)
    def did_open(ls: Any, params: types.DidOpenNotebookDocumentParams) -> None:
        uri = params.notebook_document.uri
        unit = ls.units.get(uri) or Unit(uri, "notebook")
        ls.units[uri] = unit
        unit.generation += 1
        schedule(ls, unit, 0)

    @ls.feature(types.NOTEBOOK_DOCUMENT_DID_CHANGE)
    def did_change(ls: Any, params: types.DidChangeNotebookDocumentParams) -> None:
        unit = ls.units.get(params.notebook_document.uri)
        if unit is None:
            return
        unit.generation += 1
        if ls.settings.lint_on == "change":
            schedule(ls, unit, ls.debounce_s)

    @ls.feature(types.NOTEBOOK_DOCUMENT_DID_SAVE)
    def did_save(ls: Any, params: types.DidSaveNotebookDocumentParams) -> None:
        unit = ls.units.get(params.notebook_document.uri)
        if unit is not None and (unit.published_generation != unit.generation or ls.settings.lint_on == "save"):
            schedule(ls, unit, 0)

    @ls.feature(types.NOTEBOOK_DOCUMENT_DID_CLOSE)
    def did_close(ls: Any, params: types.DidCloseNotebookDocumentParams) -> None:
        close_unit(ls, params.notebook_document.uri)
