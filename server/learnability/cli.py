"""`learnability` command line: check, rules, explain, serve, probe."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Sequence

from learnability import __version__
from learnability.config import Config, ConfigError, load_config, load_config_file
from learnability.engine import Analyzer
from learnability.findings import AnalysisError, Finding
from learnability.fixes import apply_fixes
from learnability.rules import all_rules, get_rule
from learnability.rules.base import docs_url
from learnability.sources import SourceError, fix_notebook, load_source, notebook_source, write_notebook, write_source

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


SKIP_DIRS = frozenset({"node_modules", "__pycache__", "site-packages", "venv", "env", "build", "dist"})
SOURCE_SUFFIXES = (".py", ".ipynb")
MAX_FIX_PASSES = 4  # a fix can make another one applicable (or one was skipped for overlapping)


class UsageError(Exception):
    pass


def collect_files(paths: Sequence[str]) -> list[Path]:
    """The files to check: files named on the command line (whatever their suffix) and the .py and
    .ipynb files under folders, skipping hidden folders, virtual environments and build output."""
    out: list[Path] = []
    seen: set[Path] = set()

    def add(f: Path) -> None:
        key = f.resolve()
        if key not in seen:
            seen.add(key)
            out.append(f)

    for p in paths:
        path = Path(p)
        if path.is_dir():
            listed = _git_files(path)
            if listed is not None:
                for f in listed:
                    add(f)
                continue
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SKIP_DIRS
                                 and not (Path(root, d) / "pyvenv.cfg").exists())
                for name in sorted(files):
                    if name.endswith(SOURCE_SUFFIXES) and not name.startswith("."):
                        add(Path(root, name))
        elif path.is_file():
            add(path)
        else:
            raise UsageError(f"{p}: no such file or directory")
    return out


def _git_files(folder: Path) -> list[Path] | None:
    """Inside a git work tree: the .py/.ipynb files under `folder` that git tracks or would track
    (.gitignore respected), with the same folder rules as the plain walk. None outside git."""
    try:
        proc = subprocess.run(["git", "-C", str(folder), "ls-files", "-z", "--cached", "--others",
                               "--exclude-standard", "--", "."], capture_output=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    if proc.returncode != 0:
        return None
    out = []
    for name in sorted(proc.stdout.decode("utf-8", "surrogateescape").split("\0")):
        parts = Path(name).parts
        if not name.endswith(SOURCE_SUFFIXES) or any(x.startswith(".") or x in SKIP_DIRS for x in parts):
            continue
        f = folder / name
        if f.is_file():  # tracked but deleted files are listed too
            out.append(f)
    return out


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
            if not cfg_path.is_file():
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
        if src.is_notebook:
            notebook, count = fix_notebook(src, [src.map_finding(f) for f in result.findings])
            if notebook is None:
                break
            new_src = notebook_source(src.path, notebook, src.indent)
        else:
            new_text, count = apply_fixes(src.text, result.findings)
            if not count or new_text == src.text:
                break
            new_src = replace(src, text=new_text)
        new_result = analyzer.analyze(new_src.text, str(path), config)
        if _syntax_errors(new_result) > _syntax_errors(result):  # a fix bug: never write broken code
            errors_extra.append(AnalysisError(str(path), 1, 0, "fixes not applied: they would have introduced a "
                                              "syntax error (a bug in a fix; please report it)", kind="internal"))
            break
        try:
            if new_src.is_notebook:
                write_notebook(new_src, new_src.notebook or {})
            else:
                write_source(new_src, new_src.text)
        except OSError as exc:
            errors_extra.append(AnalysisError(str(path), 1, 0, f"cannot write fixes: {exc.strerror or exc}", kind="io"))
            break
        src, result, fixed = new_src, new_result, fixed + count
    findings = [src.map_finding(f) for f in result.findings]
    errors = [src.map_error(e) for e in result.errors] + errors_extra
    return findings, errors, fixed


def _syntax_errors(result) -> int:
    return sum(e.kind == "syntax" for e in result.errors)


def cmd_check(args: argparse.Namespace) -> int:
    try:
        files = collect_files(args.paths)
        configs = ConfigFinder(args)
    except UsageError as exc:
        print(f"learnability: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except ConfigError as exc:
        print(f"learnability: configuration error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    analyzer = Analyzer()
    findings: list[Finding] = []
    errors: list[AnalysisError] = []
    fixed_total = 0
    for path in files:
        try:
            config = configs.for_file(path)
        except ConfigError as exc:
            print(f"learnability: configuration error: {exc}", file=sys.stderr)
            return EXIT_ERROR
        try:
            file_findings, file_errors, fixed = check_file(analyzer, path, config, args.fix)
        except Exception as exc:  # a bug: report it with the file, go on with the others
            file_findings, file_errors, fixed = [], [AnalysisError(str(path), 1, 0, f"internal error: {exc!r}",
                                                                   kind="internal")], 0
        findings.extend(file_findings)
        errors.extend(file_errors)
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
        _print_human(findings, errors, fixed_total, len(files))
    if args.fix and args.format != "text":
        print(_fixed_line(fixed_total), file=sys.stderr)
    if any(e.kind == "internal" for e in errors):
        return EXIT_ERROR
    problems = findings or any(e.kind in ("syntax", "io") for e in errors)
    return EXIT_FINDINGS if problems else EXIT_CLEAN


def _fixed_line(fixed: int) -> str:
    return f"Fixed {fixed} finding{'s' if fixed != 1 else ''}."


def _location(path: str, cell: int | None, line: int, column: int) -> str:
    """`path:line:col`, or nbqa's `path:cell_N:line:col` for a notebook cell (column 1-based)."""
    return f"{path}:cell_{cell}:{line}:{column}" if cell is not None else f"{path}:{line}:{column}"


