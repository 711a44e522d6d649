"""Fetch the real-world corpus (tests/corpus/SOURCES.toml) into tests/corpus/files.

    .venv/bin/python scripts/fetch_corpus.py                 # from GitHub, at each pinned commit
    .venv/bin/python scripts/fetch_corpus.py --mirror DIR    # from local git clones: DIR/<owner>+<name>[/repo]

The files are public programs under their own licences (MIT, Apache-2.0); they are not committed to
this repository. Each file is checked against its sha256 before it is written (atomically); a file
already present with the right hash is left alone. Set LEARNABILITY_CORPUS to keep them elsewhere.
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "corpus"))

import harness  # noqa: E402


def from_github(entry: dict) -> bytes:
    url = (f"https://raw.githubusercontent.com/{entry['repo']}/{entry['commit']}/"
           f"{urllib.parse.quote(entry['path'])}")
    with urllib.request.urlopen(url, timeout=60) as response:
        return response.read()


def from_mirror(root: Path, entry: dict) -> bytes:
    base = root / entry["repo"].replace("/", "+")
    for git_dir in (base / "repo" / ".git", base / "repo", base / ".git", base):
        if (git_dir / "HEAD").is_file():
            return subprocess.run(["git", "-C", str(git_dir), "show", f"{entry['commit']}:{entry['path']}"],
                                  check=True, capture_output=True).stdout
    raise FileNotFoundError(f"no git repository for {entry['repo']} under {root}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mirror", type=Path, help="read from local git clones instead of GitHub")
    args = parser.parse_args()
    out_dir = harness.files_dir()
    out_dir.mkdir(parents=True, exist_ok=True)
    failed = 0
    for entry in harness.load_sources():
        target = out_dir / entry["file"]
        if target.is_file() and hashlib.sha256(target.read_bytes()).hexdigest() == entry["sha256"]:
            continue
        try:
            data = from_mirror(args.mirror, entry) if args.mirror else from_github(entry)
        except Exception as exc:  # report and go on with the others
            print(f"{entry['file']}: {exc}", file=sys.stderr)
            failed += 1
            continue
        if hashlib.sha256(data).hexdigest() != entry["sha256"]:
            print(f"{entry['file']}: sha256 differs from SOURCES.toml; not written", file=sys.stderr)
            failed += 1
            continue
        tmp = target.with_name(target.name + ".tmp")
        tmp.write_bytes(data)
        tmp.replace(target)
    print(f"{len(harness.load_sources()) - failed} files in {out_dir}; {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
