"""Diagnostics over LSP: open / change (debounced, newest version only) / save / close, settings,
pyproject, syntax errors and half-typed code."""

from __future__ import annotations

import asyncio
import time

from lsp_helpers import FIXTURES, codes, open_doc, replace_all, session, vscode_caps, wait_diagnostics, wait_for
from lsprotocol import types

from learnability.config import Config
from learnability.engine import Analyzer

ARTICLE1 = (FIXTURES / "article1_sigmoid_scaled.py").read_text()
URI = (FIXTURES / "article1_sigmoid_scaled.py").as_uri()


def engine_codes(text: str, config: Config | None = None) -> list[tuple[str, int]]:
    return sorted((f.rule, f.span.line) for f in Analyzer().analyze(text, "x.py", config).findings)


async def test_open_publishes_full_diagnostics():
    async with session() as (client, rec):
        open_doc(client, URI, ARTICLE1)
        diags = await wait_diagnostics(client, rec, URI)
        assert codes(diags) == engine_codes(ARTICLE1)
        by_code = {d.code: d for d in sorted(diags, key=lambda d: -d.range.start.line)}
        d = by_code["LRN101"]
        assert d.source == "learnability"
        assert d.severity == types.DiagnosticSeverity.Warning
        assert d.code_description is None  # no rulesDocument from this client and no project URL: no link
        assert (d.range.start.line, d.range.start.character, d.range.end.character) == (9, 41, 50)
        assert d.data["rule"] == "LRN101" and d.data["fix"]["safe"] is True
        assert d.data["fix"]["edits"][0]["newText"] == "relu"
        # a finding that involves two places carries related information
        unscaled = by_code["LRN501"]
        assert unscaled.related_information
        assert unscaled.related_information[0].location.uri == URI
        assert unscaled.related_information[0].location.range.start.line == 5


async def test_change_is_debounced_and_close_clears():
    async with session() as (client, rec):
        open_doc(client, URI, ARTICLE1)
        await wait_diagnostics(client, rec, URI)
        n = len(rec.published)
        fixed = ARTICLE1.replace('activation="sigmoid", input', 'activation="relu", input')
        t0 = time.perf_counter()
        replace_all(client, URI, fixed, 2)
        diags = await wait_diagnostics(client, rec, URI, after=n)
        assert time.perf_counter() - t0 >= 0.25  # debounced (~300 ms)
        assert codes(diags) == engine_codes(fixed)
        assert ("LRN101", 10) not in codes(diags) and ("LRN101", 12) in codes(diags)
        n = len(rec.published)
        client.text_document_did_close(types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(URI)))
        assert await wait_diagnostics(client, rec, URI, after=n) == []


async def test_incremental_changes_and_final_version_only():
    """1,000 rapid didChange notifications end with diagnostics for the final version only."""
    caps = vscode_caps(**{"text_document.publish_diagnostics.version_support": True})
    async with session(caps) as (client, rec):
        open_doc(client, URI, ARTICLE1)
        await wait_diagnostics(client, rec, URI)
        n = len(rec.published)
        # type "0123..." inside the docstring of line 1, one character per change, then fix line 10
        text = ARTICLE1
        for i in range(1000):
            ch = str(i % 10)
            col = 3 + i
            client.text_document_did_change(types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=URI, version=2 + i),
                content_changes=[types.TextDocumentContentChangePartial(
                    range=types.Range(types.Position(0, col), types.Position(0, col)), text=ch)]))
            lines = text.split("\n")
            lines[0] = lines[0][:col] + ch + lines[0][col:]
            text = "\n".join(lines)
        client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=URI, version=1002),
            content_changes=[types.TextDocumentContentChangePartial(
                range=types.Range(types.Position(9, 42), types.Position(9, 49)), text="relu")]))
        final = text.replace('activation="sigmoid", input', 'activation="relu", input')
        diags = await wait_diagnostics(client, rec, URI, after=n, timeout=30)
        await asyncio.sleep(0.8)  # nothing else may follow
        after = [p for _, p in rec.published[n:] if p.uri == URI]
        assert [p.version for p in after] == [1002]
        assert codes(diags) == engine_codes(final)
        # the server's copy of the text is the final one: hover answers on the new line 10
        hover = await client.text_document_hover_async(types.HoverParams(
            types.TextDocumentIdentifier(URI), types.Position(11, 45)))
        assert hover is not None and "LRN101" in hover.contents.value


async def test_lint_on_save_setting():
    async with session(init_options={"settings": {"lintOn": "save"}}) as (client, rec):
        open_doc(client, URI, ARTICLE1)
        await wait_diagnostics(client, rec, URI)
        n = len(rec.published)
        fixed = ARTICLE1.replace('activation="sigmoid", input', 'activation="relu", input')
        replace_all(client, URI, fixed, 2)
        await asyncio.sleep(0.8)
        assert [p for _, p in rec.published[n:] if p.uri == URI] == []
        client.text_document_did_save(types.DidSaveTextDocumentParams(types.TextDocumentIdentifier(URI)))
        diags = await wait_diagnostics(client, rec, URI, after=n)
        assert codes(diags) == engine_codes(fixed)


