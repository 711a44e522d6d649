"""The language server counts lines as the CLI and Python do: on CR-only and mixed line ends its fix-all
edits, applied as the LSP specification says (lines end at \\n, \\r\\n or \\r), give the same text as
`check --fix`, and diagnostics sit on the right lines."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from lsprotocol import types

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "lsp"))

from lsp_helpers import FIXTURES, edits_of, open_doc, session, wait_diagnostics  # noqa: E402

from learnability.cli import main  # noqa: E402
from learnability.engine import Analyzer  # noqa: E402
from learnability.fixes import apply_fixes  # noqa: E402

ARTICLE1 = (FIXTURES / "article1_sigmoid_scaled.py").read_text()


def spec_offset(text: str, line: int, character: int) -> int:
    """An LSP position (UTF-16 units; the text here is ASCII) -> offset, lines ending at \\n, \\r\\n, \\r."""
    starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]
    return min(starts[line] + character, len(text)) if line < len(starts) else len(text)


def spec_apply(text: str, edits: list[types.TextEdit]) -> str:
    for a, b, new in sorted(((spec_offset(text, e.range.start.line, e.range.start.character),
                              spec_offset(text, e.range.end.line, e.range.end.character), e.new_text)
                             for e in edits), reverse=True):
        text = text[:a] + new + text[b:]
    return text


@pytest.mark.parametrize("ends", [["\r"], ["\r\n", "\r", "\n"]], ids=["cr", "mixed"])
async def test_fix_all_over_lsp_matches_the_cli_on_cr_and_mixed_line_ends(tmp_path, capsys, ends):
    lines = ARTICLE1.split("\n")
    text = "".join(line + ends[i % len(ends)] for i, line in enumerate(lines[:-1]))
    f = tmp_path / "t.py"
    f.write_bytes(text.encode())
    uri = f.as_uri()
    async with session() as (client, rec):
        open_doc(client, uri, text)
        diags = await wait_diagnostics(client, rec, uri)
        assert ("LRN101", 9) in {(d.code, d.range.start.line) for d in diags}  # 0-based: line 10 of the file
        actions = await client.text_document_code_action_async(types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri),
            range=types.Range(types.Position(0, 0), types.Position(0, 0)),
            context=types.CodeActionContext(diagnostics=[], only=[types.CodeActionKind.SourceFixAll])))
        (action,) = actions
        over_lsp = spec_apply(text, edits_of(action.edit, uri))
    one_pass, _ = apply_fixes(text, Analyzer().analyze(text, str(f)).findings)  # the CLI's first --fix pass
    assert over_lsp == one_pass
    assert 'activation="relu"' in over_lsp and re.findall(r"\r\n|\r|\n", over_lsp) == re.findall(r"\r\n|\r|\n", text)
    main(["check", "--fix", str(f)])
    capsys.readouterr()
    assert re.findall(rb"\r\n|\r|\n", f.read_bytes()) == re.findall(rb"\r\n|\r|\n", text.encode())