_ERROR_PREFIX = {"io": "error: ", "skipped": "note: ", "internal": ""}


def _print_human(findings: list[Finding], errors: list[AnalysisError], fixed: int, files: int) -> None:
    for e in errors:
        prefix = _ERROR_PREFIX.get(e.kind, "" if e.message.startswith("syntax error") else "syntax error: ")
        print(f"{_location(e.path, e.cell, e.line, e.column + 1)}: {prefix}{e.message}")
    for f in findings:
        mark = " [*]" if f.fixable else ""
        where = _location(f.path, f.data.get("cell"), f.span.line, f.span.column + 1)
        print(f"{where}: {f.rule} {f.message}{mark}")
    if fixed:
        print(_fixed_line(fixed))
    n = len(findings)
    bad = [e for e in errors if e.kind != "skipped"]
    if n:
        fixable = sum(f.fixable for f in findings)
        print(f"Found {n} finding{'s' if n != 1 else ''}" + (f" ({fixable} fixable with --fix)." if fixable else "."))
    elif not bad:
        print(f"No findings ({files} file{'s' if files != 1 else ''} checked).")
    if bad:
        print(f"{len(bad)} file error{'s' if len(bad) != 1 else ''} (files or statements that could not be analysed).")


def cmd_rules(args: argparse.Namespace) -> int:
    rules = all_rules()
    if args.format == "json":
        json.dump([{"id": r.id, "name": r.name, "category": r.category.value, "severity": r.severity.value,
                    "summary": r.summary, "fixable": r.fix_summary is not None, "url": docs_url(r.id)}
                   for r in rules], sys.stdout, indent=2)
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
    return EXIT_CLEAN


def explain_text(rule_id: str) -> str | None:
    from learnability.rules.docs import explain_text as render

    rule = get_rule(rule_id)
    return None if rule is None else render(rule)


def cmd_explain(args: argparse.Namespace) -> int:
    text = explain_text(args.rule)
    if text is None:
        print(f"learnability: unknown rule '{args.rule}'; `learnability rules` lists them", file=sys.stderr)
        return EXIT_ERROR
    print(text)
    return EXIT_CLEAN


def cmd_serve(args: argparse.Namespace) -> int:
    from learnability.lsp.server import run_server

    return run_server(tcp=args.tcp)


def cmd_probe(args: argparse.Namespace) -> int:
    from learnability.probe.cli import run_probe_cli

    return run_probe_cli(args)


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
