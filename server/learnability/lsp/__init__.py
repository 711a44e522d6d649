"""The Learnability language server (pygls 2.x): live diagnostics, quick fixes, hovers, code lenses.

`learnability serve` calls `learnability.lsp.server.run_server`. Each feature lives in its own module;
`server.py` holds the `LanguageServer` subclass and its state.
"""
