"""Hovers, code lenses, server commands and the probe integration (with a stand-in runner)."""

from __future__ import annotations

import asyncio

import pytest
from lsp_helpers import FIXTURES, open_doc, replace_all, session, wait_diagnostics, wait_for
from lsprotocol import types
from pygls.exceptions import JsonRpcException

ARTICLE1 = (FIXTURES / "article1_sigmoid_scaled.py").read_text()
URI = (FIXTURES / "article1_sigmoid_scaled.py").as_uri()
FAKE = {"LEARNABILITY_PROBE_RUNNER": "fake_probe_runner:run_probe"}


def hover_params(line: int, char: int) -> types.HoverParams:
    return types.HoverParams(types.TextDocumentIdentifier(URI), types.Position(line, char))


# The hover sits above VS Code's own problem hover, whose last line holds *Quick Fix…*: at the editor's default
# hover size a hover of about 10 lines / 700 characters keeps it in view (the code-server test measures it).
HOVER_MAX = 700


async def test_hover_shows_rationale_and_fix():
    from learnability.rules import get_rule
    from learnability.rules.docs import hover_why

    async with session() as (client, rec):
        open_doc(client, URI, ARTICLE1)
        diags = await wait_diagnostics(client, rec, URI)
        hover = await client.text_document_hover_async(hover_params(9, 45))
        assert hover.contents.kind == types.MarkupKind.Markdown
        text = hover.contents.value
        assert text.startswith("**LRN101** saturating-hidden-activation · **Why:** ")
        assert f"**Why:** {hover_why(get_rule('LRN101'))}" in text and "**Fix:** Use 'relu'" in text
        assert "ignore[LRN101]" in text and "Explain rule" in text
        # the editor shows the message right above: the hover does not repeat it, nor the whole rationale
        (message,) = {d.message for d in diags if d.code == "LRN101" and d.range.start.line == 9}
        assert message not in text and get_rule("LRN101").rationale not in text
        assert len(text) <= HOVER_MAX and text.count("\n") <= 10, (len(text), text)
        assert hover.range.start.line == 9
        assert await client.text_document_hover_async(hover_params(1, 3)) is None  # nothing flagged there


async def test_code_lens_above_fit():
    async with session() as (client, rec):
        open_doc(client, URI, ARTICLE1)
        await wait_diagnostics(client, rec, URI)
        lenses = await client.text_document_code_lens_async(types.CodeLensParams(types.TextDocumentIdentifier(URI)))
        assert len(lenses) == 1
        (lens,) = lenses
        assert lens.range.start.line == 16  # model.fit(...)
        assert lens.command.title == "Run learnability probe"
        assert lens.command.command == "learnability.runProbe" and list(lens.command.arguments) == [URI]


async def test_commands_are_server_side_only():
    async with session() as (client, rec):
        open_doc(client, URI, ARTICLE1)
        await wait_diagnostics(client, rec, URI)
        md = await client.workspace_execute_command_async(types.ExecuteCommandParams("learnability.explain", ["lrn101"]))
        assert md.startswith("### LRN101") and "Why:" in md
        from learnability.rules import get_rule
        case = get_rule("LRN101").invalid[0]
        assert f"Example:\n\n```python\n{case.code}```" in md and f"Fixed:\n\n```python\n{case.fixed}```" in md
        with pytest.raises(JsonRpcException):
            await client.workspace_execute_command_async(types.ExecuteCommandParams("learnability.explain", ["NOPE1"]))
        with pytest.raises(JsonRpcException):
            await client.workspace_execute_command_async(types.ExecuteCommandParams("learnability.explain", []))
        with pytest.raises(JsonRpcException):
            await client.workspace_execute_command_async(types.ExecuteCommandParams("learnability.restart", []))


async def test_list_rules_and_explain_a_probe_check():
    from learnability.probe.checks import all_checks
    from learnability.rules import all_rules

    async with session() as (client, rec):
        rules = await client.workspace_execute_command_async(types.ExecuteCommandParams("learnability.listRules", []))
        # every rule and every probe check, each with a title in words (the Explain picker)
        assert [r["id"] for r in rules] == [r.id for r in all_rules()] + [c.id for c in all_checks()]
        by_id = {r["id"]: r for r in rules}
        assert by_id["LRN101"]["title"] == "Saturating hidden activation"
        assert by_id["PRB001"]["title"] == "Does not fit a batch"
        assert all(r["title"] and "-" not in r["title"].split()[0] and r["summary"] for r in rules)
        md = await client.workspace_execute_command_async(types.ExecuteCommandParams("learnability.explain", ["prb001"]))
        assert md.startswith("### PRB001") and "**Why.**" in md


