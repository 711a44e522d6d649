"""The ported copy: a Keras 2 / TensorFlow 1 script with the Keras-version rules' safe fixes applied, so the
probe can train what the script means when the script as written stops before `fit` on Keras 3.

The user's file is never written. The ported text goes to a temporary copy (for the user to read) and is probed
under the user's own path, so the script runs as it would: `__file__`, its folder on `sys.path`, relative paths
from the folder the probe runs in. The report then names the copy and the fixes, and maps the copy's lines back
to the script's (`original_line`). Used by `learnability probe --ported FILE` and the language server's
`learnability.runProbe [uri, {"ported": true}]`; the report of a script that fails on a line one of these fixes
changes offers it (`offer`).
"""

from __future__ import annotations

import difflib
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from learnability.findings import Category, Finding

PORT_CATEGORY = Category.API.value  # LRN001 / LRN002: Keras 2 / TF 1 API that Keras 3 changed or removed
CLI_FLAG = "--ported"
LSP_COMMAND = "learnability.runProbe"


@dataclass
class PortedCopy:
    """The script's text with the safe Keras 3 fixes applied, and where each fix went."""

    original: str
    text: str
    fixes: list[dict[str, Any]] = field(default_factory=list)  # {"rule", "line", "title"}: line in the original
    blocks: list[list[int]] = field(default_factory=list)  # [copy line, original line, count], 1-based

    def original_line(self, line: int) -> int:
        return original_line(self.blocks, line)


def portable(findings: Iterable[Finding]) -> list[Finding]:
    """The findings whose safe fix ports the script to Keras 3 (the API category, LRN001 / LRN002)."""
    return [f for f in findings if f.category.value == PORT_CATEGORY and f.fix is not None and f.fix.safe]


def port(source: str, findings: Iterable[Finding]) -> PortedCopy | None:
    """The ported copy of `source`, or None when no safe Keras 3 fix changes it."""
    from learnability.fixes import apply_fixes

    chosen = portable(findings)
    text, count = apply_fixes(source, chosen, safe_only=True)
    if not count or text == source:
        return None
    fixes = [{"rule": f.rule, "line": f.span.line, "title": f.fix.title} for f in chosen if f.fix is not None]
    return PortedCopy(source, text, fixes, line_blocks(source, text))


def line_blocks(original: str, copy: str) -> list[list[int]]:
    """[copy line, original line, count] for each run of copy lines that stands for original lines (equal or
    edited in place), 1-based; lines a fix inserted map to the line they follow (`original_line`)."""
    a, b = original.splitlines(), copy.splitlines()
    out: list[list[int]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal" or tag == "replace":
            n = min(i2 - i1, j2 - j1) if tag == "replace" else j2 - j1
            if n:
                out.append([j1 + 1, i1 + 1, n])
    return out


def original_line(blocks: list[list[int]], line: int) -> int:
    """The script's line for line `line` of the ported copy (the nearest line above it for an inserted one)."""
    if not blocks:
        return line
    best = 1
    for copy_start, orig_start, n in blocks:
        if copy_start <= line < copy_start + n:
            return orig_start + line - copy_start
        if copy_start + n <= line:
            best = orig_start + n - 1  # the last line of a block above
    return best


def write_copy(path: str, text: str) -> str:
    """Write the ported text to a new temporary file (never next to, or over, the user's script); its path."""
    from learnability.sources import write_atomic

    folder = tempfile.mkdtemp(prefix="learnability-ported-")
    target = os.path.join(folder, Path(path).stem + ".ported.py")
    write_atomic(Path(target), text.encode("utf-8"))  # a reader never sees half a copy
    return target


def command(path: str) -> str:
    """The command line that probes the ported copy of `path`."""
    import shlex

    return f"learnability probe {CLI_FLAG} {shlex.quote(path)}"


def offer(path: str, findings: list[dict[str, Any]], line: int | None, library: str | None,
          keras_packages: Iterable[str]) -> dict[str, Any] | None:
    """What a report of a script that failed before fit offers: the API findings (as report JSON) on the failing
    line whose safe fix ports it, when the error came from Keras / TensorFlow or the script itself (not from
    scikit-learn or another library, whose rejected argument no Keras fix explains). None: nothing to offer."""
    if not line or (library and library not in set(keras_packages)):
        return None
    here = [f for f in findings if f.get("category") == PORT_CATEGORY and f.get("line", 0) <= line <= f.get("end_line", 0)
            and isinstance(f.get("fix"), dict) and f["fix"].get("safe")]
    if not here:
        return None
    rules = sorted({f["rule"] for f in here})
    return {"rules": rules, "fixes": [f["fix"].get("title") for f in here], "command": command(path),
            "lsp_command": LSP_COMMAND, "lsp_arguments": [{"ported": True}]}


def probe_ported(run_probe: Callable[..., dict[str, Any]], path: str, *, source: str | None = None,
                 **kwargs: Any) -> dict[str, Any]:
    """Probe the ported copy of the script at `path` (`source`: its text, e.g. an unsaved buffer): the safe
    Keras 3 fixes applied to a temporary copy, run under the script's own path. The report names the copy
    (`file`), the fixes and the line blocks (`ported`); without anything to port, a report that says so."""
    from learnability.config import ConfigError, load_config
    from learnability.engine import Analyzer
    from learnability.probe import report as rpt

    path = os.path.abspath(path)
    if source is None:
        from learnability.sources import SourceError, load_source

        try:
            source = load_source(Path(path)).text
        except SourceError as exc:
            return rpt.error_report(path, str(exc))
    try:
        config = load_config(Path(path).parent)
    except (ConfigError, OSError):
        config = None
    findings = Analyzer().analyze(source, path, config).findings
    copy = port(source, findings)
    if copy is None:
        msg = ("nothing to port: no Keras 2 / TensorFlow 1 API finding with a safe Keras 3 fix in this script; "
               "probe it as written")
        return rpt.error_report(path, msg, verdict="inconclusive")
    try:
        copy_path = write_copy(path, copy.text)
    except OSError as exc:
        return rpt.error_report(path, f"cannot write the ported copy: {exc}")
    report = run_probe(path, source=copy.text, **kwargs)
    if not isinstance(report, dict):
        return report
    report["file"] = copy_path
    for f in report.get("findings") or []:
        if isinstance(f, dict) and f.get("path") == path:
            f["path"] = copy_path
    report["ported"] = {"from": path, "copy": copy_path, "fixes": copy.fixes, "blocks": copy.blocks}
    n = len(copy.fixes)
    report["summary"] = (f"ported copy ({n} Keras 3 fix{'es' if n != 1 else ''} applied to {copy_path}; "
                         f"{path} is unchanged): " + str(report.get("summary") or ""))
    return report
