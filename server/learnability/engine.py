"""The analysis entry point shared by the CLI, the language server and the probe."""

from __future__ import annotations

import gc
import re
import traceback
from collections import OrderedDict
from dataclasses import dataclass, field, replace

from learnability.analysis.chunks import SKIPPED_PREFIX, ChunkCache
from learnability.analysis.incremental import Incremental
from learnability.analysis.program import Program
from learnability.config import Config
from learnability.findings import AnalysisError, Finding, Severity, Span
from learnability.lines import to_lf
from learnability.rules import all_rules
from learnability.rules.base import Context

_SUPPRESS = re.compile(r"#\s*learnability:\s*ignore(?:\[([A-Za-z0-9_,\s]+)\])?")


@dataclass
class Result:
    findings: list[Finding] = field(default_factory=list)
    errors: list[AnalysisError] = field(default_factory=list)
    program: Program | None = None


def suppressed_rules(line_text: str) -> set[str] | None:
    """Rule ids suppressed on a line; an empty set means every rule; None means no suppression."""
    m = _SUPPRESS.search(line_text)
    if m is None:
        return None
    if m.group(1) is None:
        return set()
    return {r.strip().upper() for r in m.group(1).split(",") if r.strip()}


class Analyzer:
    """Holds the chunk cache, so re-analysing an edited document re-parses only what changed."""

    # files whose last analysis is kept for the next one (an editor's open documents)
    KEEP_FILES = 8

    def __init__(self, cache_size: int = 20000) -> None:
        self.cache = ChunkCache(cache_size)
        # path -> (program, config, per-model rule results) of its last analysis (analysis/incremental.py)
        self._last: OrderedDict[str, tuple[Program, Config, Incremental]] = OrderedDict()

    def last_incremental(self, path: str) -> Incremental | None:
        """What the last analysis of `path` reused and computed (tests read it)."""
        last = self._last.get(path)
        return last[2] if last is not None else None

    def analyze(self, source: str, path: str = "<string>", config: Config | None = None) -> Result:
        # No cycle collection while analysing: the parse trees of every cached chunk are long-lived
        # objects, and an analysis makes thousands of short-lived ones (statements, views, memo
        # entries), enough to start full collections that walk every node of every cached tree
        # (8-10 ms of a 30 ms re-check, 40-100 ms spikes). Whatever the analysis leaves behind in cycles
        # is collected as usual afterwards.
        enabled = gc.isenabled()
        gc.disable()
        try:
            return self._analyze(source, path, config)
        finally:
            if enabled:
                gc.enable()

    def _analyze(self, source: str, path: str, config: Config | None) -> Result:
        config = config or Config()
        source = to_lf(source)  # "\r\n" and "\r" end lines too: same lines, same columns
        last = self._last.pop(path, None)
        try:
            program = Program(source, self.cache, path, previous=last[0] if last is not None else None)
        except Exception as exc:  # a model-building bug on odd input: report it, never raise
            return Result(errors=[_internal(path, "building the program model", exc)])
        errors = []
        for e in program.errors:
            if e.message.startswith(SKIPPED_PREFIX):
                e = replace(e, kind="skipped")
            errors.append(e)
        result = Result(errors=errors, program=program)
        # the rules' work of the last analysis is reused where the edit does not reach (analysis/incremental.py)
        # when the settings and the set of methods called in the program (Program.calls_method) are the same
        changed = program.affected
        if last is None or last[1] != config or dict.keys(last[0].calls_by_method) != dict.keys(program.calls_by_method):
            changed = None
        incremental = Incremental(program, changed, last[2] if last is not None else None)
        ctx = Context(program, config, path, incremental)
        lines = source.split("\n")  # as Python counts lines (splitlines also breaks at \f, \u2028...)
        # a statement analysed more than once (a function called twice, a loop unrolled) can give the
        # same finding twice: each is reported once
        reported: set[tuple[str, Span, str]] = set()
        for rule in all_rules():
            if not config.enabled(rule.id):
                continue
            try:
                for finding in rule.run(ctx):
                    key = (finding.rule, finding.span, finding.message)
                    if key in reported or _is_suppressed(finding, lines):
                        continue
                    reported.add(key)
                    # a finding may be one the previous analysis made (analysis/incremental.py): each result
                    # gets its own copy, so what a caller changes in it stays in its result
                    finding = replace(finding, related=list(finding.related), data=dict(finding.data))
                    if rule.id in config.severity:
                        finding.severity = Severity(config.severity[rule.id])
                    result.findings.append(finding)
            except Exception as exc:  # a rule bug must never take the analysis down
                result.errors.append(_internal(path, f"rule {rule.id}", exc))
        result.findings.sort(key=lambda f: (f.span.line, f.span.column, f.rule))
        self._last[path] = (program, config, incremental)
        while len(self._last) > self.KEEP_FILES:
            self._last.popitem(last=False)
        return result


def _internal(path: str, where: str, exc: BaseException) -> AnalysisError:
    frames = traceback.extract_tb(exc.__traceback__)
    at = f" ({frames[-1].filename.rsplit('/', 1)[-1]}:{frames[-1].lineno})" if frames else ""
    return AnalysisError(path, 1, 0, f"internal error in {where}: {exc!r}{at}", kind="internal")


def _is_suppressed(finding: Finding, lines: list[str]) -> bool:
    for line_no in {finding.span.line, finding.span.end_line}:
        if 1 <= line_no <= len(lines):
            rules = suppressed_rules(lines[line_no - 1])
            if rules is not None and (not rules or finding.rule in rules):
                return True
    return False


_DEFAULT = Analyzer()


def analyze(source: str, path: str = "<string>", config: Config | None = None) -> Result:
    return _DEFAULT.analyze(source, path, config)
