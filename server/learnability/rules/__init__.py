"""The rule catalog: one module a rule, each registering itself with `register`."""

from __future__ import annotations

import importlib
import pkgutil

from learnability.rules.base import REGISTRY, Rule, register

_loaded = False


def all_rules() -> list[Rule]:
    global _loaded
    if not _loaded:
        for mod in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
            if mod.name.startswith("lrn"):
                importlib.import_module(f"{__name__}.{mod.name}")
        _loaded = True
    return sorted(REGISTRY.values(), key=lambda r: r.id)


def get_rule(rule_id: str) -> Rule | None:
    all_rules()
    return REGISTRY.get(rule_id.upper())


__all__ = ["Rule", "register", "all_rules", "get_rule"]
