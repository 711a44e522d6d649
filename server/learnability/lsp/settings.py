"""Editor settings: initializationOptions, `workspace/configuration` (section "learnability") and
`workspace/didChangeConfiguration`, on top of the nearest pyproject's `[tool.learnability]`.

Shape (every key optional)::

    {"select": [...], "ignore": [...], "thresholds": {name: number}, "severity": {rule: level},
     "lintOn": "change" | "save", "interpreter": path, "probe": {"budgetSeconds": s, "timeoutSeconds": s},
     "logLevel": level}

Defaults: the fields of `Settings` below; an unset probe value is the probe runner's default
(`learnability.probe.runner.DEFAULTS["budget_s"]`, `DEFAULT_TIMEOUT_S`). The VS Code extension's
settings schema (package.json) and its defaults (extension/src/defaults.ts) are generated from these
by scripts/gen_settings.py.

Bad values never stop the server: they are reported (window/logMessage) and the default is used.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from learnability.config import Config, ConfigError, find_pyproject, load_config

LOG_LEVELS = ("error", "warning", "info", "debug")
LINT_ON = {"change": "Lint as you type.", "save": "Lint when the file is opened or saved."}
# The smallest probe values taken (a smaller one is raised to it): seconds of training per run, seconds in all.
PROBE_MINIMUM_S = {"budgetSeconds": 1.0, "timeoutSeconds": 5.0}


@dataclass
class Settings:
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    thresholds: dict[str, float] = field(default_factory=dict)
    severity: dict[str, str] = field(default_factory=dict)
    lint_on: str = "change"
    interpreter: str = ""
    probe_budget_s: float | None = None
    probe_timeout_s: float | None = None
    log_level: str = "info"

    @classmethod
    def from_dict(cls, data: Any, problems: list[str] | None = None) -> "Settings":
        """Tolerant parse: each bad value is noted in `problems` and left at its default."""
        problems = problems if problems is not None else []
        out = cls()
        if data is None:
            return out
        if not isinstance(data, dict):
            problems.append(f"settings must be an object, not {type(data).__name__}")
            return out
        if isinstance(data.get("settings"), dict):  # initializationOptions: {"settings": {...}}
            data = data["settings"]
        if isinstance(data.get("learnability"), dict):  # didChangeConfiguration: {"learnability": {...}}
            data = data["learnability"]

        for key in ("select", "ignore"):
            value = data.get(key)
            if value is None:
                continue
            if isinstance(value, str):
                value = [v for v in value.split(",")]
            if isinstance(value, list) and all(isinstance(v, str) for v in value):
                setattr(out, key, [v.strip().upper() for v in value if v.strip()])
            else:
                problems.append(f"'{key}' must be a list of rule ids")
        for key in ("thresholds", "severity"):
            value = data.get(key)
            if value is None:
                continue
            if isinstance(value, dict):
                setattr(out, key, dict(value))
            else:
                problems.append(f"'{key}' must be an object")
        lint_on = data.get("lintOn", data.get("lint_on"))
        if lint_on is not None:
            if lint_on in LINT_ON:
                out.lint_on = lint_on
            else:
                choices = " or ".join(json.dumps(v) for v in LINT_ON)
                problems.append(f"'lintOn' must be {choices}, not {lint_on!r}")
        interpreter = data.get("interpreter")
        if interpreter is not None:
            if isinstance(interpreter, str):
                out.interpreter = interpreter.strip()
            else:
                problems.append("'interpreter' must be a path")
        probe = data.get("probe")
        if probe is not None:
            if isinstance(probe, dict):
                out.probe_budget_s = _seconds(probe.get("budgetSeconds"), "probe.budgetSeconds", problems)
                out.probe_timeout_s = _seconds(probe.get("timeoutSeconds"), "probe.timeoutSeconds", problems)
            else:
                problems.append("'probe' must be an object")
        level = data.get("logLevel", data.get("log_level"))
        if level is not None:
            if isinstance(level, str) and level.lower() in LOG_LEVELS:
                out.log_level = level.lower()
            else:
                problems.append(f"'logLevel' must be one of {', '.join(LOG_LEVELS)}")
        # the rule settings go through Config's own validation (unknown thresholds, bad severities)
        try:
            Config().merged(out.rule_table())
        except ConfigError as exc:
            problems.append(str(exc))
            out.thresholds, out.severity = {}, {}
        return out

    def rule_table(self) -> dict[str, Any]:
        """The editor's rule settings as a `[tool.learnability]`-shaped table (only what is set)."""
        table: dict[str, Any] = {}
        if self.select:
            table["select"] = self.select
        if self.ignore:
            table["extend-ignore"] = self.ignore
        if self.thresholds:
            table["thresholds"] = self.thresholds
        if self.severity:
            table["severity"] = self.severity
        return table


def _seconds(value: object, name: str, problems: list[str]) -> float | None:
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0:
        return max(float(value), PROBE_MINIMUM_S[name.split(".")[-1]])
    problems.append(f"'{name}' must be a positive number of seconds")
    return None


class ConfigResolver:
    """The Config for a file: its nearest pyproject's `[tool.learnability]`, then the editor settings.

    pyproject files are re-read when their modification time changes."""

    def __init__(self) -> None:
        self._cache: dict[str, tuple[float, Config | None, str | None]] = {}

    def config_for(self, path: str | None, settings: Settings) -> tuple[Config, str | None]:
        """Returns (config, problem or None)."""
        base = Config()
        problem = None
        if path:
            folder = Path(path).parent
            try:
                pyproject = find_pyproject(folder) if folder.exists() else None
            except OSError:
                pyproject = None
            if pyproject is not None:
                key = str(pyproject)
                try:
                    mtime = os.stat(key).st_mtime
                except OSError:
                    mtime = -1.0
                cached = self._cache.get(key)
                if cached is None or cached[0] != mtime:
                    try:
                        cached = (mtime, load_config(pyproject.parent), None)
                    except ConfigError as exc:
                        cached = (mtime, None, str(exc))
                    self._cache[key] = cached
                if cached[1] is not None:
                    base = cached[1]
                problem = cached[2]
        try:
            return base.merged(settings.rule_table()), problem
        except ConfigError as exc:
            return base, str(exc)

    def clear(self) -> None:
        self._cache.clear()
