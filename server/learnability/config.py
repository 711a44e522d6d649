"""Settings: rule selection, thresholds, severity overrides; read from `[tool.learnability]`."""

from __future__ import annotations

import math
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
    "lr_max_adaptive": 1e-2,  # adam, adamw, rmsprop, nadam, adamax, lion...
    "lr_max_sgd": 0.1,
    "lr_max_adadelta": 1.0,  # Adadelta's step is already scaled by RMS[dx]/RMS[g]: 1.0 is its classic rate
    "lr_max_adagrad": 0.5,  # Adagrad / Ftrl steps shrink as squared gradients accumulate: 0.1-0.2 is common
    "lr_min": 1e-6,
    "input_max_abs": 10.0,  # |input| beyond this with no scaling: unscaled
    "dropout_max": 0.5,
    "init_stddev_max": 1.0,
}

# What a threshold may be set to: a finite number above 0 and at most this (beyond it the check means nothing).
THRESHOLD_MAX: dict[str, float] = {
    "lr_max_adaptive": 10.0,
    "lr_max_sgd": 10.0,
    "lr_max_adadelta": 100.0,
    "lr_max_adagrad": 10.0,
    "lr_min": 1.0,
    "input_max_abs": 1e9,
    "dropout_max": 1.0,  # a rate
    "init_stddev_max": 1e3,
}

# What each threshold means, in the words the editor's settings show (package.json is generated from
# these two tables by scripts/gen_settings.py; tests/test_settings_schema.py checks it is current).
THRESHOLD_HELP: dict[str, str] = {
    "lr_max_adaptive": "Learning rate above which adaptive optimizers (Adam, AdamW, RMSprop, Nadam, Adamax, "
                       "Lion, ...) usually diverge or stall.",
    "lr_max_sgd": "Learning rate above which SGD usually diverges.",
    "lr_max_adadelta": "Learning rate above which Adadelta usually diverges (its step is already scaled; "
                       "1.0 is its classic rate).",
    "lr_max_adagrad": "Learning rate above which Adagrad and Ftrl usually diverge (their steps shrink as "
                      "squared gradients accumulate).",
    "lr_min": "Learning rate below which training barely moves.",
    "input_max_abs": "|input| beyond this with no scaling counts as unscaled.",
    "dropout_max": "Dropout rate above which a layer loses too much signal.",
    "init_stddev_max": "Initializer standard deviation above which activations explode.",
}

KNOWN_KEYS = ("select", "ignore", "extend-ignore", "thresholds", "severity", "probe")  # probe: read by learnability.probe
SEVERITIES = ("error", "warning", "info")


