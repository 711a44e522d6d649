"""`learnability.runProbe` with the real probe runner (TensorFlow): progress, report notification,
amended static diagnostics and the probe's own, hover evidence. Slow (about 30 s on 2 cores)."""

from __future__ import annotations

import asyncio
import importlib.util
from collections import Counter

import pytest
from lsp_helpers import FIXTURES, open_doc, session, wait_diagnostics, wait_for
from lsprotocol import types

pytestmark = [
    pytest.mark.probe,
    pytest.mark.skipif(importlib.util.find_spec("tensorflow") is None, reason="TensorFlow is not installed"),
    pytest.mark.skipif(importlib.util.find_spec("learnability.probe.runner") is None, reason="no probe runner"),
]

ARTICLE1 = (FIXTURES / "article1_sigmoid_scaled.py").read_text()
URI = (FIXTURES / "article1_sigmoid_scaled.py").as_uri()


async def test_real_probe_over_lsp():
    async with session(init_options={"settings": {"probe": {"timeoutSeconds": 240}}}) as (client, rec):
        open_doc(client, URI, ARTICLE1)
        await wait_diagnostics(client, rec, URI)
        n = len(rec.published)
        result = await asyncio.wait_for(client.workspace_execute_command_async(
            types.ExecuteCommandParams("learnability.runProbe", [URI])), 300)
        report = result["report"]
        assert report["verdict"] in ("learns", "learns_slowly", "does_not_learn", "inconclusive", "error")
        assert report["verdict"] != "error", report.get("summary")
        (reports,) = [r for r in client.progress_reports.values() if r]
        percents = [r.percentage for r in reports if isinstance(r, types.WorkDoneProgressReport)]
        assert percents and percents == sorted(percents)
        await wait_for(lambda: rec.custom)
        diags = await wait_diagnostics(client, rec, URI, after=n)
        decided = [d for d in diags if d.source == "learnability" and "confirmed" in d.message]
        assert decided, [d.message for d in diags]
        # a verdict on a static finding is folded into it, not listed again; wording says its verdict once
        counts = Counter((str(d.code), d.range.start.line) for d in diags)
        assert all(n == 1 for n in counts.values()), counts
        static = {(str(d.code), d.range.start.line) for d in diags if d.source == "learnability"}
        for d in diags:
            if d.source == "learnability-probe":
                about = [str(d.code), *(d.data or {}).get("confirms", [])]
                assert not any((r, d.range.start.line) in static for r in about), (d.code, d.message)
        assert all(d.message.lower().count("confirmed") <= 1 for d in diags), [d.message for d in diags]
        hover = await client.text_document_hover_async(types.HoverParams(
            types.TextDocumentIdentifier(URI), types.Position(9, 45)))
        assert "**Probe:** confirmed" in hover.contents.value  # the probe's result on LRN101, in one line
        # the real report's short result is the diagnostic's suffix, and each message stays one short line
        lrn101 = [d.message for d in diags if d.code == "LRN101"]
        assert lrn101 and all(m.endswith(")") and "(confirmed" in m and len(m) <= 150 for m in lrn101), lrn101
