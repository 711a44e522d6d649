"""Code actions: quick fixes, suppressions, fix-all; versioned minimal edits in UTF-16 columns."""

from __future__ import annotations

import asyncio
import time

from lsp_helpers import (
    FIXTURES,
    apply_text_edits,
    edits_of,
    open_doc,
    replace_all,
    session,
    vscode_caps,
    wait_diagnostics,
)
from lsprotocol import types

from learnability.engine import Analyzer

ARTICLE1 = (FIXTURES / "article1_sigmoid_scaled.py").read_text()
URI = (FIXTURES / "article1_sigmoid_scaled.py").as_uri()

# the flagged code follows non-ASCII text on the same line: accents, and an emoji (2 UTF-16 units)
UNICODE = '''import numpy as np
from tensorflow import keras
from tensorflow.keras import layers

X = np.random.rand(200, 32, 32, 3) * 100
y = np.random.randint(0, 2, 200)

model = keras.Sequential([
    layers.Conv2D(32, 3, name="çonv_é_😀", activation="sigmoid", input_shape=(32, 32, 3)),
    layers.Flatten(),
    layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="binary_crossentropy")
_ = "naïve 😀"; model.fit(X, y, epochs=5)
'''


def action_params(uri: str, line: int, char: int = 0, end_char: int = 200, only=None) -> types.CodeActionParams:
    return types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri),
        range=types.Range(types.Position(line, char), types.Position(line, end_char)),
        context=types.CodeActionContext(diagnostics=[], only=only))


def rules_in(text: str) -> list[str]:
    return sorted(f.rule for f in Analyzer().analyze(text, "x.py").findings)


async def test_quick_fix_is_versioned_minimal_and_preferred():
    async with session() as (client, rec):
        open_doc(client, URI, ARTICLE1, version=7)
        await wait_diagnostics(client, rec, URI)
        actions = await client.text_document_code_action_async(action_params(URI, 9))
        fixes = [a for a in actions if a.title.startswith("Use 'relu'")]
        assert len(fixes) == 1
        fix = fixes[0]
        assert fix.kind == types.CodeActionKind.QuickFix and fix.is_preferred
        assert fix.diagnostics and fix.diagnostics[0].code == "LRN101"
        (change,) = fix.edit.document_changes
        assert change.text_document.version == 7 and change.text_document.uri == URI
        (edit,) = change.edits
        # minimal: only the word changes, not the quotes around it
        assert (edit.range.start.line, edit.range.start.character, edit.range.end.character, edit.new_text) == \
            (9, 42, 49, "relu")
        new = apply_text_edits(ARTICLE1, [edit])
        assert rules_in(new).count("LRN101") == rules_in(ARTICLE1).count("LRN101") - 1
        # the unscaled-input fix inserts, it does not rewrite `X`
        actions = await client.text_document_code_action_async(action_params(URI, 16, 0, 40))
        scale = next(a for a in actions if "100" in a.title)
        (edit,) = edits_of(scale.edit, URI)
        assert edit.range.start == edit.range.end and edit.new_text == " / 100.0"


async def test_non_ascii_columns_are_utf16():
    uri = "file:///tmp/learnability-unicode.py"
    async with session() as (client, rec):
        open_doc(client, uri, UNICODE)
        diags = await wait_diagnostics(client, rec, uri)
        conv = next(d for d in diags if d.code == "LRN101" and d.range.start.line == 8)
        line = UNICODE.split("\n")[8]
        cp = line.index('"sigmoid"')
        utf16 = len(line[:cp].encode("utf-16-le")) // 2
        assert utf16 == cp + 1  # the emoji counts twice
        assert (conv.range.start.character, conv.range.end.character) == (utf16, utf16 + 9)
        fit = next(d for d in diags if d.range.start.line == 13)
        line13 = UNICODE.split("\n")[13]
        assert fit.range.start.character == len(line13[:line13.index("X, y")].encode("utf-16-le")) // 2
        # every fix, applied in UTF-16 units, produces the text the engine's own fix produces
        actions = await client.text_document_code_action_async(action_params(uri, 8, 0, 120))
        fix = next(a for a in actions if a.title.startswith("Use 'relu'"))
        new = apply_text_edits(UNICODE, edits_of(fix.edit, uri))
        assert new.split("\n")[8] == line.replace('"sigmoid"', '"relu"')
        actions = await client.text_document_code_action_async(action_params(uri, 13, 0, 120))
        scale = next(a for a in actions if "100" in a.title)
        new = apply_text_edits(UNICODE, edits_of(scale.edit, uri))
        assert new.split("\n")[13] == '_ = "naïve 😀"; model.fit(X / 100.0, y, epochs=5)'
        suppress = next(a for a in actions if a.title.startswith("Suppress"))
        new = apply_text_edits(UNICODE, edits_of(suppress.edit, uri))
        assert new.split("\n")[13].endswith("# learnability: ignore[" + suppress.title.split()[1] + "]")


async def test_suppress_on_this_line_and_extend_existing():
    async with session() as (client, rec):
        open_doc(client, URI, ARTICLE1)
        await wait_diagnostics(client, rec, URI)
        actions = await client.text_document_code_action_async(action_params(URI, 9))
        suppress = next(a for a in actions if a.title == "Suppress LRN101 on this line")
        new = apply_text_edits(ARTICLE1, edits_of(suppress.edit, URI))
        assert new.split("\n")[9].endswith('),  # learnability: ignore[LRN101]')
        assert rules_in(new).count("LRN101") == rules_in(ARTICLE1).count("LRN101") - 1
        # on a line that already suppresses another rule, the list grows
        n = len(rec.published)
        replace_all(client, URI, ARTICLE1.replace("model.fit(X, y, epochs=5, batch_size=32)",
                                                  "model.fit(X, y, epochs=5, batch_size=32)  # learnability: ignore[LRN501]"), 2)
        diags = await wait_diagnostics(client, rec, URI, after=n)
        fit_line = next(d.range.start.line for d in diags if d.code == "LRN602")
        actions = await client.text_document_code_action_async(action_params(URI, fit_line))
        suppress = next(a for a in actions if a.title == "Suppress LRN602 on this line")
        (edit,) = edits_of(suppress.edit, URI)
        assert edit.new_text == "LRN501, LRN602"


