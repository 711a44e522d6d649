import os
import sys

# `python -m learnability` puts the current folder first on sys.path; an editor may start the server in
# the workspace, whose modules (a `typing.py`, a `struct.py`) must never be imported: drop that entry
# before anything else is imported (unless this package itself lives there, as in a source checkout).
_here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_cwd = os.getcwd()
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != _cwd or _cwd == _here]

from learnability.cli import main  # noqa: E402

raise SystemExit(main())
