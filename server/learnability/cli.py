"""`learnability` command line: check, rules, explain, serve, probe."""

from __future__ import annotations

import argparse
import itertools
import json
import os
import sys
from pathlib import Path
from typing import Iterator, Sequence

from learnability import __version__
from learnability.config import Config, ConfigError, load_config, load_config_file
from learnability.engine import Analyzer, Result
from learnability.findings import AnalysisError, Finding
from learnability.parallel import available_cores, ordered_map
from learnability.rules import all_rules, get_rule
from learnability.rules.base import docs_url
from learnability.sources import SourceError, fixed_source, load_source, write_source
from learnability.walk import collect_files

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


MAX_FIX_PASSES = 4  # a fix can make another one applicable (or one was skipped for overlapping)


def _split(values: list[str] | None) -> list[str]:
    return [v.strip().upper() for item in values or [] for v in item.split(",") if v.strip()]


class ConfigFinder:
    """The configuration of each file (nearest pyproject, or --config), with the command line's
    --select/--ignore on top; checked once per distinct source."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self._by_dir: dict[Path, Config] = {}
        self._known = [r.id for r in all_rules()]
        self._explicit = None
        if getattr(args, "config", None):
            cfg_path = Path(args.config)
            if not os.path.lexists(cfg_path):  # anything else there (a FIFO, a folder) is named by read_toml
                raise ConfigError(f"{cfg_path}: no such configuration file")
            self._explicit = self._finish(load_config_file(cfg_path))

    def _finish(self, config: Config) -> Config:
        if self.args.select:
            config.select = _split(self.args.select)
        if self.args.ignore:
            config.ignore = config.ignore + _split(self.args.ignore)
        config.check_rule_ids(self._known)
        return config

    def for_file(self, path: Path) -> Config:
        if self._explicit is not None:
            return self._explicit
        folder = path.resolve().parent
        config = self._by_dir.get(folder)
        if config is None:
            config = self._by_dir[folder] = self._finish(load_config(folder))
        return config


def check_file(analyzer: Analyzer, path: Path, config: Config, fix: bool) -> tuple[list[Finding], list[AnalysisError], int]:
    """Analyse one file (applying safe fixes first when `fix`); findings and errors are in the
    file's own coordinates (notebooks: cell and line in cell). Returns (findings, errors, fixes applied)."""
    try:
        src = load_source(path)
    except SourceError as exc:
        return [], [AnalysisError(str(path), exc.line, 0, str(exc), kind="io")], 0
    result = analyzer.analyze(src.text, str(path), config)
    fixed = 0
    errors_extra: list[AnalysisError] = []
    for _ in range(MAX_FIX_PASSES if fix else 0):
        new_src, count = fixed_source(src, result.findings)
        if new_src is None:
            break
        new_result = analyzer.analyze(new_src.text, str(path), config)
        if _syntax_errors(new_result) > _syntax_errors(result):  # a fix bug: never write broken code
            errors_extra.append(AnalysisError(str(path), 1, 0, "fixes not applied: they would have introduced a "
                                              "syntax error (a bug in a fix; please report it)", kind="internal"))
            break
        try:
            write_source(new_src)  # atomic: on failure the file keeps its previous content
        except OSError as exc:
            kept = "unchanged" if not fixed else "as after the fixes written before"
            errors_extra.append(AnalysisError(str(path), 1, 0, f"cannot write fixes: {exc.strerror or exc} "
                                              f"(the file is {kept})", kind="write"))
            break
        src, result, fixed = new_src, new_result, fixed + count
    findings = [src.map_finding(f) for f in result.findings]
    errors = [src.map_error(e) for e in result.errors] + errors_extra
    return findings, errors, fixed


def _syntax_errors(result: Result) -> int:
    return sum(e.kind == "syntax" for e in result.errors)


FileResult = tuple[list[Finding], list[AnalysisError], int]  # (findings, errors, fixes applied)
BYTES_PER_WORKER = 256 * 1024  # a worker process is started for at least this much source to check


def _check_one(analyzer: Analyzer, path: Path, config: Config, fix: bool) -> FileResult:
    """check_file, with a crash (a bug) reported as an internal error on the file."""
    try:
        return check_file(analyzer, path, config, fix)
    except Exception as exc:  # a bug: report it with the file, go on with the others
        return [], [AnalysisError(str(path), 1, 0, f"internal error: {exc!r}", kind="internal")], 0


_WORKER_ANALYZER: Analyzer | None = None


def _check_in_worker(task: tuple[Path, Config, bool]) -> FileResult:
    """One file in a worker process of `check --jobs N` (one analyzer per worker, reused across files)."""
    global _WORKER_ANALYZER
    if _WORKER_ANALYZER is None:
        _WORKER_ANALYZER = Analyzer()
    return _check_one(_WORKER_ANALYZER, *task)


def _worker_lost(task: tuple[Path, Config, bool], exc: BaseException) -> FileResult:
    return [], [AnalysisError(str(task[0]), 1, 0, f"internal error: the worker process checking this file "
                              f"stopped ({exc!r})", kind="internal")], 0


