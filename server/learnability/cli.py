"""`learnability` command line: check, rules, explain, serve, probe."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Iterable, Sequence

from learnability import __version__
from learnability.config import Config, ConfigError, load_config
from learnability.engine import Analyzer
from learnability.findings import AnalysisError, Finding
from learnability.fixes import apply_fixes
from learnability.rules import all_rules, get_rule
from learnability.sources import SourceError, load_source, write_source

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _iter_files(paths: Sequence[str]) -> Iterable[Path]:
    for p in paths:
        path = Path(p)
        if path.is_dir():
            for f in sorted(path.rglob("*")):
                if f.suffix in (".py", ".ipynb") and f.is_file() and not any(
                    part.startswith(".") or part in ("node_modules", "__pycache__", "site-packages") for part in f.parts
                ):
                    yield f
        else:
            yield path


def _split(values: list[str] | None) -> list[str]:
    return [v.strip().upper() for item in values or [] for v in item.split(",") if v.strip()]


def cmd_check(args: argparse.Namespace) -> int:
    analyzer = Analyzer()
    findings: list[Finding] = []
    errors: list[AnalysisError] = []
    fixed_total = 0
    for path in _iter_files(args.paths):
        try:
            config = load_config(path.parent if path.exists() else Path.cwd())
        except ConfigError as exc:
            print(f"learnability: configuration error: {exc}", file=sys.stderr)
            return EXIT_ERROR
        if args.select:
            config.select = _split(args.select)
        if args.ignore:
            config.ignore = config.ignore + _split(args.ignore)
        try:
            src = load_source(path)
        except SourceError as exc:
            errors.append(AnalysisError(str(path), exc.line, 0, str(exc), kind="io"))
            continue
        result = analyzer.analyze(src.text, str(path), config)
        if args.fix:
            new_text, count = apply_fixes(src.text, result.findings)
            if count:
                write_source(src, new_text)
                fixed_total += count
                result = analyzer.analyze(new_text, str(path), config)
        findings.extend(src.map_finding(f) for f in result.findings)
        errors.extend(src.map_error(e) for e in result.errors)
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
        _print_human(findings, errors, fixed_total)
    if any(e.kind == "internal" for e in errors):
        return EXIT_ERROR
    return EXIT_FINDINGS if findings or errors else EXIT_CLEAN


def _print_human(findings: list[Finding], errors: list[AnalysisError], fixed: int) -> None:
    for e in errors:
        print(f"{e.path}:{e.line}:{e.column + 1}: error: {e.message}")
    for f in findings:
        mark = " [*]" if f.fixable else ""
        print(f"{f.path}:{f.span.line}:{f.span.column + 1}: {f.rule} {f.message}{mark}")
    n = len(findings)
    if fixed:
        print(f"Fixed {fixed} finding{'s' if fixed != 1 else ''}.")
    if n:
        fixable = sum(f.fixable for f in findings)
        print(f"Found {n} finding{'s' if n != 1 else ''}" + (f" ({fixable} fixable with --fix)." if fixable else "."))
    elif not errors:
        print("No findings.")


def cmd_rules(args: argparse.Namespace) -> int:
    rules = all_rules()
    if args.format == "json":
        json.dump([{"id": r.id, "name": r.name, "category": r.category.value, "severity": r.severity.value,
                    "summary": r.summary, "fixable": r.fix_summary is not None} for r in rules], sys.stdout, indent=2)
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
    rule = get_rule(rule_id)
    if rule is None:
        return None
    lines = [f"{rule.id} {rule.name} ({rule.category.value}, {rule.severity.value})", "", rule.summary, "",
             "Why: " + rule.rationale]
    if rule.fix_summary:
        lines += ["", "Fix: " + rule.fix_summary]
    bad, good = rule.examples
    if bad:
        lines += ["", "Instead of:", f"    {bad}", "write:", f"    {good}"]
    lines += ["", f"Suppress on a line with: # learnability: ignore[{rule.id}]"]
    return "\n".join(lines)


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
    p.add_argument("--fix", action="store_true", help="apply safe fixes in place")
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
