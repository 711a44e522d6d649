"""Settings: rule selection, thresholds, severity overrides; read from `[tool.learnability]`."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

DEFAULT_THRESHOLDS: dict[str, float] = {
    # learning rate above which a run usually diverges or stalls, by optimizer family
    "lr_max_adaptive": 1e-2,  # adam, adamw, rmsprop, nadam, adamax, adagrad...
    "lr_max_sgd": 0.1,
    "lr_max_adadelta": 1.0,  # Adadelta's step is already scaled by RMS[dx]/RMS[g]: 1.0 is its classic rate
    "lr_min": 1e-6,
    "input_max_abs": 10.0,  # |input| beyond this with no scaling: unscaled
    "dropout_max": 0.5,
    "init_stddev_max": 1.0,
}


@dataclass
class Config:
    select: list[str] = field(default_factory=list)  # rule ids or prefixes; empty = all
    ignore: list[str] = field(default_factory=list)
    thresholds: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_THRESHOLDS))
    severity: dict[str, str] = field(default_factory=dict)  # rule id -> error | warning | info

    def enabled(self, rule_id: str) -> bool:
        if self.select and not any(rule_id.startswith(s) for s in self.select):
            return False
        return not any(rule_id.startswith(s) for s in self.ignore)

    def threshold(self, name: str) -> float:
        return float(self.thresholds.get(name, DEFAULT_THRESHOLDS[name]))

    def merged(self, data: dict[str, Any]) -> "Config":
        """A copy with the keys of a `[tool.learnability]`-shaped mapping applied."""
        cfg = replace(self, select=list(self.select), ignore=list(self.ignore),
                      thresholds=dict(self.thresholds), severity=dict(self.severity))
        if data.get("select") is not None:
            cfg.select = [str(s).upper() for s in _as_list(data["select"])]
        if data.get("ignore") is not None:
            cfg.ignore = [str(s).upper() for s in _as_list(data["ignore"])]
        if data.get("extend-ignore") is not None or data.get("extend_ignore") is not None:
            cfg.ignore += [str(s).upper() for s in _as_list(data.get("extend-ignore") or data.get("extend_ignore"))]
        for key, value in (data.get("thresholds") or {}).items():
            if key not in DEFAULT_THRESHOLDS:
                raise ConfigError(f"unknown threshold '{key}' (known: {', '.join(sorted(DEFAULT_THRESHOLDS))})")
            try:
                cfg.thresholds[key] = float(value)
            except (TypeError, ValueError):
                raise ConfigError(f"threshold '{key}' must be a number, not {value!r}") from None
        for rule, sev in (data.get("severity") or {}).items():
            if str(sev) not in ("error", "warning", "info"):
                raise ConfigError(f"severity for {rule} must be error, warning or info, not {sev!r}")
            cfg.severity[str(rule).upper()] = str(sev)
        return cfg


class ConfigError(ValueError):
    pass


def _as_list(value: Any) -> list[Any]:
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return list(value)


def find_pyproject(start: Path) -> Path | None:
    start = start.resolve()
    for folder in [start] + list(start.parents) if start.is_dir() else [start.parent] + list(start.parent.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def load_config(start: Path | None = None, base: Config | None = None) -> Config:
    """The configuration for files under `start`: base settings plus the nearest pyproject's table."""
    cfg = base or Config()
    if start is None:
        return cfg
    pyproject = find_pyproject(start)
    if pyproject is None:
        return cfg
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{pyproject}: {exc}") from None
    table = data.get("tool", {}).get("learnability")
    return cfg.merged(table) if isinstance(table, dict) else cfg
