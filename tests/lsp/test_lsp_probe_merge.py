"""How a probe report merges into the diagnostics, with a stand-in runner whose report is shaped like the real
one for tests/fixtures/article1_sigmoid_scaled.py (`fake_probe_runner.article1_report`): each static finding
the probe speaks about stays one diagnostic, amended once; only probe-only findings get diagnostics of their own."""

from __future__ import annotations

import asyncio
from collections import Counter

from lsp_helpers import FIXTURES, open_doc, session, wait_diagnostics
from lsprotocol import types

ARTICLE1 = (FIXTURES / "article1_sigmoid_scaled.py").read_text()
URI = (FIXTURES / "article1_sigmoid_scaled.py").as_uri()
ARTICLE1_PROBE = {"LEARNABILITY_PROBE_RUNNER": "fake_probe_runner:run_probe", "FAKE_PROBE_MODE": "article1"}
STATIC = [("LRN101", 10), ("LRN101", 12), ("LRN501", 17), ("LRN602", 17)]


def per_rule_line(diags: list[types.Diagnostic]) -> Counter:
    return Counter((str(d.code), d.range.start.line + 1) for d in diags)


async def probe_and_wait(client, rec) -> list[types.Diagnostic]:
    n = len(rec.published)
    result = await asyncio.wait_for(client.workspace_execute_command_async(
        types.ExecuteCommandParams("learnability.runProbe", [URI])), 30)
    assert result["ok"] and result["verdict"] == "learns_slowly"
    return await wait_diagnostics(client, rec, URI, after=n)


async def test_probe_verdicts_fold_into_static_diagnostics_without_duplicates():
    async with session(env=ARTICLE1_PROBE) as (client, rec):
        open_doc(client, URI, ARTICLE1)
        before = await wait_diagnostics(client, rec, URI)
        assert sorted(per_rule_line(before).elements()) == STATIC
        diags = await probe_and_wait(client, rec)
        # PRB008 (line 10, confirms LRN101) and PRB004 (line 17, confirms LRN602) speak about static findings on
        # their own lines: folded in, not published again; nothing is listed twice
        counts = per_rule_line(diags)
        assert all(n == 1 for n in counts.values()), counts
        assert sorted(counts.elements()) == STATIC, [(d.code, d.source, d.message) for d in diags]
        assert [d for d in diags if d.source == "learnability-probe"] == []
        assert len(diags) == len(before)
        # the same ranges as before the probe, the messages amended
        assert sorted((d.range.start.line, d.range.start.character, d.code) for d in diags) == \
            sorted((d.range.start.line, d.range.start.character, d.code) for d in before)


async def test_probe_wording_reads_once():
    async with session(env=ARTICLE1_PROBE) as (client, rec):
        open_doc(client, URI, ARTICLE1)
        await wait_diagnostics(client, rec, URI)
        diags = await probe_and_wait(client, rec)
        msg = {(str(d.code), d.range.start.line + 1): d.message for d in diags}
        for line in (10, 12):
            assert "(confirmed by probe: as written it fits the batch in 26 steps" in msg["LRN101", line]
        assert "(probe: not confirmed — as written it fits the batch in 26 steps" in msg["LRN501", 17]
        assert "(confirmed by probe: after 40 steps on 150 samples" in msg["LRN602", 17]
        for key, text in msg.items():
            assert text.lower().count("confirmed") == 1, (key, text)  # not "confirmed by probe: confirmed: ..."
        # the hover's evidence says its verdict once too, and shows the probe's own measurement on that line
        hover = await client.text_document_hover_async(types.HoverParams(
            types.TextDocumentIdentifier(URI), types.Position(9, 45)))
        text = hover.contents.value
        assert "Measured by the probe" in text and "82% at init" in text
        assert "confirmed): confirmed" not in text and ": confirmed:" not in text
        hover = await client.text_document_hover_async(types.HoverParams(
            types.TextDocumentIdentifier(URI), types.Position(16, 10)))
        assert "(LRN501, not confirmed): as written" in hover.contents.value
        assert "not confirmed): not confirmed" not in hover.contents.value


async def test_probe_only_findings_keep_their_own_diagnostics():
    """With labels made from the inputs there is no static LRN602: PRB004 (confirms LRN602) has no static finding
    to fold into, so it is published as the probe's own (and so is the probe's LRN602 verdict)."""
    source = ARTICLE1.replace("y = np.random.randint(0, 2, 200)", 'y = (X.mean(axis=(1, 2, 3)) > 50).astype("int32")')
    assert source != ARTICLE1
    async with session(env=ARTICLE1_PROBE) as (client, rec):
        open_doc(client, URI, source)
        before = await wait_diagnostics(client, rec, URI)
        assert sorted(per_rule_line(before).elements()) == [("LRN101", 10), ("LRN101", 12), ("LRN501", 17)]
        diags = await probe_and_wait(client, rec)
        counts = per_rule_line(diags)
        assert all(n == 1 for n in counts.values()), counts
        probe = sorted((str(d.code), d.range.start.line + 1) for d in diags if d.source == "learnability-probe")
        assert probe == [("LRN602", 17), ("PRB004", 17)], probe  # PRB008 (line 10) is still folded into LRN101
        prb004 = next(d for d in diags if d.code == "PRB004")
        assert "held-out accuracy stays at chance" in prb004.message and "60% on 50 samples" in prb004.message
