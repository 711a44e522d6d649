"""Hover on a flagged range: the rule, why (the rationale's first sentence; Explain has the rest), the fix and
how to suppress; after a probe, its result in one line. The message itself is not repeated: the editor shows
it right above. Kept short (tests/lsp/test_lsp_hover_lens_probe.py measures it) so that the hover's
*Quick Fix…* stays in view."""

from __future__ import annotations

from lsprotocol import types

from learnability.lsp.positions import ranges_overlap
from learnability.lsp.probe_view import hover_results
from learnability.lsp.server import LearnabilityServer


def hover(ls: LearnabilityServer, params: types.HoverParams) -> types.Hover | None:
    from learnability.rules import get_rule
    from learnability.rules.docs import hover_why

    uri = params.text_document.uri
    res = ls.results.get(uri)
    if res is None:
        return None
    pos = params.position
    point = types.Range(start=pos, end=pos)
    hits = [p for p in res.placed if ranges_overlap(p.range, point)]
    sections: list[str] = []
    results, extra = hover_results(ls.probe_reports.get(res.unit), [p.finding for p in hits], uri, pos.line)
    for p, result in zip(hits, results):
        f = p.finding
        rule = get_rule(f.rule)
        url = ls.docs_url(f.rule)
        name = (f"[{rule.name}]({url})" if url else rule.name) if rule else ""
        lines = [f"**{f.rule}** {name}".rstrip() + (f" · **Why:** {hover_why(rule)}" if rule is not None else "")]
        fix = ""
        if f.fix is not None:
            fix = f"**Fix:** {f.fix.title}" + ("" if f.fix.safe else " (review it)")
        elif rule is not None and rule.fix_summary:
            fix = f"**Fix:** {rule.fix_summary}"
        probe = f"**Probe:** {result}" if result else ""
        if fix or probe:
            lines += ["", " · ".join(x for x in (fix, probe) if x)]
        lines += ["", f"Suppress: `# learnability: ignore[{f.rule}]` · more: *Learnability: Explain rule*"]
        sections.append("\n".join(lines))
    if extra:
        sections.append("\n\n".join(extra))
    if not sections:
        return None
    text = "\n\n---\n\n".join(sections)
    formats = []
    try:
        document_caps = ls.client_capabilities.text_document
        hover_caps = document_caps.hover if document_caps is not None else None
        formats = list(hover_caps.content_format or []) if hover_caps is not None else []
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
