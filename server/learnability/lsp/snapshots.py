"""What a lint run or a probe analyses: a snapshot of an open file, or of an open notebook's Python code
cells joined into one program (IPython magics and `!shell` lines blanked by
`learnability.sources.notebook_program`), with the map from its lines back to the editor documents."""

from __future__ import annotations

from urllib.parse import unquote

from lsprotocol import types
from pygls import uris
from pygls.workspace import TextDocument

from learnability.lsp.positions import LineMap, split_lines
from learnability.lsp.server import LearnabilityServer
from learnability.lsp.state import Snapshot, Unit
from learnability.sources import notebook_program


def fs_path(uri: str) -> str | None:
    try:
        return uris.to_fs_path(uri) if uri.startswith("file:") else None
    except Exception:
        return None


def open_doc(ls: LearnabilityServer, uri: str) -> TextDocument | None:
    doc: TextDocument | None = ls.workspace.text_documents.get(unquote(uri))
    return doc


def text_snapshot(ls: LearnabilityServer, unit: Unit) -> Snapshot | None:
    doc = open_doc(ls, unit.uri)
    if doc is None:
        return None
    text = doc.source
    lm = LineMap(split_lines(text), ls.encoding)
    snap = Snapshot(unit.uri, unit.generation, text, fs_path(unit.uri), {unit.uri: (doc.version, lm)})
    n = len(lm.lines)

    def where(line: int, uri: str = unit.uri) -> tuple[str, int] | None:
        return (uri, line) if 1 <= line <= n else ((uri, n) if line > n else None)

    snap.where = where
    return snap


def notebook_snapshot(ls: LearnabilityServer, unit: Unit) -> Snapshot | None:
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

    def locate(line: int) -> tuple[int, int] | None:
        found = where(line)
        number = numbers.get(found[0]) if found is not None else None
        return (number, found[1]) if found is not None and number is not None else None

    snap.locate = locate
    return snap


def take_snapshot(ls: LearnabilityServer, unit: Unit) -> Snapshot | None:
    return notebook_snapshot(ls, unit) if unit.kind == "notebook" else text_snapshot(ls, unit)


def unit_of(ls: LearnabilityServer, uri: str) -> str | None:
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
