"""Which files `learnability check` reads: the paths named on the command line, and the .py and .ipynb
files found under folders.

Folders are walked here, without running anything: no `git` command (a repository's own configuration can
make git run a program of its author's choosing, `core.fsmonitor` for one), as ruff reads .gitignore files
itself. Inside a git work tree (a `.git` above or at the folder) the ignore files are honoured as git does:
each folder's `.gitignore` (deeper ones win, the last matching line of a file wins, `!` re-includes),
`.git/info/exclude` and the user's global ignore file (`$XDG_CONFIG_HOME/git/ignore`); an ignored folder is
not entered. Hidden entries, virtual environments and build output are skipped as well. Symbolic links to
folders are not followed (no loops); only regular files are read (a FIFO or a link to a device would hang
or never end). Whatever cannot be checked is reported as one error for that entry, and the others are
checked all the same.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Sequence

from learnability.findings import AnalysisError
from learnability.sources import SourceError, file_kind, os_reason, read_regular_file

if TYPE_CHECKING:
    from pathspec import GitIgnoreSpec  # imported where it is used: only a walk inside a git work tree needs it

AddFile = Callable[[Path, os.stat_result], None]
ReportError = Callable[[Path | str, str], None]

SKIP_DIRS = frozenset({"node_modules", "__pycache__", "site-packages", "venv", "env", "build", "dist"})
SOURCE_SUFFIXES = (".py", ".ipynb")
IGNORE_FILE_LIMIT = 1024 * 1024  # a larger .gitignore is not read (and said so)


def collect_files(paths: Sequence[str]) -> tuple[list[Path], list[AnalysisError]]:
    """(the files to check, in order and each once; an error for each path or entry that cannot be).

    A file named on the command line is checked whatever its suffix and whatever .gitignore says."""
    files: list[Path] = []
    errors: list[AnalysisError] = []
    seen: set[tuple[int, int]] = set()

    def add(path: Path, st: os.stat_result) -> None:
        key = (st.st_dev, st.st_ino)
        if key not in seen:
            seen.add(key)
            files.append(path)

    def error(path: Path | str, message: str) -> None:
        errors.append(AnalysisError(str(path), 1, 0, message, kind="io"))

    for p in paths:
        path = Path(p)
        try:
            st = os.stat(path)
        except OSError as exc:
            error(path, _unreadable(path, exc, "no such file or directory"))
            continue
        if stat.S_ISDIR(st.st_mode):
            _walk(path, add, error)
        elif stat.S_ISREG(st.st_mode):
            add(path, st)
        else:
            error(path, f"not checked: {file_kind(st.st_mode)}, not a regular file")
    return files, errors


def _unreadable(path: Path, exc: OSError, missing: str = "") -> str:
    if missing and isinstance(exc, FileNotFoundError) and not os.path.lexists(path):
        return missing
    return f"not checked: {os_reason(path, exc)}"


# ----------------------------------------------------------------------------- .gitignore
@dataclass
class _Ignores:
    """The ignore patterns in force in one folder: (folder relative to the work tree, with a trailing '/'
    or '' for its top; the patterns of one ignore file), lowest precedence first."""

    root: Path | None = None
    specs: list[tuple[str, GitIgnoreSpec]] = field(default_factory=list)

    def ignored(self, rel: str, is_dir: bool) -> bool:
        """Whether the entry at `rel` (relative to the work tree, '/'-separated) is ignored."""
        if self.root is None:
            return False
        target = rel + "/" if is_dir else rel
        for base, spec in reversed(self.specs):  # the deepest ignore file that says anything decides
            if base and not target.startswith(base):
                continue
            result = spec.check_file(target[len(base):])
            if result.include is not None:
                return bool(result.include)
        return False

    def entering(self, folder: Path, rel: str, error: ReportError) -> "_Ignores":
        """The patterns in force inside `folder` (at `rel`): these plus its own .gitignore, if any."""
        if self.root is None:
            return self
        spec = _read_spec(folder / ".gitignore", error)
        if spec is None:
            return self
        return _Ignores(self.root, self.specs + [(rel + "/" if rel else "", spec)])


def _read_spec(path: Path, error: ReportError) -> GitIgnoreSpec | None:
    try:
        st = os.stat(path)
    except OSError:
        return None  # no ignore file here (or one we cannot see): nothing to apply
    if not stat.S_ISREG(st.st_mode):
        return None
    if st.st_size > IGNORE_FILE_LIMIT:
        error(path, f"not read: larger than {IGNORE_FILE_LIMIT // 1024} KB; its patterns are not applied")
        return None
    try:
        text = read_regular_file(path, IGNORE_FILE_LIMIT).decode("utf-8", "surrogateescape")
    except SourceError as exc:
        error(path, f"its patterns are not applied: {exc}")
        return None
    from pathspec import GitIgnoreSpec

    return GitIgnoreSpec.from_lines(text.splitlines())


def _work_tree(folder: Path) -> Path | None:
    """The top of the git work tree `folder` is in (the nearest folder at or above it with a `.git`)."""
    for candidate in [folder, *folder.parents]:
        if os.path.lexists(candidate / ".git"):
            return candidate
    return None


def _global_ignore_file() -> Path | None:
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return Path(base, "git", "ignore")


def _ignores_for(folder: Path, error: ReportError) -> _Ignores:
    """The ignore patterns in force in `folder`: the global file, info/exclude and every .gitignore from the
    work tree's top down to `folder` itself."""
    try:
        absolute = folder.resolve()
    except (OSError, RuntimeError):
        return _Ignores()
    root = _work_tree(absolute)
    if root is None:
        return _Ignores()
    ign = _Ignores(root)
    for extra in (_global_ignore_file(), root / ".git" / "info" / "exclude"):
        spec = _read_spec(extra, error) if extra is not None else None
        if spec is not None:
            ign.specs.append(("", spec))
    rel_parts = absolute.relative_to(root).parts
    for depth in range(len(rel_parts)):
        ign = ign.entering(root.joinpath(*rel_parts[:depth]), "/".join(rel_parts[:depth]), error)
    top = "/".join(rel_parts)
    if top and ign.ignored(top, True):  # a folder named on the command line is checked even if ignored,
        ign = _Ignores(root)  # as a file named there is: only the ignore files inside it apply
    return ign.entering(absolute, top, error)


