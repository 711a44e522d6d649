"""The article's examples live in one place, tests/fixtures/ (the tests, benchmarks/bench_probe.py, the
README and the extension's walkthrough name them there): no other file in the checkout is a copy of one."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
# Not the project's own files: environments, dependencies, build output.
SKIP = {".git", ".venv", "node_modules", "build", "bundled", "dist", "out-test", "__pycache__", ".hypothesis"}


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes().replace(b"\r\n", b"\n").strip()).hexdigest()


def test_no_file_outside_tests_fixtures_copies_a_fixture():
    fixtures = {_digest(p): p.name for p in FIXTURES.glob("*.py")}
    assert {"article1_sigmoid_scaled.py", "article2_high_lr.py", "article3_constant_inputs.py"} <= set(fixtures.values())
    copies = []
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = [d for d in dirs if d not in SKIP]
        if Path(folder) == FIXTURES:
            continue
        for name in files:
            if name.endswith(".py"):
                path = Path(folder, name)
                if _digest(path) in fixtures:
                    copies.append(f"{path.relative_to(ROOT)} copies tests/fixtures/{fixtures[_digest(path)]}")
    assert not copies, copies


def test_the_fixtures_are_not_copies_of_each_other():
    digests = [_digest(p) for p in FIXTURES.glob("*.py")]
    assert len(digests) == len(set(digests))
