"""Code actions: a quick fix per fixable finding, "suppress on this line", and
`source.fixAll.learnability` (every safe fix in the file or notebook). The same fix-all is offered as a
quick fix too (Ctrl+. on a fixable finding) when the file has more than one safe fix, as ESLint's and
ruff's extensions do: *Source Action…* is not where a newcomer looks.

They answer at once from the last published results: a code action never waits behind a lint run.
Edits are the engine's fixes with their unchanged prefix / suffix trimmed (minimal ranges), in the
client's position units, as versioned `TextDocumentEdit`s for the version that was analysed (a client
refuses them if the document has moved on) or as plain `changes` for clients without
`documentChanges` support (Neovim 0.7).
"""

from __future__ import annotations

import re
from typing import Iterable

from lsprotocol import types

from learnability.findings import Span
from learnability.fixes import _overlap
from learnability.lsp.positions import LineMap, ranges_overlap
from learnability.lsp.server import LearnabilityServer
from learnability.lsp.state import DocumentEdit, Placed, UriResults

FIX_ALL_KIND = "source.fixAll.learnability"
_SUPPRESS = re.compile(r"#\s*learnability:\s*ignore(?:\[([A-Za-z0-9_,\s]*)\])?")


def _wants(only: Iterable[str] | None, kind: str) -> bool:
    if not only:
        return True
    return any(kind == o or kind.startswith(str(o) + ".") for o in only)


def workspace_edit(ls: LearnabilityServer, edits: list[DocumentEdit]) -> types.WorkspaceEdit:
    if ls.client_supports("workspace.workspace_edit.document_changes"):
        groups: dict[tuple[str, int | None], list[types.TextEdit]] = {}
        for uri, version, edit in edits:
            groups.setdefault((uri, version), []).append(edit)
        return types.WorkspaceEdit(document_changes=[
            types.TextDocumentEdit(
                text_document=types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version),
                edits=group)
            for (uri, version), group in groups.items()
        ])
    changes: dict[str, list[types.TextEdit]] = {}
    for uri, _, edit in edits:
        changes.setdefault(uri, []).append(edit)
    return types.WorkspaceEdit(changes=changes)


def suppress_edit(line_text: str, rule: str) -> tuple[int, int, str] | None:
    """(start, end, text) in code points on the line that suppresses `rule` there; None if it cannot."""
    m = _SUPPRESS.search(line_text)
    if m is not None:
        if m.group(1) is None:
            return None  # `# learnability: ignore` already silences every rule on the line
        ids = [r.strip().upper() for r in m.group(1).split(",") if r.strip()]
        if rule in ids:
            return None
        return m.start(1), m.end(1), ", ".join(ids + [rule])
    body = line_text.rstrip()
    if body.endswith("\\"):
        return None  # a comment after a line continuation would break the code
    return len(body), len(line_text), f"  # learnability: ignore[{rule}]"


def _suppress_action(ls: LearnabilityServer, p: Placed, lines: list[str]) -> types.CodeAction | None:
    line = p.range.start.line
    text = lines[line] if 0 <= line < len(lines) else ""
    edit = suppress_edit(text, p.finding.rule)
    if edit is None:
        return None
    start, end, new_text = edit
    lm = LineMap(lines, ls.encoding)
    rng = types.Range(start=lm.position(line + 1, start), end=lm.position(line + 1, end))
    return types.CodeAction(
        title=f"Suppress {p.finding.rule} on this line",
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[p.diagnostic],
        edit=workspace_edit(ls, [(p.uri, p.version, types.TextEdit(range=rng, new_text=new_text))]),
    )


def fix_all_edits(ls: LearnabilityServer, unit: str) -> tuple[list[DocumentEdit], int]:
    """Every safe fix of a unit that does not overlap one taken before it."""
    chosen: list[DocumentEdit] = []
    used: list[Span] = []
    count = 0
    placed = [p for res in ls.results.values() if res.unit == unit for p in res.placed]
    placed.sort(key=lambda p: (p.finding.span.line, p.finding.span.column))
    for p in placed:
        fix = p.finding.fix
        if fix is None or not fix.safe or not p.fix_edits:
            continue
        spans = [e.span for e in fix.edits]
        if any(_overlap(s, u) for s in spans for u in used):
            continue
        used.extend(spans)
        chosen.extend(p.fix_edits)
        count += 1
    return chosen, count


def _fix_all_action(ls: LearnabilityServer, unit: str, kind: str, minimum: int = 1) -> types.CodeAction | None:
    """"Fix all learnability problems (N)" of `kind`, when at least `minimum` safe fixes apply."""
    edits, count = fix_all_edits(ls, unit)
    if count < max(1, minimum):
        return None
    return types.CodeAction(title=f"Fix all learnability problems ({count})", kind=kind,
                            edit=workspace_edit(ls, edits))


