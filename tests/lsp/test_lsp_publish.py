"""The one publisher (`learnability.lsp.publish`) on a two-cell notebook snapshot, without a client: probe
findings are read into typed objects, placed by `Snapshot.place` as static findings are (in the cell their
program line lies in, in UTF-16 columns), and merged with the static diagnostics into one list per cell."""

from __future__ import annotations

from lsprotocol import types

from learnability.findings import Category, Finding, Severity, Span
from learnability.lsp.positions import LineMap, split_lines
from learnability.lsp.publish import diagnostics_for, place_finding, place_probe_finding, record_probe
from learnability.lsp.server import LearnabilityServer
from learnability.lsp.state import PROBE_SOURCE, SOURCE, ProbeFinding, Snapshot, Unit, UriResults

CELL1 = "import keras\nx = 'é' * 3  # data\n"
CELL2 = "model = keras.Sequential()\nmodel.compile(optimizer=keras.optimizers.Adam(0.1))\nmodel.fit(x)\n"
NB, C1, C2 = "file:///nb.ipynb", "vscode-notebook-cell:/nb.ipynb#c1", "vscode-notebook-cell:/nb.ipynb#c2"


def notebook_snapshot() -> Snapshot:
    docs = {C1: (4, LineMap(split_lines(CELL1))), C2: (9, LineMap(split_lines(CELL2)))}
    snap = Snapshot(NB, 1, CELL1 + CELL2, None, docs)
    n1 = len(split_lines(CELL1))

    def where(line: int) -> tuple[str, int] | None:
        if line < 1 or line > n1 + len(split_lines(CELL2)):
            return None
        return (C1, line) if line <= n1 else (C2, line - n1)

    snap.where = where
    return snap


def test_probe_findings_are_read_tolerantly_into_typed_objects() -> None:
    pf = ProbeFinding.from_report({"rule": "PRB007", "line": "4", "column": 0, "confirmed": "yes",
                                   "confirms": ["LRN301", 3], "severity": "warning", "evidence": None,
                                   "fix": {"title": "t", "edits": [{"line": 4, "column": 2, "end_column": 5,
                                                                    "new_text": "x"}, {"line": 4}]}})
    assert pf is not None
    assert (pf.rule, pf.line, pf.column, pf.confirmed, pf.confirms, pf.evidence) == ("PRB007", 4, None, None,
                                                                                     ("LRN301", "3"), "")
    assert pf.fix is None  # one malformed edit: the fix is not offered at all
    assert ProbeFinding.from_report(["not", "a", "dict"]) is None


def test_a_probe_finding_lands_in_its_cell_through_the_same_placement_as_static_findings() -> None:
    snap = notebook_snapshot()
    # program line 2 is cell 1's line 2 ("x = 'é' * 3"): no columns -> from the indent to the line's end
    pf = ProbeFinding.from_report({"rule": "PRB009", "line": 2, "message": "inputs unscaled", "severity": "warning"})
    placed = place_probe_finding(snap, pf)
    assert placed is not None and placed.uri == C1 and placed.version == 4
    rng = placed.diagnostic.range
    assert (rng.start.line, rng.start.character, rng.end.character) == (1, 0, len("x = 'é' * 3  # data"))
    assert placed.diagnostic.source == PROBE_SOURCE and placed.fix_edits is None

    # program line 5 is cell 2's line 2; the measured fix edits "0.1" there (1-based columns)
    line = CELL2.splitlines()[1]
    col = line.index("0.1") + 1
    fix = {"title": "Use a learning rate of 0.001",
           "edits": [{"line": 5, "column": col, "end_column": col + 3, "new_text": "0.001"}]}
    pf = ProbeFinding.from_report({"rule": "PRB007", "line": 5, "confirms": ["LRN301"], "confirmed": True,
                                   "evidence": "confirmed: the loss stays at 0.69", "fix": fix})
    placed = place_probe_finding(snap, pf)
    assert placed is not None and placed.uri == C2 and placed.fix_edits is not None
    [(uri, version, edit)] = placed.fix_edits
    assert (uri, version, edit.new_text) == (C2, 9, "0.001")
    assert (edit.range.start.line, edit.range.start.character, edit.range.end.character) == (1, col - 1, col + 2)

    # an edit that lies in the other cell: the fix is not offered (a fix is taken whole)
    fix["edits"].append({"line": 1, "column": 1, "end_column": 2, "new_text": "y"})
    placed = place_probe_finding(snap, ProbeFinding.from_report({"rule": "PRB007", "line": 5, "fix": fix}))
    assert placed is not None and placed.fix_edits is None


def test_one_list_per_cell_merges_static_findings_their_verdicts_and_the_probes_own_findings() -> None:
    ls = LearnabilityServer()
    ls.protocol.client_capabilities = types.ClientCapabilities()  # as after `initialize`
    snap = notebook_snapshot()
    unit = Unit(NB, "notebook", generation=1, cell_uris=[C1, C2])
    ls.units[NB] = unit
    static = Finding("LRN301", Category.LEARNING_RATE, Severity.WARNING, Span(5, 46, 5, 49),
                     "learning rate 0.1 is above 0.01 for Adam")
    placed = place_finding(ls, snap, static)
    assert placed is not None and placed.uri == C2
    ls.results[C1] = UriResults(C1, NB, 4, lines=split_lines(CELL1))
    ls.results[C2] = UriResults(C2, NB, 9, placed=[placed], lines=split_lines(CELL2))
    sent: list[tuple[str, list[str]]] = []
    ls.text_document_publish_diagnostics = lambda params: sent.append(  # type: ignore[method-assign]
        (params.uri, [d.message for d in params.diagnostics]))
    report = {"verdict": "does_not_learn", "findings": [
        {"rule": "PRB007", "line": 5, "confirms": ["LRN301"], "confirmed": True,
         "evidence": "confirmed: the loss stays at 0.69; at 0.001 it falls to 0.2",
         "result": "confirmed: at 0.001 the loss falls to 0.2"},
        {"rule": "PRB009", "line": 2, "message": "inputs reach 1e4", "severity": "warning"},
    ]}
    record_probe(ls, unit, report, snap)
    assert [uri for uri, _ in sent] == [C1, C2]  # one publish per cell
    c1, c2 = diagnostics_for(ls, C1), diagnostics_for(ls, C2)
    assert [(d.source, d.code, d.message) for d in c1] == [(PROBE_SOURCE, "PRB009", "inputs reach 1e4")]
    # the verdict about LRN301 is folded into its message, not published a second time
    assert [(d.source, d.code) for d in c2] == [(SOURCE, "LRN301")]
    assert c2[0].message == "learning rate 0.1 is above 0.01 for Adam (confirmed: at 0.001 the loss falls to 0.2)"
    assert dict(sent)[C2] == [c2[0].message]
