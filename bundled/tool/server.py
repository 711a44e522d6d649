"""Starts the Learnability language server with the libraries bundled in the extension.

Run as `<python> bundled/tool/server.py` (Python 3.10 or newer). The .vsix carries the server's pure
Python dependencies and the `learnability` package in `bundled/libs/common`, and libcst (a compiled
module, one build per CPython version) in `bundled/libs/cp3XX`: a platform's package carries the builds
for that platform, the platform-neutral package none (the interpreter's own libcst is used). They go first on sys.path so that
whatever the user's environment holds (an older pygls, say) does not shadow them. Without a bundle
(running from a source checkout) it uses the repository's `server/` folder and the interpreter's own
packages.
"""

from __future__ import annotations

import os
import sys

MIN = (3, 10)


def _paths() -> tuple[list[str], list[str]]:
    here = os.path.dirname(os.path.abspath(__file__))
    bundled = os.path.dirname(here)
    libs = os.path.join(bundled, "libs")
    tag = f"cp{sys.version_info[0]}{sys.version_info[1]}"
    notes: list[str] = []
    paths: list[str] = []
    if os.path.isdir(libs):
        native = os.path.join(libs, tag)
        if os.path.isdir(native):
            paths.append(native)
        else:
            have = sorted(d for d in os.listdir(libs) if d.startswith("cp"))
            notes.append(
                f"learnability: no bundled libcst for {tag} (bundled: {', '.join(have) or 'none'}); "
                "using the interpreter's own libcst if it has one"
            )
        paths.append(os.path.join(libs, "common"))
    else:
        source = os.path.join(os.path.dirname(bundled), "server")
        if os.path.isdir(os.path.join(source, "learnability")):
            paths.append(source)
    return paths, notes


def main() -> int:
    if sys.version_info < MIN:
        sys.stderr.write(
            f"learnability: Python {MIN[0]}.{MIN[1]} or newer is needed; {sys.executable} is "
            f"{sys.version_info[0]}.{sys.version_info[1]}. Set learnability.interpreter to a newer Python.\n"
        )
        return 2
    paths, notes = _paths()
    for note in notes:
        sys.stderr.write(note + "\n")
    sys.path[0:0] = [p for p in paths if p not in sys.path]
    # The probe's worker runs in the user's interpreter and may need to import `learnability` from here.
    os.environ["LEARNABILITY_BUNDLED_PATH"] = os.pathsep.join(paths)
    try:
        from learnability.cli import main as cli_main
    except ImportError as exc:
        sys.stderr.write(
            f"learnability: could not import the server ({exc}). Install libcst in this Python "
            f"(`{sys.executable} -m pip install libcst`), use a Python version this package bundles libcst for "
            f"(see the note above, if any), or install the extension's package for your platform.\n"
        )
        return 2
    args = [a for a in sys.argv[1:] if a != "--stdio"]  # stdio is the default
    return int(cli_main(["serve", *args]))


if __name__ == "__main__":
    sys.exit(main())