def code_actions(ls: LearnabilityServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    uri = params.text_document.uri
    res = ls.results.get(uri)
    if res is None:
        return []
    only = params.context.only
    actions: list[types.CodeAction] = []
    if _wants(only, types.CodeActionKind.QuickFix):
        suppressions: list[types.CodeAction] = []
        seen: set[tuple[int, str]] = set()
        for p in res.placed:
            if not ranges_overlap(p.range, params.range):
                continue
            fix = p.finding.fix
            if fix is not None and p.fix_edits:
                actions.append(types.CodeAction(
                    title=f"{fix.title} ({p.finding.rule})" if fix.safe else f"{fix.title} ({p.finding.rule}, review)",
                    kind=types.CodeActionKind.QuickFix,
                    diagnostics=[p.diagnostic],
                    is_preferred=fix.safe,
                    edit=workspace_edit(ls, p.fix_edits),
                ))
            key = (p.range.start.line, p.finding.rule)
            if key not in seen:
                seen.add(key)
                action = _suppress_action(ls, p, res.lines)
                if action is not None:
                    suppressions.append(action)
        if actions:  # on a fixable finding: the file's fixes at once, when there are several
            fix_all = _fix_all_action(ls, res.unit, types.CodeActionKind.QuickFix, minimum=2)
            if fix_all is not None:
                actions.append(fix_all)
        actions.extend(probe_fix_actions(ls, res, params.range))  # the last probe's measured edits (never preferred)
        actions.extend(port_actions(ls, res, params.range))  # "probe a ported copy" after a Keras 2 API failure
        actions.extend(suppressions)  # fixes first, then the suppressions
    if _wants(only, FIX_ALL_KIND):
        fix_all = _fix_all_action(ls, res.unit, FIX_ALL_KIND)
        if fix_all is not None:
            actions.append(fix_all)
    return actions


def probe_fix_actions(ls: LearnabilityServer, res: UriResults, rng: types.Range) -> list[types.CodeAction]:
    """Quick fixes for the last probe's findings that carry a measured edit (PRB007's rate, PRB017's epochs,
    PRB018's repair) on a line overlapping `rng`. Never "preferred" and titled "review": the probe proved the
    change on a short run, not the user's whole training."""
    state = ls.probe_reports.get(res.unit)
    if state is None:
        return []
    actions = []
    for p in state.placed.get(res.uri, []):
        fix = p.finding.fix
        if fix is None or not p.fix_edits:
            continue
        if not any(ranges_overlap(r, rng) for r in [p.diagnostic.range] + [e.range for _, _, e in p.fix_edits]):
            continue
        # the static diagnostic it is folded into, else its own
        static = [s.diagnostic for s in res.placed
                  if s.finding.span.line == p.finding.line and p.finding.about(s.finding.rule)]
        actions.append(types.CodeAction(
            title=f"{fix.title} ({p.finding.rule}, measured by the probe; review)",
            kind=types.CodeActionKind.QuickFix, diagnostics=static or [p.diagnostic], is_preferred=False,
            edit=workspace_edit(ls, p.fix_edits)))
    return actions


def port_actions(ls: LearnabilityServer, res: UriResults, rng: types.Range) -> list[types.CodeAction]:
    """"Probe a ported copy" on the diagnostic of a probe that stopped before fit on a Keras 2 / TF 1 API a safe
    Keras 3 fix changes (the report's `port` offer): runs `learnability.runProbe [uri, {"ported": true}]`."""
    state = ls.probe_reports.get(res.unit)
    offer = state.report.get("port") if state is not None else None
    if state is None or not isinstance(offer, dict):
        return []
    actions = []
    for p in state.placed.get(res.uri, []):
        if p.finding.rule != "PRB090":
            continue
        static = [s.diagnostic for s in res.placed
                  if s.finding.span.line == p.finding.line and p.finding.about(s.finding.rule)]
        if not any(ranges_overlap(d.range, rng) for d in [p.diagnostic, *static]):
            continue
        rules = ", ".join(str(r) for r in offer.get("rules") or [])
        arguments = offer.get("lsp_arguments")
        actions.append(types.CodeAction(
            title=f"Probe a ported copy ({rules} fixes applied to a temporary copy; this file unchanged)",
            kind=types.CodeActionKind.QuickFix, diagnostics=static or [p.diagnostic], is_preferred=False,
            command=types.Command(title="Probe a ported copy",
                                  command=str(offer.get("lsp_command") or "learnability.runProbe"),
                                  arguments=[res.unit, *(arguments if isinstance(arguments, list)
                                                         else [{"ported": True}])])))
    return actions


def register(server: LearnabilityServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION, types.CodeActionOptions(
        code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL_KIND], resolve_provider=False))
    def code_action(ls: LearnabilityServer, params: types.CodeActionParams) -> list[types.CodeAction]:
        return code_actions(ls, params)
