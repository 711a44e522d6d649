"""Notebooks over LSP: code cells analysed together, findings mapped back to their cells."""

from __future__ import annotations

import asyncio

from lsp_helpers import apply_text_edits, edits_of, notebook_caps, session, wait_diagnostics, wait_for
from lsprotocol import types

NB = "file:///tmp/learnability-demo.ipynb"
CELLS = [
    # cell 1: data (with IPython magics and a shell line, which are not Python)
    "%matplotlib inline\n!pip list\nimport numpy as np\nX = np.random.rand(200, 32, 32, 3) * 100\n"
    "y = np.random.randint(0, 2, 200)\n",
    # cell 2: markdown, not analysed
    "# The model",
    # cell 3: the model
    "from tensorflow import keras\nfrom tensorflow.keras import layers\n"
    "model = keras.Sequential([\n"
    '    layers.Conv2D(32, (3, 3), activation="sigmoid", input_shape=(32, 32, 3)),\n'
    "    layers.Flatten(),\n"
    '    layers.Dense(1, activation="sigmoid"),\n'
    "])\n",
    # cell 4: training
    'model.compile(optimizer="adam", loss="binary_crossentropy")\nmodel.fit(X, y, epochs=5)\n',
]


def cell_uri(i: int) -> str:
    return f"vscode-notebook-cell:/tmp/learnability-demo.ipynb#W{i}sZmlsZQ%3D%3D"


def open_notebook(client) -> None:
    cells = []
    docs = []
    for i, text in enumerate(CELLS):
        markdown = i == 1
        cells.append(types.NotebookCell(kind=types.NotebookCellKind.Markup if markdown else types.NotebookCellKind.Code,
                                        document=cell_uri(i)))
        docs.append(types.TextDocumentItem(uri=cell_uri(i), language_id="markdown" if markdown else "python",
                                           version=1, text=text))
    client.notebook_document_did_open(types.DidOpenNotebookDocumentParams(
        notebook_document=types.NotebookDocument(uri=NB, notebook_type="jupyter-notebook", version=1, cells=cells),
        cell_text_documents=docs))


async def test_notebook_sync_is_advertised_to_clients_that_support_it():
    async with session(notebook_caps()) as (client, rec):
        sync = client.init_result.capabilities.notebook_document_sync
        # every cell is synchronised (markdown too: cell numbers as the notebook shows them), Python analysed
        assert [c.language for c in sync.notebook_selector[0].cells] == ["python", "*"]
        open_notebook(client)
        d3 = await wait_diagnostics(client, rec, cell_uri(3))
        d2 = await wait_diagnostics(client, rec, cell_uri(2))
        d0 = await wait_diagnostics(client, rec, cell_uri(0))
        # conv in cell 3 (line 4 of the cell), fit in cell 4, the unscaled data made in cell 1
        assert [(d.code, d.range.start.line) for d in d2 if d.code == "LRN101"] == [("LRN101", 3)]
        unscaled = next(d for d in d3 if d.code == "LRN501")
        assert unscaled.range.start.line == 1
        rel = unscaled.related_information[0].location
        assert rel.uri == cell_uri(0) and rel.range.start.line == 3
        assert "made on line 4 of cell 1" in unscaled.message  # the cell's own line, not the joined program's
        # magics are not syntax errors
        assert not [d for d in d0 if "syntax" in d.message]
        # quick fix in a cell edits that cell
        actions = await client.text_document_code_action_async(types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(cell_uri(2)),
            range=types.Range(types.Position(3, 0), types.Position(3, 80)),
            context=types.CodeActionContext(diagnostics=[])))
        fix = next(a for a in actions if a.title.startswith("Use 'relu'"))
        new = apply_text_edits(CELLS[2], edits_of(fix.edit, cell_uri(2)))
        assert 'activation="relu", input_shape' in new
        # code lens in the cell that calls fit, for the whole notebook
        lenses = await client.text_document_code_lens_async(types.CodeLensParams(
            types.TextDocumentIdentifier(cell_uri(3))))
        assert [(l.range.start.line, list(l.command.arguments)) for l in lenses] == [(1, [NB])]
        # hover in a cell
        hover = await client.text_document_hover_async(types.HoverParams(
            types.TextDocumentIdentifier(cell_uri(2)), types.Position(3, 45)))
        assert "LRN101" in hover.contents.value

        # edit cell 1: scale the data; the finding in cell 4 goes away
        n = len(rec.published)
        col = CELLS[0].split("\n")[3].index(" * 100")
        client.notebook_document_did_change(types.DidChangeNotebookDocumentParams(
            notebook_document=types.VersionedNotebookDocumentIdentifier(version=2, uri=NB),
            change=types.NotebookDocumentChangeEvent(cells=types.NotebookDocumentCellChanges(text_content=[
                types.NotebookDocumentCellContentChanges(
                    document=types.VersionedTextDocumentIdentifier(uri=cell_uri(0), version=2),
                    changes=[types.TextDocumentContentChangePartial(
                        range=types.Range(types.Position(3, col), types.Position(3, col + 6)), text="")])]))))
        d3 = await wait_diagnostics(client, rec, cell_uri(3), after=n)
        assert not [d for d in d3 if d.code == "LRN501"]

        # closing the notebook clears every cell
        n = len(rec.published)
        client.notebook_document_did_close(types.DidCloseNotebookDocumentParams(
            notebook_document=types.NotebookDocumentIdentifier(uri=NB),
            cell_text_documents=[types.TextDocumentIdentifier(cell_uri(i)) for i in range(4)]))
        assert await wait_diagnostics(client, rec, cell_uri(2), after=n) == []