async def test_advertised_capabilities():
    import os
    import sys

    from lsp_helpers import make_client, vscode_caps

    client, _ = make_client()
    await client.start_io(sys.executable, "-m", "learnability", "serve", env=dict(os.environ))
    try:
        result = await asyncio.wait_for(client.initialize_session(types.InitializeParams(capabilities=vscode_caps())), 30)
        caps = result.capabilities
        assert sorted(caps.execute_command_provider.commands) == ["learnability.explain", "learnability.listRules",
                                                                  "learnability.runProbe"]
        assert caps.hover_provider and caps.code_lens_provider
        assert "source.fixAll.learnability" in caps.code_action_provider.code_action_kinds
        assert caps.text_document_sync.change == types.TextDocumentSyncKind.Incremental
        assert caps.notebook_document_sync is None  # VS Code 1.65's capabilities declare no notebook sync
        assert result.server_info.name == "learnability"
        await client.shutdown_session()
    finally:
        await client.stop()


async def test_run_probe_without_runner_answers_clearly():
    async with session(env={"LEARNABILITY_PROBE_RUNNER": "no_such_module_xyz:run_probe"}) as (client, rec):
        open_doc(client, URI, ARTICLE1)
        await wait_diagnostics(client, rec, URI)
        result = await client.workspace_execute_command_async(types.ExecuteCommandParams("learnability.runProbe", [URI]))
        assert result["ok"] is False and "not available" in result["message"]
        await wait_for(lambda: any("not available" in m.message for m in client.messages))
        # and the server is still fine
        hover = await client.text_document_hover_async(hover_params(9, 45))
        assert hover is not None


async def test_run_probe_publishes_evidence():
    async with session(env=FAKE) as (client, rec):
        open_doc(client, URI, ARTICLE1)
        await wait_diagnostics(client, rec, URI)
        n = len(rec.published)
        result = await asyncio.wait_for(client.workspace_execute_command_async(
            types.ExecuteCommandParams("learnability.runProbe", [URI])), 30)
        assert result["ok"] and result["verdict"] == "learns_slowly"
        # progress: begin, reports with growing percentages, end
        (reports,) = [r for r in client.progress_reports.values() if r]
        assert isinstance(reports[0], types.WorkDoneProgressBegin) and reports[0].cancellable
        percents = [r.percentage for r in reports if isinstance(r, types.WorkDoneProgressReport)]
        assert percents == sorted(percents) and percents[-1] == 90
        assert isinstance(reports[-1], types.WorkDoneProgressEnd)
        # the custom notification
        await wait_for(lambda: rec.custom)
        method, params = rec.custom[0]
        assert params.uri == URI if hasattr(params, "uri") else params["uri"] == URI
        # diagnostics: the probe's own, and the static ones it confirms
        diags = await wait_diagnostics(client, rec, URI, after=n)
        probe = [d for d in diags if d.source == "learnability-probe"]
        # the verdict on the static LRN101 amends it instead of repeating it; PRB001 is the probe's own
        assert {d.code for d in probe} == {"PRB001"}
        fit_probe = next(d for d in probe if d.code == "PRB001")
        assert fit_probe.range.start.line == 16 and fit_probe.message == "the loss barely moves: the inputs made on line 6 are large"
        confirmed = [d for d in diags if d.source == "learnability" and d.code == "LRN101"]
        # a report without `result` (older probes): the verdict alone as the suffix
        assert confirmed and all(d.message.endswith(" (confirmed by the probe)") for d in confirmed)
        # hover: the probe's answer in one line, the verdict, and still short
        hover = await client.text_document_hover_async(hover_params(9, 45))
        assert "**Probe:** confirmed by the probe" in hover.contents.value
        assert len(hover.contents.value) <= HOVER_MAX + 150, hover.contents.value
        # the lens shows the last verdict
        lenses = await client.text_document_code_lens_async(types.CodeLensParams(types.TextDocumentIdentifier(URI)))
        assert lenses[0].command.title == "Run learnability probe (last: Learns slowly)"  # a title, not the id
        assert "Learns slowly" not in hover.contents.value  # the verdict is the lens's and the status bar's


