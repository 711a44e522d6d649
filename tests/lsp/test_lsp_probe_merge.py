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
        # the probe's result is a short suffix; its evidence is the hover's and the report's
        for line in (10, 12):
            assert msg["LRN101", line].endswith(": use relu (and scale the inputs) (confirmed: fits in 15 steps instead of 26)")
        assert msg["LRN501", 17].endswith("divide by 100.0 (probe: no measurable effect)")
        assert msg["LRN602", 17].endswith("can only memorise them (confirmed by measurement)")
        for key, text in msg.items():
            assert "\n" not in text and len(text) <= 150, (key, text)
            assert text.lower().count("confirmed") <= 1, (key, text)  # not "confirmed by probe: confirmed: ..."
        # the hover says the result once, in one line, and the probe's own measurement on that line (its message)
        hover = await client.text_document_hover_async(types.HoverParams(
            types.TextDocumentIdentifier(URI), types.Position(9, 45)))
        text = hover.contents.value
        assert "**Fix:** Use 'relu' instead of 'sigmoid' · **Probe:** confirmed: fits in 15 steps instead of 26" in text
        assert "PRB008" not in text  # the measurement behind LRN101 (folded into it) is the report's
        assert msg["LRN101", 10].split(" (confirmed")[0] not in text  # the message is the editor's, not repeated
        assert "as written it fits the batch" not in text  # the long evidence is the report's
        hover = await client.text_document_hover_async(types.HoverParams(
            types.TextDocumentIdentifier(URI), types.Position(16, 10)))
        assert "**Probe:** no measurable effect" in hover.contents.value


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
        assert prb004.message == "labels are not predictable from the inputs: held-out accuracy stays at chance"
