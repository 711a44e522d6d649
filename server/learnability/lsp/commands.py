"""Server commands other than the probe: `learnability.explain` [ruleId] -> markdown."""

from __future__ import annotations

from typing import Any

from pygls.exceptions import JsonRpcInvalidParams

from learnability.lsp.server import docs_url


def explain_markdown(rule_id: str) -> str | None:
    """The rule's explanation (what `learnability explain` prints) as Markdown."""
    from learnability.rules import get_rule

    rule = get_rule(rule_id)
    if rule is None:
        return None
    parts = [f"### {rule.id} {rule.name}", f"*{rule.category.value} · {rule.severity.value}*", rule.summary,
             f"**Why:** {rule.rationale}"]
    if rule.fix_summary:
        parts.append(f"**Fix:** {rule.fix_summary}")
    bad, good = rule.examples
    if bad:
        parts.append(f"Instead of:\n\n```python\n{bad}\n```\n\nwrite:\n\n```python\n{good}\n```")
    parts.append(f"Suppress on a line with `# learnability: ignore[{rule.id}]`.")
    parts.append(f"[Rule documentation]({docs_url(rule.id)})")
    return "\n\n".join(parts)


def register(ls: Any) -> None:
    @ls.command("learnability.explain")
    def explain(ls: Any, *args: Any) -> str:
        if len(args) != 1 or not isinstance(args[0], str):
            raise JsonRpcInvalidParams("learnability.explain takes one argument: a rule id such as LRN101")
        md = explain_markdown(args[0])
        if md is None:
            raise JsonRpcInvalidParams(f"unknown rule '{args[0]}'; `learnability rules` lists them")
        return md