async def test_probe_results_hold_for_the_text_they_ran_on_and_come_back_on_reopen():
    """Edited: the probe's diagnostics, verdict suffixes and lens verdict go (they describe other code);
    undone, or the file closed and reopened unchanged: they are back without a new probe."""
    async with session(env=FAKE) as (client, rec):
        open_doc(client, URI, ARTICLE1)
        await wait_diagnostics(client, rec, URI)
        n = len(rec.published)
        await asyncio.wait_for(client.workspace_execute_command_async(
            types.ExecuteCommandParams("learnability.runProbe", [URI])), 30)

        def shown(diags):
            return ({d.code for d in diags if d.source == "learnability-probe"},
                    any(d.code == "LRN101" and "(confirmed" in d.message for d in diags))

        async def lens():
            lenses = await client.text_document_code_lens_async(types.CodeLensParams(types.TextDocumentIdentifier(URI)))
            return lenses[0].command.title

        assert shown(await wait_diagnostics(client, rec, URI, after=n)) == ({"PRB001"}, True)
        assert await lens() == "Run learnability probe (last: Learns slowly)"
        # an edit: the probe measured other code
        n = len(rec.published)
        replace_all(client, URI, ARTICLE1.replace("epochs=5", "epochs=6"), 2)
        assert shown(await wait_diagnostics(client, rec, URI, after=n)) == (set(), False)
        assert await lens() == "Run learnability probe"
        # undone: the same text as probed, the same results
        n = len(rec.published)
        replace_all(client, URI, ARTICLE1, 3)
        assert shown(await wait_diagnostics(client, rec, URI, after=n)) == ({"PRB001"}, True)
        # closed and reopened unchanged: still there, lens included
        n = len(rec.published)
        client.text_document_did_close(types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(URI)))
        assert await wait_diagnostics(client, rec, URI, after=n) == []
        n = len(rec.published)
        open_doc(client, URI, ARTICLE1, 4)
        assert shown(await wait_diagnostics(client, rec, URI, after=n)) == ({"PRB001"}, True)
        assert await lens() == "Run learnability probe (last: Learns slowly)"
        # reopened changed: not shown
        n = len(rec.published)
        client.text_document_did_close(types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(URI)))
        assert await wait_diagnostics(client, rec, URI, after=n) == []
        n = len(rec.published)
        open_doc(client, URI, ARTICLE1.replace("epochs=5", "epochs=7"), 5)
        assert shown(await wait_diagnostics(client, rec, URI, after=n)) == (set(), False)


async def test_run_probe_refuses_a_file_without_keras():
    uri = (FIXTURES / "no_keras_here.py").as_uri()  # never written to disk: the editor's text is what counts
    text = "import numpy as np\n\ndef fit(x):\n    return np.mean(x)\n\nfit(np.ones(3))\n"
    async with session(env=FAKE) as (client, rec):
        open_doc(client, uri, text)
        await wait_diagnostics(client, rec, uri)
        result = await client.workspace_execute_command_async(types.ExecuteCommandParams("learnability.runProbe", [uri]))
        assert result["ok"] is False and "never imports Keras or TensorFlow" in result["message"]
        await wait_for(lambda: any("never imports Keras" in m.message for m in client.messages))
        assert not rec.custom  # nothing ran: no report
        # an import anywhere (here inside a function) is enough to run it
        replace_all(client, uri, text.replace("def fit(x):\n", "def fit(x):\n    import keras\n"), 2)
        result = await asyncio.wait_for(client.workspace_execute_command_async(
            types.ExecuteCommandParams("learnability.runProbe", [uri])), 30)
        assert result["verdict"] == "learns_slowly"


def test_imports_keras_reads_the_source_only():
    from learnability.lsp.probe_command import imports_keras

    assert imports_keras("from tensorflow import keras\n") is True
    assert imports_keras("import tensorflow.keras.layers as L\n") is True
    assert imports_keras("from keras.layers import Dense\n") is True
    assert imports_keras("import tf_keras\n") is True
    assert imports_keras("import numpy as np\nkeras = 1\n") is False
    assert imports_keras("from .keras import model\n") is False  # a relative import is the user's own module
    assert imports_keras("import kerasy\n") is False
    assert imports_keras("def (:\n") is None  # does not parse: the probe reports the syntax error itself


async def test_run_probe_can_be_cancelled():
    env = dict(FAKE, FAKE_PROBE_MODE="slow")
    async with session(env=env) as (client, rec):
        open_doc(client, URI, ARTICLE1)
        await wait_diagnostics(client, rec, URI)
        task = asyncio.ensure_future(client.workspace_execute_command_async(
            types.ExecuteCommandParams("learnability.runProbe", [URI])))
        token = await wait_for(lambda: next((t for t, r in client.progress_reports.items()
                                             if any(isinstance(x, types.WorkDoneProgressReport) for x in r)), None))
        # a second run while one is going is refused politely
        again = await client.workspace_execute_command_async(types.ExecuteCommandParams("learnability.runProbe", [URI]))
        assert again["ok"] is False and "already running" in again["message"]
        client.window_work_done_progress_cancel(types.WorkDoneProgressCancelParams(token=token))
        result = await asyncio.wait_for(task, 10)
        assert result["verdict"] == "inconclusive"
        end = client.progress_reports[token][-1]
        assert isinstance(end, types.WorkDoneProgressEnd) and end.message == "cancelled"


async def test_run_probe_bad_arguments_get_errors():
    async with session(env=FAKE) as (client, rec):
        for args in ([], [42], ["file:///not/open.py"], [URI, URI]):
            with pytest.raises(JsonRpcException):
                await client.workspace_execute_command_async(types.ExecuteCommandParams("learnability.runProbe", args))