async def test_a_probe_of_a_notebook_reads_in_cells_and_uses_the_editors_settings():
    """The probe's report reaches the client with every line counted in its cell (the cell's number as the
    notebook shows it, markdown counted); its evidence in diagnostics and hovers cites "line n of cell C";
    and the probe ran with the editor's rule settings, which the report names."""
    settings = {"settings": {"thresholds": {"lr_max_adaptive": 0.5}}}
    async with session(notebook_caps(), init_options=settings,
                       env={"LEARNABILITY_PROBE_RUNNER": "fake_probe_runner:run_probe"}) as (client, rec):
        open_notebook(client)
        await wait_diagnostics(client, rec, cell_uri(3))
        n = len(rec.published)
        result = await asyncio.wait_for(client.workspace_execute_command_async(
            types.ExecuteCommandParams("learnability.runProbe", [NB])), 30)
        report = result["report"]
        await wait_for(lambda: rec.custom)
        _, params = rec.custom[0]
        sent = params["report"] if isinstance(params, dict) else params.report
        sig, fit = report["findings"]
        # the sigmoid conv: line 4 of the model cell, cell 3 (the markdown cell 2 counted), not program line 10
        assert (sig["cell"], sig["line"], sig["end_line"]) == (3, 4, 4)
        assert (fit["cell"], fit["line"]) == (4, 2)
        assert fit["evidence"].endswith("the inputs made on line 4 of cell 1 span 0..100")
        layer = report["layers"][0]
        assert (layer["cell"], layer["line"]) == (3, 4)
        assert report["rule_thresholds"]["lr_max_adaptive"] == {"value": 0.5, "from": "editor settings"}
        assert report["rule_thresholds"]["dropout_max"]["from"] == "default"
        first = sent["findings"][0] if isinstance(sent, dict) else sent.findings[0]._asdict()
        assert (first["cell"], first["line"]) == (3, 4)  # the notification carries the same, in cells
        # the diagnostics and the hover say it in the cell's terms too
        d3 = await wait_diagnostics(client, rec, cell_uri(3), after=n)
        own = next(d for d in d3 if d.code == "PRB001")
        assert own.range.start.line == 1 and "the inputs made on line 4 of cell 1 are large" in own.message
        hover = await client.text_document_hover_async(types.HoverParams(
            types.TextDocumentIdentifier(cell_uri(3)), types.Position(1, 2)))
        assert "made on line 4 of cell 1" in hover.contents.value

