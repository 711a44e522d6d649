"""Server commands other than the probe: `learnability.explain` [ruleId] -> markdown."""

from __future__ import annotations

from typing import Any

from pygls.exceptions import JsonRpcInvalidParams

from learnability.lsp.server import docs_url


def explain_markdown(rule_id: str) -> str | None:
    from learnability.cli import explain_text
    from learnability.rules import get_rule

    rule = get_rule(rule_id)
    text = explain_text(rule_id)
    if rule is None or text is None:
        return None
    head, _, rest = text.partition("\n")
    return (f"### {head}\n{rest}\n\n[Rule documentation]({docs_url(rule.id)})").replace(
        "Instead of:\n    ", "Instead of:\n\n    ").replace("write:\n    ", "write:\n\n    ")


def register(ls: Any) -> None:
    @ls.command("learnability.explain")
    def explain(ls: Any, *args: Any) -> str:
        if len(args) != 1 or not isinstance(args[0], str):
            raise JsonRpcInvalidParams("learnability.explain takes one argument: a rule id such as LRN101")
        md = explain_markdown(args[0])
        if md is None:
            raise JsonRpcInvalidParams(f"unknown rule '{args[0]}'; `learnability rules` lists them")
        return md
