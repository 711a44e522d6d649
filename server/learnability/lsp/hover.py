"""Hover on a flagged range: what is wrong, why (the rule's rationale), the fix; after a probe, the
numbers it measured."""

from __future__ import annotations

from lsprotocol import types

from learnability.findings import Finding
from learnability.lsp.positions import ranges_overlap
from learnability.lsp.probe_view import evidence_md, verdict_for, verdict_title
from learnability.lsp.server import LearnabilityServer
from learnability.lsp.state import ProbeFinding


def evidence_lines(ls: LearnabilityServer, unit: str, findings: list[Finding], uri: str, line0: int) -> list[str]:
    """Markdown lines of measured evidence for a hover: what the last probe says of the static findings
    under the cursor, and of its own findings on this line."""
    state = ls.probe_reports.get(unit)
    if state is None:
        return []
    shown: list[ProbeFinding] = []
    for f in findings:
        pf = verdict_for(state, f)
        if pf is not None and not any(pf is s for s in shown):
            shown.append(pf)
    for pf in state.findings:  # probe findings on this line that no static finding covers
        on_line = pf.line is not None and state.snapshot.where(pf.line) == (uri, line0 + 1)
        if on_line and not any(pf is s for s in shown):
            shown.append(pf)
    out = [evidence_md(pf) for pf in shown]
    if out:
        verdict = state.report.get("verdict")
        summary = state.report.get("summary")
        if verdict or summary:
            out.append(f"Probe verdict: **{verdict_title(verdict)}**" + (f" — {summary}" if summary else ""))
    return [state.snapshot.relabel(line, uri) for line in out]  # a notebook's lines: in their cells


def hover(ls: LearnabilityServer, params: types.HoverParams) -> types.Hover | None:
    from learnability.rules import get_rule
    from learnability.rules.docs import hover_example

    uri = params.text_document.uri
    res = ls.results.get(uri)
    if res is None:
        return None
    pos = params.position
    point = types.Range(start=pos, end=pos)
    hits = [p for p in res.placed if ranges_overlap(p.range, point)]
    sections: list[str] = []
    for p in hits:
        f = p.finding
        rule = get_rule(f.rule)
        lines = [f"**{f.rule}** {rule.name if rule else ''} ({f.category.value}, {f.severity.value})".replace("  ", " "),
                 "", p.diagnostic.message]  # as published: a notebook's lines in their cells
        if rule is not None:
            lines += ["", f"**Why:** {rule.rationale}"]
        if f.fix is not None:
            lines += ["", f"**Fix:** {f.fix.title}" + ("" if f.fix.safe else " (review it: not applied by fix-all)")]
        elif rule is not None and rule.fix_summary:
            lines += ["", f"**Fix:** {rule.fix_summary}"]
        example = hover_example(rule) if rule is not None else ""
        if example:
            lines += ["", example]
        url = ls.docs_url(f.rule)
        lines += ["", f"Suppress with `# learnability: ignore[{f.rule}]`" + (f" · [rule documentation]({url})" if url else "")]
        sections.append("\n".join(lines))
    evidence = evidence_lines(ls, res.unit, [p.finding for p in hits], uri, pos.line)
    if evidence:
        sections.append("\n\n".join(evidence))
    if not sections:
        return None
    text = "\n\n---\n\n".join(sections)
    formats = []
    try:
        formats = list(ls.client_capabilities.text_document.hover.content_format or [])
    except AttributeError:
        pass
    kind = types.MarkupKind.Markdown if (not formats or types.MarkupKind.Markdown in formats) else types.MarkupKind.PlainText
    if kind == types.MarkupKind.PlainText:
        text = text.replace("**", "").replace("`", "")
    rng = hits[0].range if hits else None
    return types.Hover(contents=types.MarkupContent(kind=kind, value=text), range=rng)


def register(server: LearnabilityServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def on_hover(ls: LearnabilityServer, params: types.HoverParams) -> types.Hover | None:
        return hover(ls, params)
