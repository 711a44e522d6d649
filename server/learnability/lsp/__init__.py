"""The Learnability language server (pygls 2.x): live diagnostics, quick fixes, hovers, code lenses.

`learnability serve` calls `learnability.lsp.main.run_server`. Layers, each importing only those below:
`state.py` (shared state and data types) → `server.py` (the typed `LearnabilityServer`) → `snapshots.py`,
`probe_view.py` → `publish.py` (the one publisher) → one module a feature, each with `register(server)` →
`main.py`. tests/lsp/test_lsp_layering.py checks it.
"""