def _worker_count(jobs: int, files: list[Path]) -> int:
    """Worker processes worth starting: at most `jobs`, one per file, one per BYTES_PER_WORKER of source
    (below that, starting a process costs more than it saves); 1 means checking in this process."""
    size = 0
    for f in files:
        try:
            size += f.stat().st_size
        except OSError:
            pass
    return max(1, min(jobs, len(files), size // BYTES_PER_WORKER))


def check_files(tasks: list[tuple[Path, Config, bool]], jobs: int) -> Iterator[FileResult]:
    """Each (path, config, fix)'s result, in order: in this process, or on worker processes when
    there is enough to check. Each file is analysed and fixed by one worker (fixes touch only their
    own file, and the file list holds no file twice), so the results equal a serial run's."""
    workers = _worker_count(jobs, [t[0] for t in tasks])
    if workers <= 1:
        analyzer = Analyzer()
        return (_check_one(analyzer, *t) for t in tasks)
    return ordered_map(_check_in_worker, tasks, workers, lost=_worker_lost, preload=["learnability.cli"])


def cmd_check(args: argparse.Namespace) -> int:
    try:
        configs = ConfigFinder(args)
        files, walk_errors = collect_files(args.paths)  # what cannot be checked is one error each
        tasks = [(path, configs.for_file(path), bool(args.fix)) for path in files]  # every config checked first
    except ConfigError as exc:
        print(f"learnability: configuration error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    text = args.format == "text"
    findings: list[Finding] = []  # kept for the JSON and SARIF documents; text is printed file by file
    errors: list[AnalysisError] = []
    counts = {"findings": 0, "fixable": 0, "bad": 0, "internal": 0, "problems": 0}
    fixed_total = 0
    results = itertools.chain([([], walk_errors, 0)] if walk_errors else [],
                              check_files(tasks, args.jobs or available_cores()))
    for file_findings, file_errors, fixed in results:
        if text:
            _print_file(file_findings, file_errors)
        else:
            findings.extend(file_findings)
            errors.extend(file_errors)
        counts["findings"] += len(file_findings)
        counts["fixable"] += sum(f.fixable for f in file_findings)
        counts["bad"] += sum(e.kind != "skipped" for e in file_errors)
        counts["internal"] += sum(e.kind in ("internal", "write") for e in file_errors)
        counts["problems"] += sum(e.kind in ("syntax", "io") for e in file_errors)
        fixed_total += fixed
    out = sys.stdout
    if args.format == "json":
        json.dump({"version": 1, "findings": [f.to_json() for f in findings],
                   "errors": [e.to_json() for e in errors]}, out, indent=2)
        out.write("\n")
    elif args.format == "sarif":
        from learnability.sarif import to_sarif

        json.dump(to_sarif(findings, errors), out, indent=2)
        out.write("\n")
    else:
        _print_summary(counts["findings"], counts["fixable"], counts["bad"], fixed_total, len(files))
    if args.fix and args.format != "text":
        print(_fixed_line(fixed_total), file=sys.stderr)
    if counts["internal"]:  # a bug, or fixes that could not be saved
        return EXIT_ERROR
    return EXIT_FINDINGS if counts["findings"] or counts["problems"] else EXIT_CLEAN


def _fixed_line(fixed: int) -> str:
    return f"Fixed {fixed} finding{'s' if fixed != 1 else ''}."


def _location(path: str, cell: int | None, line: int, column: int) -> str:
    """`path:line:col`, or nbqa's `path:cell_N:line:col` for a notebook cell (column 1-based)."""
    return f"{path}:cell_{cell}:{line}:{column}" if cell is not None else f"{path}:{line}:{column}"


_ERROR_PREFIX = {"io": "error: ", "write": "error: ", "skipped": "note: ", "internal": ""}


def _print_file(findings: list[Finding], errors: list[AnalysisError]) -> None:
    """One file's lines of the human output: its errors, then its findings."""
    for e in errors:
        prefix = _ERROR_PREFIX.get(e.kind, "" if e.message.startswith("syntax error") else "syntax error: ")
        print(f"{_location(e.path, e.cell, e.line, e.column + 1)}: {prefix}{e.message}")
    for f in findings:
        mark = " [*]" if f.fixable else ""
        where = _location(f.path, f.data.get("cell"), f.span.line, f.span.column + 1)
        print(f"{where}: {f.rule} {f.message}{mark}")


def _print_summary(n: int, fixable: int, bad: int, fixed: int, files: int) -> None:
    if fixed:
        print(_fixed_line(fixed))
    if n:
        print(f"Found {n} finding{'s' if n != 1 else ''}" + (f" ({fixable} fixable with --fix)." if fixable else "."))
    elif not bad:
        print(f"No findings ({files} file{'s' if files != 1 else ''} checked).")
    if bad:
        print(f"{bad} file error{'s' if bad != 1 else ''} (files or statements that could not be analysed).")


def cmd_rules(args: argparse.Namespace) -> int:
    from learnability.probe.checks import all_checks

    rules = all_rules()
    checks = all_checks()
    if args.format == "json":
        json.dump([{"id": r.id, "name": r.name, "category": r.category.value, "severity": r.severity.value,
                    "summary": r.summary, "fixable": r.fix_summary is not None, "url": docs_url(r.id)}
                   for r in rules] +
                  [{"id": c.id, "name": c.name, "category": c.category, "severity": c.severity, "summary": c.summary,
                    "fixable": False, "url": docs_url(c.id), "probe": True} for c in checks], sys.stdout, indent=2)
        print()
        return EXIT_CLEAN
    from rich.console import Console
    from rich.table import Table

    table = Table(title="Learnability rules")
    for col in ("id", "category", "severity", "summary", "fix"):
        table.add_column(col)
    for r in rules:
        table.add_row(r.id, r.category.value, r.severity.value, r.summary, "yes" if r.fix_summary else "")
    Console().print(table)
    probe = Table(title="Probe checks (learnability probe: measured in a short training run)")
    for col in ("id", "category", "severity", "summary"):
        probe.add_column(col)
    for c in checks:
        probe.add_row(c.id, c.category, c.severity, c.summary)
    Console().print(probe)
    return EXIT_CLEAN


def explain_text(rule_id: str) -> str | None:
    from learnability.rules.docs import explain_text as render

    rule = get_rule(rule_id)
    if rule is None:
        from learnability.probe.checks import get_check

        c = get_check(rule_id)
        if c is None:
            return None
        lines = [f"{c.id} {c.name} ({c.category}, {c.severity}; a probe check)", "", c.summary, "", "Why: " + c.rationale]
        if c.remedy:
            lines += ["", "Remedy the probe tries: " + c.remedy]
        example = c.example
        if example is not None:  # its first INVALID case, decided here as in the tests
            from learnability.probe.report import THRESHOLDS

            hit = c.hits(example.record, THRESHOLDS)[0]
            lines += ["", "Example (a measurement on which it fires):", f"  {hit.message}", f"  measured: {hit.evidence}"]
        elif c.decided_in:
            lines += ["", "Decided in " + c.decided_in]
        if c.cases:
            lines += ["", "Probe cases: " + ", ".join(f"tests/probe/{case}" for case in c.cases)]
        url = docs_url(c.id)
        if url:
            lines += ["", f"Docs: {url}"]
        return "\n".join(lines)
    return render(rule)


def cmd_explain(args: argparse.Namespace) -> int:
    text = explain_text(args.rule)
    if text is None:
        print(f"learnability: unknown rule '{args.rule}'; `learnability rules` lists them", file=sys.stderr)
        return EXIT_ERROR
    print(text)
    return EXIT_CLEAN


def cmd_serve(args: argparse.Namespace) -> int:
    from learnability.lsp.main import run_server

    return run_server(tcp=args.tcp)


def cmd_probe(args: argparse.Namespace) -> int:
    from learnability.probe.cli import run_probe_cli

    return run_probe_cli(args)


def _positive_int(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, not {value!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"expected 1 or more, not {n}")
    return n


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="learnability", description="Why will my Keras model not learn?")
    parser.add_argument("--version", action="version", version=f"learnability {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("check", help="lint Keras code (files or folders, .py and .ipynb)")
    p.add_argument("paths", nargs="+")
    p.add_argument("--format", choices=("text", "json", "sarif"), default="text")
    p.add_argument("--select", action="append", help="rule ids or prefixes to run (comma-separated)")
    p.add_argument("--ignore", action="append", help="rule ids or prefixes to skip (comma-separated)")
    p.add_argument("--fix", action="store_true", help="apply safe fixes in place (notebooks: in their cells)")
    p.add_argument("--config", metavar="FILE", help="a pyproject.toml or learnability.toml to use instead of "
                   "the nearest pyproject.toml")
    p.add_argument("--jobs", "-j", type=_positive_int, default=None, metavar="N",
                   help="files checked in parallel, by worker processes (default: the number of cores; 1: none)")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("rules", help="list the rule catalog")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=cmd_rules)

    p = sub.add_parser("explain", help="print a rule's rationale")
    p.add_argument("rule")
    p.set_defaults(func=cmd_explain)

    p = sub.add_parser("serve", help="run the language server (stdio)")
    p.add_argument("--tcp", metavar="HOST:PORT", default=None)
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("probe", help="train briefly and confirm each diagnosis")
    p.add_argument("file")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--budget", type=float, default=None, help="seconds of training per run")
    p.add_argument("--timeout", type=float, default=None, help="hard timeout for the whole probe (s)")
    p.add_argument("--plots", metavar="DIR", default=None)
    p.add_argument("--python", default=None, help="interpreter that has TensorFlow (default: this one)")
    p.add_argument("--ported", action="store_true",
                   help="probe a temporary copy with the safe Keras 3 fixes (LRN001/LRN002) applied; FILE is unchanged")
    p.set_defaults(func=cmd_probe)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return EXIT_ERROR if exc.code else EXIT_CLEAN
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        return EXIT_ERROR
    except BrokenPipeError:
        return EXIT_CLEAN
    except Exception as exc:  # an internal error: a clear line, exit 2
        print(f"learnability: internal error: {exc!r}", file=sys.stderr)
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
