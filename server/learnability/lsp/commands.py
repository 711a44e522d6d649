"""Server commands other than the probe: `learnability.explain` [ruleId] -> markdown."""

from __future__ import annotations

from typing import Any

from pygls.exceptions import JsonRpcInvalidParams


def explain_markdown(rule_id: str) -> str | None:
    """The rule's explanation (what `learnability explain` prints, and docs/rules.md) as Markdown."""
    from learnability.rules import get_rule
    from learnability.rules.docs import explain_markdown as render

    rule = get_rule(rule_id)
    return None if rule is None else render(rule)


def register(ls: Any) -> None:
    @ls.command("learnability.explain")
    def explain(ls: Any, *args: Any) -> str:
        if len(args) != 1 or not isinstance(args[0], str):
            raise JsonRpcInvalidParams("learnability.explain takes one argument: a rule id such as LRN101")
        md = explain_markdown(args[0])
        if md is None:
            raise JsonRpcInvalidParams(f"unknown rule '{args[0]}'; `learnability rules` lists them")
        return md