@dataclass
class Config:
    select: list[str] = field(default_factory=list)  # rule ids or prefixes; empty = all
    ignore: list[str] = field(default_factory=list)
    thresholds: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_THRESHOLDS))
    severity: dict[str, str] = field(default_factory=dict)  # rule id -> error | warning | info
    source: Path | None = None  # the pyproject.toml these settings came from

    def enabled(self, rule_id: str) -> bool:
        if self.select and not any(rule_id.startswith(s) for s in self.select):
            return False
        return not any(rule_id.startswith(s) for s in self.ignore)

    def threshold(self, name: str) -> float:
        return float(self.thresholds.get(name, DEFAULT_THRESHOLDS[name]))

    def merged(self, data: dict[str, Any], source: Path | None = None) -> "Config":
        """A copy with the keys of a `[tool.learnability]`-shaped mapping applied.

        Raises ConfigError, naming the key, for unknown keys and values of the wrong type."""
        where = f"{source}: [tool.learnability]" if source else "[tool.learnability]"
        if not isinstance(data, dict):
            raise ConfigError(f"{where} must be a table, not {type(data).__name__}")
        unknown = [k for k in data if k not in KNOWN_KEYS and k != "extend_ignore"]
        if unknown:
            raise ConfigError(f"{where}: unknown key {unknown[0]!r} (known: {', '.join(KNOWN_KEYS)})")
        cfg = replace(self, select=list(self.select), ignore=list(self.ignore),
                      thresholds=dict(self.thresholds), severity=dict(self.severity), source=source or self.source)
        if data.get("select") is not None:
            cfg.select = _codes(data["select"], f"{where} select")
        if data.get("ignore") is not None:
            cfg.ignore = _codes(data["ignore"], f"{where} ignore")
        for key in ("extend-ignore", "extend_ignore"):
            if data.get(key) is not None:
                cfg.ignore += _codes(data[key], f"{where} {key}")
        thresholds = data.get("thresholds") or {}
        if not isinstance(thresholds, dict):
            raise ConfigError(f"{where} thresholds must be a table like {{ lr_max_adaptive = 0.01 }}")
        for key, value in thresholds.items():
            if key not in DEFAULT_THRESHOLDS:
                raise ConfigError(f"{where}: unknown threshold {key!r} (known: {', '.join(sorted(DEFAULT_THRESHOLDS))})")
            cfg.thresholds[key] = number(value, f"{where}: threshold {key!r}", 0.0, THRESHOLD_MAX[key], low_open=True)
        if data.get("probe") is not None:
            probe_options(data["probe"], where[:-1] + ".probe]")  # checked here too: `check` reports it at once
        severity = data.get("severity") or {}
        if not isinstance(severity, dict):
            raise ConfigError(f"{where} severity must be a table like {{ LRN101 = \"error\" }}")
        for rule, sev in severity.items():
            if sev not in SEVERITIES:
                raise ConfigError(f"{where}: severity for {rule} must be error, warning or info, not {sev!r}")
            cfg.severity[str(rule).upper()] = str(sev)
        return cfg

    def check_rule_ids(self, known: list[str]) -> None:
        """Raise ConfigError for a select/ignore code that matches no rule, or a severity for an unknown rule."""
        where = f"{self.source}: " if self.source else ""
        for key, codes in (("select", self.select), ("ignore", self.ignore)):
            for code in codes:
                if not any(k.startswith(code) for k in known):
                    raise ConfigError(f"{where}{key}: {code!r} matches no rule (`learnability rules` lists them)")
        for rule in self.severity:
            if rule not in known:
                raise ConfigError(f"{where}severity: unknown rule {rule!r}")


class ConfigError(ValueError):
    pass


def number(value: object, what: str, low: float, high: float, *, integer: bool = False, low_open: bool = False) -> float:
    """`value` if it is a finite number in range (low exclusive when `low_open`), else ConfigError naming `what`.
    TOML's nan and inf, booleans, strings and, for `integer`, fractions are refused."""
    kind = "a whole number" if integer else "a number"
    if isinstance(value, bool) or not isinstance(value, (int, float)) or (integer and not isinstance(value, int)):
        raise ConfigError(f"{what} must be {kind}, not {value!r}")
    if not math.isfinite(value):
        raise ConfigError(f"{what} must be a finite number, not {value!r}")
    if value < low or (low_open and value == low) or value > high:
        bound = f"above {low:g}" if low_open else f"at least {low:g}"
        raise ConfigError(f"{what} must be {bound} and at most {high:g}, not {value!r}")
    return int(value) if integer else float(value)


def probe_options(table: object, where: str = "[tool.learnability.probe]") -> tuple[dict[str, Any], dict[str, float]]:
    """The probe's settings from a `[tool.learnability.probe]` table: (options, thresholds). Every key is
    checked (name, type, range); ConfigError names the first wrong one."""
    from learnability.probe.report import THRESHOLD_MAX as PROBE_THRESHOLD_MAX
    from learnability.probe.runner import OPTION_LIMITS

    if not isinstance(table, dict):
        raise ConfigError(f"{where} must be a table, not {table!r}")
    options: dict[str, Any] = {}
    thresholds: dict[str, float] = {}
    for key, value in table.items():
        if key == "thresholds":
            if not isinstance(value, dict):
                raise ConfigError(f"{where} thresholds must be a table like {{ speedup = 2.0 }}")
            for name, v in value.items():
                if name not in PROBE_THRESHOLD_MAX:
                    raise ConfigError(f"{where}: unknown threshold {name!r} (known: {', '.join(sorted(PROBE_THRESHOLD_MAX))})")
                thresholds[name] = number(v, f"{where}: threshold {name!r}", 0.0, PROBE_THRESHOLD_MAX[name], low_open=True)
        elif key in OPTION_LIMITS:
            low, high = OPTION_LIMITS[key]
            integer = isinstance(low, int)
            options[key] = number(value, f"{where}: {key!r}", low, high, integer=integer, low_open=not integer)
        else:
            raise ConfigError(f"{where}: unknown key {key!r} (known: {', '.join([*OPTION_LIMITS, 'thresholds'])})")
    return options, thresholds