async def test_fix_all_applies_every_safe_fix():
    async with session() as (client, rec):
        open_doc(client, URI, ARTICLE1)
        await wait_diagnostics(client, rec, URI)
        actions = await client.text_document_code_action_async(
            action_params(URI, 0, 0, 0, only=[types.CodeActionKind.SourceFixAll]))
        assert [a.kind for a in actions] == ["source.fixAll.learnability"]
        new = apply_text_edits(ARTICLE1, edits_of(actions[0].edit, URI))
        after = rules_in(new)
        assert "LRN101" not in after and "LRN501" not in after
        # asked for quick fixes only: no source action
        actions = await client.text_document_code_action_async(
            action_params(URI, 9, only=[types.CodeActionKind.QuickFix]))
        assert actions and all(a.kind == types.CodeActionKind.QuickFix for a in actions)


async def test_fix_all_is_in_the_quick_fix_menu_on_a_fixable_finding():
    async with session() as (client, rec):
        open_doc(client, URI, ARTICLE1)
        await wait_diagnostics(client, rec, URI)
        (source,) = await client.text_document_code_action_async(
            action_params(URI, 0, 0, 0, only=[types.CodeActionKind.SourceFixAll]))
        # Ctrl+. on a fixable finding (VS Code asks with no `only`): the single fix first, then all of them
        actions = await client.text_document_code_action_async(action_params(URI, 9))
        titles = [a.title for a in actions]
        # (the source action comes too, as before: VS Code lists it under Source Action… only)
        assert [a.kind for a in actions if a.title.startswith("Fix all")] == [types.CodeActionKind.QuickFix, source.kind]
        (fix_all,) = [a for a in actions if a.title.startswith("Fix all") and a.kind == types.CodeActionKind.QuickFix]
        assert not fix_all.is_preferred
        assert titles.index(fix_all.title) > titles.index(next(t for t in titles if t.startswith("Use 'relu'")))
        assert titles.index(fix_all.title) < titles.index("Suppress LRN101 on this line")
        # the same edit as the source action, and it fixes more than one finding
        assert edits_of(fix_all.edit, URI) == edits_of(source.edit, URI) and fix_all.title == source.title
        count = int(fix_all.title.rsplit("(", 1)[1].rstrip(")"))
        assert count >= 2
        after = rules_in(apply_text_edits(ARTICLE1, edits_of(fix_all.edit, URI)))
        assert len(rules_in(ARTICLE1)) - len(after) >= 2
        # not on a line with nothing to fix
        actions = await client.text_document_code_action_async(action_params(URI, 1))
        assert not any(a.title.startswith("Fix all") and a.kind == types.CodeActionKind.QuickFix for a in actions)


async def test_plain_changes_for_clients_without_document_changes():
    caps = vscode_caps(**{"workspace.workspace_edit.document_changes": False})
    async with session(caps) as (client, rec):
        open_doc(client, URI, ARTICLE1)
        await wait_diagnostics(client, rec, URI)
        actions = await client.text_document_code_action_async(action_params(URI, 9))
        fix = next(a for a in actions if a.title.startswith("Use 'relu'"))
        assert fix.edit.document_changes is None and list(fix.edit.changes) == [URI]


async def test_code_actions_answer_while_a_lint_runs():
    """A large document keeps the worker busy; code actions on another one answer at once."""
    big_uri = "file:///tmp/learnability-big.py"
    block = "def helper_{i}(x, y=2):\n    total = 0\n    for k in range(x):\n        total += k * y\n    return total\n\n"
    big = "".join(block.format(i=i) for i in range(6000))  # ~600 KB: seconds of analysis
    async with session() as (client, rec):
        open_doc(client, URI, ARTICLE1)
        await wait_diagnostics(client, rec, URI)
        n = len(rec.published)
        open_doc(client, big_uri, big)
        await asyncio.sleep(0.3)
        timings = []
        for _ in range(5):
            t0 = time.perf_counter()
            actions = await client.text_document_code_action_async(action_params(URI, 9))
            timings.append(time.perf_counter() - t0)
            assert any(a.title.startswith("Use 'relu'") for a in actions)
        assert not [p for _, p in rec.published[n:] if p.uri == big_uri], "the big file finished too soon to test"
        assert max(timings) < 1.0, timings  # generous: CI machines are busy; the analysis takes seconds


async def test_utf8_position_encoding_when_negotiated():
    caps = vscode_caps()
    caps.general.position_encodings = [types.PositionEncodingKind.Utf8]
    uri = "file:///tmp/learnability-unicode-utf8.py"
    async with session(caps) as (client, rec):
        open_doc(client, uri, UNICODE)
        diags = await wait_diagnostics(client, rec, uri)
        conv = next(d for d in diags if d.code == "LRN101" and d.range.start.line == 8)
        line = UNICODE.split("\n")[8]
        byte_col = len(line[:line.index('"sigmoid"')].encode("utf-8"))
        assert (conv.range.start.character, conv.range.end.character) == (byte_col, byte_col + 9)
