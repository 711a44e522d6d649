"""Generate the VS Code extension's settings schema and defaults from the Python side, their one source.

    .venv/bin/python scripts/gen_settings.py           # rewrite package.json's settings, extension/src/defaults.ts
    .venv/bin/python scripts/gen_settings.py --check   # exit 1 if either is out of date

What comes from where:
- thresholds (names, defaults, descriptions): `learnability.config.DEFAULT_THRESHOLDS`, `THRESHOLD_HELP`;
- severity levels: `learnability.config.SEVERITIES`;
- `lintOn` and `logLevel` (choices, defaults): `learnability.lsp.settings` (`LINT_ON`, `LOG_LEVELS`, `Settings`);
- probe budget and timeout defaults: `learnability.probe.runner` (`DEFAULTS["budget_s"]`, `DEFAULT_TIMEOUT_S`),
  their minimums: `learnability.lsp.settings.PROBE_MINIMUM_S`.
- the settings' order (package.json's key order and each setting's `order`, which the Settings editor follows
  instead of sorting by name): `SETTINGS_ORDER` here, what a newcomer needs first: the interpreter, when to
  lint, which rules, then thresholds, the probe and the log.
package.json keeps everything else (titles, scopes, the other settings' text): only the fields named
here are rewritten. tests/test_settings_schema.py fails while the committed files are out of date.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "server"))

from learnability.config import DEFAULT_THRESHOLDS, SEVERITIES, THRESHOLD_HELP  # noqa: E402
from learnability.lsp.settings import LINT_ON, LOG_LEVELS, PROBE_MINIMUM_S, Settings  # noqa: E402
from learnability.probe.runner import DEFAULT_TIMEOUT_S, DEFAULTS  # noqa: E402

PACKAGE = ROOT / "package.json"
DEFAULTS_TS = ROOT / "extension" / "src" / "defaults.ts"
COMMAND = ".venv/bin/python scripts/gen_settings.py"

# The order of the settings in the Settings editor (a setting not named here comes after these, by name).
SETTINGS_ORDER = ["interpreter", "lintOn", "select", "ignore", "severity", "thresholds",
                  "probe.budgetSeconds", "probe.timeoutSeconds", "logLevel"]


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else float(value)


def facts() -> dict[str, Any]:
    missing = sorted(set(DEFAULT_THRESHOLDS) ^ set(THRESHOLD_HELP))
    if missing:
        raise SystemExit(f"learnability.config: DEFAULT_THRESHOLDS and THRESHOLD_HELP differ on {missing}: "
                         "give every threshold a default and a description")
    settings = Settings()
    return {
        "thresholds": {name: _number(value) for name, value in DEFAULT_THRESHOLDS.items()},
        "severities": list(SEVERITIES),
        "lintOn": dict(LINT_ON),
        "lintOnDefault": settings.lint_on,
        "logLevels": list(LOG_LEVELS),
        "logLevelDefault": settings.log_level,
        "probe": {"budgetSeconds": _number(DEFAULTS["budget_s"]), "timeoutSeconds": _number(DEFAULT_TIMEOUT_S)},
        "probeMinimum": {key: _number(value) for key, value in PROBE_MINIMUM_S.items()},
    }


def render_package(text: str) -> str:
    """package.json with its settings' generated fields rewritten (the rest as it was)."""
    data = json.loads(text)
    f = facts()
    props = data["contributes"]["configuration"]["properties"]
    names = list(f["thresholds"])
    example = {names[0]: f["thresholds"][names[0]] / 10 if names else 0, "input_max_abs": 10}
    th = props["learnability.thresholds"]
    th["markdownDescription"] = ("Override rule thresholds, for example `" + json.dumps(example, separators=(", ", ": "))
                                 + "`. Known keys: " + ", ".join(f"`{n}`" for n in names) + ".")
    th["properties"] = {n: {"type": "number", "default": v, "description": THRESHOLD_HELP[n]}
                        for n, v in f["thresholds"].items()}
    props["learnability.severity"]["additionalProperties"]["enum"] = f["severities"]
    lint = props["learnability.lintOn"]
    lint["enum"], lint["enumDescriptions"], lint["default"] = list(f["lintOn"]), list(f["lintOn"].values()), f["lintOnDefault"]
    for key in ("budgetSeconds", "timeoutSeconds"):
        prop = props[f"learnability.probe.{key}"]
        prop["default"], prop["minimum"] = f["probe"][key], f["probeMinimum"][key]
    level = props["learnability.logLevel"]
    level["enum"], level["default"] = f["logLevels"], f["logLevelDefault"]
    rank = {f"learnability.{name}": i for i, name in enumerate(SETTINGS_ORDER)}
    ordered = sorted(props, key=lambda key: (rank.get(key, len(rank)), key))
    data["contributes"]["configuration"]["properties"] = {key: {**props[key], "order": i} for i, key in enumerate(ordered)}
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _ts(value: Any) -> str:
    return json.dumps(value)


def render_defaults_ts() -> str:
    f = facts()
    thresholds = "\n".join(f"  {n}: {_ts(v)}," for n, v in f["thresholds"].items())
    return f"""// Generated by scripts/gen_settings.py from the Python defaults: do not edit by hand; run `{COMMAND}`.
// The server's own lists and defaults (learnability.config, learnability.lsp.settings, learnability.probe.runner).

/** Rule thresholds the server knows, with their defaults. */
export const THRESHOLD_DEFAULTS = {{
{thresholds}
}} as const;

export type ThresholdName = keyof typeof THRESHOLD_DEFAULTS;
export const KNOWN_THRESHOLDS = Object.keys(THRESHOLD_DEFAULTS) as readonly ThresholdName[];

export const SEVERITIES = {_ts(f["severities"])} as const;
export const LINT_ON = {_ts(list(f["lintOn"]))} as const;
export const LINT_ON_DEFAULT = {_ts(f["lintOnDefault"])};
export const LOG_LEVELS = {_ts(f["logLevels"])} as const;
export const LOG_LEVEL_DEFAULT = {_ts(f["logLevelDefault"])};

/** The probe's defaults (seconds of training per run, seconds in all) and the smallest values taken. */
export const PROBE_DEFAULTS = {{ budgetSeconds: {_ts(f["probe"]["budgetSeconds"])}, timeoutSeconds: {_ts(f["probe"]["timeoutSeconds"])} }} as const;
export const PROBE_MINIMUM = {{ budgetSeconds: {_ts(f["probeMinimum"]["budgetSeconds"])}, timeoutSeconds: {_ts(f["probeMinimum"]["timeoutSeconds"])} }} as const;
"""


def outputs() -> dict[Path, str]:
    return {PACKAGE: render_package(PACKAGE.read_text(encoding="utf-8")), DEFAULTS_TS: render_defaults_ts()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if a generated file is out of date")
    args = parser.parse_args()
    stale = [p for p, text in outputs().items() if not p.exists() or p.read_text(encoding="utf-8") != text]
    if args.check:
        for p in stale:
            print(f"{p.relative_to(ROOT)} is out of date: run `{COMMAND}`", file=sys.stderr)
        return 1 if stale else 0
    for p, text in outputs().items():
        if p in stale:
            p.write_text(text, encoding="utf-8")
            print(f"wrote {p.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
