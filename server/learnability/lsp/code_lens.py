"""A "Run learnability probe" lens above each `fit(...)` call, bound to the server command
`learnability.runProbe` with the file's (or notebook's) URI."""

from __future__ import annotations

from lsprotocol import types

from learnability.lsp.probe_view import verdict_title
from learnability.lsp.server import LearnabilityServer

RUN_PROBE = "learnability.runProbe"


def code_lenses(ls: LearnabilityServer, params: types.CodeLensParams) -> list[types.CodeLens]:
    res = ls.results.get(params.text_document.uri)
    if res is None:
        return []
    if res.unit in ls.probes:
        title = "Learnability probe running…"
    else:
        state = ls.probe_reports.get(res.unit)
        verdict = state.verdict if state is not None else None
        title = "Run learnability probe" + (f" (last: {verdict_title(verdict)})" if verdict else "")
    out = []
    for rng in res.fits:
        line_start = types.Range(start=types.Position(rng.start.line, 0), end=rng.start)
        out.append(types.CodeLens(range=line_start, command=types.Command(
            title=title, command=RUN_PROBE, arguments=[res.unit])))
    return out


def register(server: LearnabilityServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_CODE_LENS, types.CodeLensOptions(resolve_provider=False))
    def on_code_lens(ls: LearnabilityServer, params: types.CodeLensParams) -> list[types.CodeLens]:
        return code_lenses(ls, params)
