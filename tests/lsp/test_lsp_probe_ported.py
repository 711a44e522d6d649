"""After a probe stops before fit on a Keras 2 API that a safe Keras 3 fix changes, the editor offers to probe a
ported copy: a code action running `learnability.runProbe [uri, {"ported": true}]`, which probes a temporary copy
with the fixes applied (never the document or its file), and maps the report back onto the document."""

from __future__ import annotations

import asyncio
from pathlib import Path

from lsp_helpers import open_doc, raw_request, session, wait_diagnostics
from lsprotocol import types

SCRIPT = '''import numpy as np
from tensorflow import keras

X = np.random.rand(64, 4)
y = (X[:, 0] > 0.5).astype("float32")
model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(X, y, nb_epoch=3)
'''
ENV = {"LEARNABILITY_PROBE_RUNNER": "fake_probe_runner:run_probe", "FAKE_PROBE_MODE": "keras2"}


async def probe_actions(client, uri: str, line: int) -> list[dict]:
    """The code actions on `line` that run the probe, as the JSON the server sends (the test client's converter
    would read a CodeAction carrying a command as a Command)."""
    params = {"textDocument": {"uri": uri}, "context": {"diagnostics": []},
              "range": {"start": {"line": line, "character": 0}, "end": {"line": line, "character": 200}}}
    actions = await raw_request(client, "textDocument/codeAction", params)
    return [a for a in actions or [] if isinstance(a.get("command"), dict)
            and a["command"].get("command") == "learnability.runProbe"]


async def test_a_keras2_failure_offers_the_ported_probe_and_it_runs_on_a_copy(tmp_path):
    path = tmp_path / "train.py"
    path.write_text(SCRIPT, encoding="utf-8")
    uri = path.as_uri()
    async with session(env=ENV) as (client, rec):
        open_doc(client, uri, SCRIPT)
        await wait_diagnostics(client, rec, uri)
        assert not await probe_actions(client, uri, 7)  # no probe yet
        result = await asyncio.wait_for(client.workspace_execute_command_async(
            types.ExecuteCommandParams("learnability.runProbe", [uri])), 30)
        assert result["verdict"] == "error" and result["report"]["port"]["rules"] == ["LRN001"]

        (offer,) = await probe_actions(client, uri, 7)
        assert offer["title"].startswith("Probe a ported copy (LRN001") and not offer.get("isPreferred")
        assert offer["kind"] == "quickfix" and offer["command"]["arguments"] == [uri, {"ported": True}]
        assert any(d["code"] == "LRN001" for d in offer["diagnostics"])  # on the Keras 2 finding the failure confirms
        assert not await probe_actions(client, uri, 3)

        n = len(rec.published)
        ported = await asyncio.wait_for(client.workspace_execute_command_async(
            types.ExecuteCommandParams(offer["command"]["command"], offer["command"]["arguments"])), 30)
        report = ported["report"]
        assert ported["verdict"] == "learns" and report["summary"].startswith("ported copy (1 Keras 3 fix applied")
        copy = Path(report["ported"]["copy"])
        assert copy.parent != tmp_path and "model.fit(X, y, epochs=3)" in copy.read_text(encoding="utf-8")
        assert path.read_text(encoding="utf-8") == SCRIPT  # the file is never written
        diags = await wait_diagnostics(client, rec, uri, after=n)
        prb = next(d for d in diags if d.code == "PRB017")
        assert prb.range.start.line == 7  # the copy's fit line, on the document's fit line
        copy.unlink()
        copy.parent.rmdir()