def _codes(value: object, what: str) -> list[str]:
    """Rule codes from a list of strings or one comma-separated string, upper-cased."""
    if isinstance(value, str):
        items: list[object] = list(value.split(","))
    elif isinstance(value, list):
        items = value
    else:
        raise ConfigError(f"{what} must be a list of rule ids, not {value!r}")
    out: list[str] = []
    for item in items:
        if not isinstance(item, str):
            raise ConfigError(f"{what} must be a list of rule ids, not {value!r}")
        if item.strip():
            out.append(item.strip().upper())
    return out


def find_pyproject(start: Path) -> Path | None:
    """The nearest pyproject.toml at or above `start` (a file or a folder) that has a
    `[tool.learnability]` table; None when there is none. A pyproject.toml that cannot be read
    as TOML stops the search and is returned (it might hold the settings): `load_config` then
    raises ConfigError saying why."""
    start = start.resolve()
    folder = start if start.is_dir() else start.parent
    for candidate in (f / "pyproject.toml" for f in [folder, *folder.parents]):
        if not candidate.is_file():
            continue
        try:
            tool = read_toml(candidate).get("tool", {})
        except ConfigError:
            return candidate
        if isinstance(tool, dict) and "learnability" in tool:
            return candidate
    return None


_TOML_CACHE: dict[Path, tuple[float, dict[str, Any]]] = {}


TOML_LIMIT = 4 * 1024 * 1024  # a larger pyproject.toml is not read


def read_toml(path: Path) -> dict[str, Any]:
    """A TOML file's table (cached while its mtime holds); ConfigError saying why it cannot be read: not a
    regular file, too large, not UTF-8, a byte order mark (TOML has none; pip and tomllib refuse it too),
    not valid TOML."""
    from learnability.sources import SourceError, read_regular_file

    try:
        mtime = path.stat().st_mtime
        hit = _TOML_CACHE.get(path)
        if hit is not None and hit[0] == mtime:
            return hit[1]
        raw = read_regular_file(path, TOML_LIMIT)
        if raw.startswith(b"\xef\xbb\xbf"):
            raise ConfigError(f"{path}: starts with a byte order mark (BOM), which TOML does not allow: "
                              "save it as UTF-8 without BOM")
        data: dict[str, Any] = tomllib.loads(raw.decode("utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except SourceError as exc:
        raise ConfigError(str(exc)) from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
    _TOML_CACHE[path] = (mtime, data)
    return data



def load_config(start: Path | None = None, base: Config | None = None) -> Config:
    """The configuration for files under `start`: base settings plus the nearest pyproject's table."""
    cfg = base or Config()
    if start is None:
        return cfg
    pyproject = find_pyproject(start)
    if pyproject is None:
        return cfg
    table = read_toml(pyproject)["tool"]["learnability"]
    return cfg.merged(table, pyproject)


def load_config_file(path: Path, base: Config | None = None) -> Config:
    """Settings from an explicit file: a pyproject.toml (its `[tool.learnability]`) or a
    learnability.toml whose top level is the table itself."""
    data = read_toml(path)
    if path.name == "pyproject.toml":
        tool = data.get("tool")
        table = tool.get("learnability") if isinstance(tool, dict) else None
        if table is None:
            raise ConfigError(f"{path} has no [tool.learnability] table")
        data = table
    return (base or Config()).merged(data, path)
