"""The probe's measured edits (PRB007's rate, PRB017's epochs, PRB018's repair) become quick fixes in the editor,
from the last probe report, with a stand-in runner shaped like the real report (no TensorFlow)."""

from __future__ import annotations

import asyncio

from lsp_helpers import apply_text_edits, edits_of, open_doc, session, wait_diagnostics
from lsprotocol import types

# the flagged literals follow non-ASCII text on their lines: the edits must land in UTF-16 columns
SCRIPT = '''import numpy as np
from tensorflow import keras

X = np.random.rand(200, 8)
y = (X.sum(axis=1) > 4).astype("int32")
model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(16, activation="relu"),
                          keras.layers.Dense(1, activation="sigmoid")])
_ = "😀 é"; model.compile(optimizer=keras.optimizers.Adam(learning_rate=3.0), loss="binary_crossentropy")
_ = "😀"; model.fit(X, y, epochs=1)
'''
ENV = {"LEARNABILITY_PROBE_RUNNER": "fake_probe_runner:run_probe", "FAKE_PROBE_MODE": "rate_fix"}


def params(uri: str, line: int) -> types.CodeActionParams:
    return types.CodeActionParams(text_document=types.TextDocumentIdentifier(uri),
                                  range=types.Range(types.Position(line, 0), types.Position(line, 200)),
                                  context=types.CodeActionContext(diagnostics=[]))


async def test_probe_fixes_are_offered_as_quick_fixes(tmp_path):
    path = tmp_path / "rate.py"
    path.write_text(SCRIPT, encoding="utf-8")
    uri = path.as_uri()
    async with session(env=ENV) as (client, rec):
        open_doc(client, uri, SCRIPT, version=3)
        await wait_diagnostics(client, rec, uri)
        before = await client.text_document_code_action_async(params(uri, 7))
        assert not any("PRB007" in a.title for a in before or [])  # nothing from the probe before it ran
        n = len(rec.published)
        result = await asyncio.wait_for(client.workspace_execute_command_async(
            types.ExecuteCommandParams("learnability.runProbe", [uri])), 30)
        assert result["ok"]
        diags = await wait_diagnostics(client, rec, uri, after=n)
        prb7 = next(d for d in diags if d.code == "PRB007")

        actions = await client.text_document_code_action_async(params(uri, 7))
        (rate,) = [a for a in actions if "PRB007" in a.title]
        assert rate.title.startswith("use learning rate 0.001") and "review" in rate.title
        assert rate.kind == types.CodeActionKind.QuickFix and not rate.is_preferred
        assert list(rate.diagnostics) == [prb7]
        fixed = apply_text_edits(SCRIPT, edits_of(rate.edit, uri))
        assert "Adam(learning_rate=0.001)" in fixed and fixed.replace("0.001", "3.0", 1) == SCRIPT
        assert rate.edit.document_changes[0].text_document.version == 3  # for the version analysed

        (epochs,) = [a for a in await client.text_document_code_action_async(params(uri, 8)) if "PRB017" in a.title]
        assert apply_text_edits(SCRIPT, edits_of(epochs.edit, uri)).endswith("model.fit(X, y, epochs=12)\n")
        # a range elsewhere gets neither
        assert not [a for a in await client.text_document_code_action_async(params(uri, 3)) if "PRB0" in a.title]