async def test_syntax_error_keeps_other_findings():
    broken = ARTICLE1.replace("model.compile(", "model.compile(optimizer=,\n").replace(
        "y = np.random", "def half(\ny = np.random")
    async with session() as (client, rec):
        open_doc(client, URI, broken)
        diags = await wait_diagnostics(client, rec, URI)
        errors = [d for d in diags if d.severity == types.DiagnosticSeverity.Error and "syntax" in d.message]
        assert errors, diags
        assert all(d.source == "learnability" for d in errors)
        # the convolutions still parse: their findings stay
        assert any(d.code == "LRN101" for d in diags)
        # half-typed code, keystroke by keystroke, never kills the server
        n = len(rec.published)
        text = ARTICLE1
        for i, partial in enumerate(["model.fit(", "model.fit(X", "model.fit(X, y, epochs=", "model.fit(X, y, epochs=5)"]):
            replace_all(client, URI, text + partial + "\n", 2 + i)
        diags = await wait_diagnostics(client, rec, URI, after=n)
        assert any(d.code == "LRN101" for d in diags)
        hover = await client.text_document_hover_async(types.HoverParams(
            types.TextDocumentIdentifier(URI), types.Position(9, 45)))
        assert hover is not None


async def test_pyproject_and_editor_settings(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.learnability]\nignore = ["LRN602"]\n'
                                             '[tool.learnability.severity]\nLRN501 = "error"\n')
    path = tmp_path / "train.py"
    path.write_text(ARTICLE1)
    uri = path.as_uri()
    settings = {"settings": {"ignore": ["LRN101"], "logLevel": "debug"}}
    async with session(init_options=settings, root=tmp_path) as (client, rec):
        open_doc(client, uri, ARTICLE1)
        diags = await wait_diagnostics(client, rec, uri)
        got = {d.code for d in diags}
        assert "LRN602" not in got  # pyproject
        assert "LRN101" not in got  # editor settings, on top
        assert "LRN501" in got
        assert next(d for d in diags if d.code == "LRN501").severity == types.DiagnosticSeverity.Error
        await wait_for(lambda: any("analysed" in m.message for m in client.log_messages))  # logLevel debug


async def test_did_change_configuration_pulls_settings():
    async with session() as (client, rec):
        open_doc(client, URI, ARTICLE1)
        diags = await wait_diagnostics(client, rec, URI)
        assert any(d.code == "LRN101" for d in diags)
        n = len(rec.published)
        client.set_configuration({"select": ["LRN5"], "severity": {"LRN501": "info"}}, section="learnability")
        client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
        diags = await wait_diagnostics(client, rec, URI, after=n)
        assert {d.code for d in diags} == {"LRN501"}
        assert diags[0].severity == types.DiagnosticSeverity.Information


async def test_did_change_configuration_push_without_pull():
    caps = vscode_caps(**{"workspace.configuration": False})
    async with session(caps) as (client, rec):
        open_doc(client, URI, ARTICLE1)
        await wait_diagnostics(client, rec, URI)
        n = len(rec.published)
        client.workspace_did_change_configuration(types.DidChangeConfigurationParams(
            settings={"learnability": {"ignore": ["LRN1", "LRN6"], "thresholds": {"nonsense": 1}}}))
        diags = await wait_diagnostics(client, rec, URI, after=n)
        assert {d.code for d in diags} == {"LRN501"}
        await wait_for(lambda: any("nonsense" in m.message for m in client.log_messages))


async def test_bad_settings_are_reported_not_fatal():
    async with session(init_options={"settings": {"lintOn": 3, "severity": {"LRN101": "loud"}, "select": 5}}) as (client, rec):
        open_doc(client, URI, ARTICLE1)
        diags = await wait_diagnostics(client, rec, URI)
        assert codes(diags) == engine_codes(ARTICLE1)
        messages = " ".join(m.message for m in client.log_messages)
        assert "lintOn" in messages and "select" in messages


async def test_code_description_opens_the_clients_rules_document_or_the_project_url():
    """The extension sends its shipped docs/rules.md (initializationOptions.rulesDocument): each code links
    to the rule's heading line there; a configured project URL ($LEARNABILITY_DOCS_URL) wins."""
    doc = FIXTURES.parent.parent / "docs" / "rules.md"
    heading = {ln.strip(): n for n, ln in enumerate(doc.read_text(encoding="utf-8").splitlines(), 1)}
    async with session(init_options={"settings": {}, "rulesDocument": doc.as_uri()},
                       env={"LEARNABILITY_DOCS_URL": ""}) as (client, rec):
        open_doc(client, URI, ARTICLE1)
        diags = await wait_diagnostics(client, rec, URI)
        assert diags
        for d in diags:
            assert d.code_description.href == f"{doc.as_uri()}#L{heading['## ' + d.code]}"
        hover = await client.text_document_hover_async(types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=URI), position=types.Position(line=9, character=43)))
        assert f"[saturating-hidden-activation]({doc.as_uri()}#L{heading['## LRN101']})" in hover.contents.value
    async with session(init_options={"rulesDocument": doc.as_uri()},
                       env={"LEARNABILITY_DOCS_URL": "https://docs.example.org/rules.md#{id}"}) as (client, rec):
        open_doc(client, URI, ARTICLE1)
        diags = await wait_diagnostics(client, rec, URI)
        assert {d.code_description.href for d in diags if d.code == "LRN101"} == {"https://docs.example.org/rules.md#lrn101"}