# ----------------------------------------------------------------------------- the walk
def _walk(top: Path, add: AddFile, error: ReportError) -> None:
    ignores = _ignores_for(top, error)
    top_rel = ""
    if ignores.root is not None:
        top_rel = Path(os.path.relpath(top.resolve(), ignores.root)).as_posix()
        top_rel = "" if top_rel == "." else top_rel
    stack: list[tuple[Path, str, _Ignores]] = [(top, top_rel, ignores)]
    while stack:
        folder, rel, ign = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            error(folder, f"folder not checked: {os_reason(folder, exc)}")
            continue
        subfolders: list[tuple[Path, str]] = []
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            entry_rel = f"{rel}/{name}" if rel else name
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError as exc:
                error(Path(entry.path), f"not checked: {os_reason(Path(entry.path), exc)}")
                continue
            if is_dir:
                if name in SKIP_DIRS or os.path.isfile(os.path.join(entry.path, "pyvenv.cfg")) \
                        or ign.ignored(entry_rel, True):
                    continue
                subfolders.append((Path(entry.path), entry_rel))
                continue
            if not name.endswith(SOURCE_SUFFIXES) or ign.ignored(entry_rel, False):
                continue
            path = Path(entry.path)
            try:
                st = os.stat(entry.path)  # follows a symbolic link: a link to a regular file is checked
            except OSError as exc:
                error(path, _unreadable(path, exc))
                continue
            if stat.S_ISREG(st.st_mode):
                add(path, st)
            elif not stat.S_ISDIR(st.st_mode):  # a link to a folder is skipped like any folder link
                error(path, f"not checked: {file_kind(st.st_mode)}, not a regular file")
        for path, entry_rel in reversed(subfolders):  # depth first, in name order
            stack.append((path, entry_rel, ign.entering(path, entry_rel, error)))

