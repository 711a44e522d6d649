"""Server commands other than the probe: `learnability.explain` [ruleId] -> markdown, and
`learnability.listRules` [] -> every rule and probe check with its title (the Explain picker)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pygls.exceptions import JsonRpcInvalidParams

from learnability.lsp.server import LearnabilityServer

if TYPE_CHECKING:
    from learnability.probe.checks.base import ProbeCheck
    from learnability.rules.base import Rule


def explain_markdown(rule_id: str) -> str | None:
    """The rule's or probe check's explanation (what docs/rules.md says of it) as Markdown."""
    from learnability.rules import get_rule
    from learnability.rules.docs import explain_markdown as render

    rule = get_rule(rule_id)
    if rule is not None:
        return render(rule)
    from learnability.probe.checks import check_markdown, get_check

    check = get_check(rule_id)
    return None if check is None else "\n".join(check_markdown(check)) + "\n"


def rule_list() -> list[dict[str, str]]:
    """Every static rule, then every probe check: {"id", "title", "summary"}; the title is the rule's
    name in words ("saturating-hidden-activation" -> "Saturating hidden activation")."""
    from learnability.probe.checks import all_checks
    from learnability.rules import all_rules

    rules: list[Rule | ProbeCheck] = [*all_rules(), *all_checks()]
    return [{"id": r.id, "title": r.name.replace("-", " ").capitalize(), "summary": r.summary} for r in rules]


def register(server: LearnabilityServer) -> None:
    @server.command("learnability.listRules")
    def list_rules(ls: LearnabilityServer, *args: Any) -> list[dict[str, str]]:
        return rule_list()

    @server.command("learnability.explain")
    def explain(ls: LearnabilityServer, *args: Any) -> str:
        if len(args) != 1 or not isinstance(args[0], str):
            raise JsonRpcInvalidParams("learnability.explain takes one argument: a rule id such as LRN101")
        md = explain_markdown(args[0])
        if md is None:
            raise JsonRpcInvalidParams(f"unknown rule '{args[0]}'; `learnability rules` lists them")
        return md
