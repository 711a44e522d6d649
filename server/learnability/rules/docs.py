"""A rule's documentation, rendered from its registered fields and cases: the one source for docs/rules.md
(scripts/gen_rule_docs.py), the README's rule table, `learnability explain`, the LSP explain command and
the hover. The example is the rule's first INVALID case and "Fixed" is that case's fixed program; both are
run as tests (tests/test_rule_cases.py), so what the docs show is what the rule does."""

from __future__ import annotations

import difflib
import re

from learnability.rules.base import Invalid, Rule, docs_url


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def example_diff(case: Invalid) -> str:
    """The lines the fix changes, as a unified diff without context (the hover's short example)."""
    if case.fixed is None:
        return ""
    lines = difflib.unified_diff(case.code.splitlines(), case.fixed.splitlines(), lineterm="", n=0)
    return "\n".join(line for line in lines if not line.startswith(("---", "+++", "@@")))


def markdown(rule: Rule, heading: str = "##", *, title: str | None = None, valid: bool = True) -> str:
    """The rule's entry as Markdown: docs/rules.md (heading "##", title = the id) and the explain command."""
    out = [
        f"{heading} {title if title is not None else rule.id}",
        "",
        f"**{rule.name}** · category `{rule.category.value}` · severity `{rule.severity_text}`"
        + (" · fixable" if rule.fix_summary else ""),
        "",
        rule.summary,
        "",
        f"**Why:** {rule.rationale}",
        "",
    ]
    if rule.covers:
        out += [f"**Recognises:** {rule.covers}", ""]
    if rule.fix_summary:
        out += [f"**Fix:** {rule.fix_summary}", ""]
    example = rule.example
    if example is not None:
        out += ["Example:", "", "```python", example.code.rstrip("\n"), "```", ""]
        if example.fixed is not None:
            out += ["Fixed:", "", "```python", example.fixed.rstrip("\n"), "```", ""]
    quiet = [c for c in rule.valid if c.note and c.xfail is None]
    if valid and quiet:
        out += ["Not reported:", ""]
        out += [f"- {c.note}" for c in quiet]
        out.append("")
    out += [f"Suppress on a line: `# learnability: ignore[{rule.id}]`", ""]
    return "\n".join(out)


def explain_markdown(rule: Rule) -> str:
    """`learnability.explain` (LSP command): the docs entry under the id and name, with a link to the
    published documentation when one is configured (rules.base.docs_url)."""
    url = docs_url(rule.id)
    return markdown(rule, "###", title=f"{rule.id} {rule.name}").rstrip("\n") + (f"\n\n[Rule documentation]({url})" if url else "")


def explain_text(rule: Rule) -> str:
    """`learnability explain ID`: the same fields as plain text for a terminal."""
    lines = [f"{rule.id} {rule.name} ({rule.category.value}, {rule.severity_text})", "", rule.summary, "",
             "Why: " + rule.rationale]
    if rule.covers:
        lines += ["", "Recognises: " + rule.covers]
    if rule.fix_summary:
        lines += ["", "Fix: " + rule.fix_summary]
    example = rule.example
    if example is not None:
        lines += ["", "Example:", *("    " + ln if ln else "" for ln in example.code.rstrip("\n").splitlines())]
        if example.fixed is not None:
            lines += ["", "Fixed:", *("    " + ln if ln else "" for ln in example.fixed.rstrip("\n").splitlines())]
    quiet = [c.note for c in rule.valid if c.note and c.xfail is None]
    if quiet:
        lines += ["", "Not reported:", *(f"  - {n}" for n in quiet)]
    url = docs_url(rule.id)
    lines += ["", f"Suppress on a line with: # learnability: ignore[{rule.id}]"] + ([f"Docs: {url}"] if url else [])
    return "\n".join(lines)


def hover_why(rule: Rule, limit: int = 160) -> str:
    """The hover's "why": the rationale's first sentences that fit in `limit` characters (the first one cut at a
    clause when it alone is longer); the whole rationale, with its measurements, is Explain's."""
    sentences = re.split(r"(?<=[.!?])\s+(?=[A-Z(])", rule.rationale.strip())
    first = sentences[0]
    for s in sentences[1:]:
        if len(first) + 1 + len(s) > limit:
            break
        first += " " + s
    if len(first) <= limit:
        return first
    cut = max(first.rfind("; ", 0, limit), first.rfind(": ", 0, limit), first.rfind(", ", 0, limit))
    return (first[:cut] if cut > limit // 2 else first[: limit - 1].rstrip()) + "…"


def table(rules: list[Rule], link: str = "#{id}") -> list[str]:
    """The rule table (docs/rules.md and the README): id, category, severity, what it finds, fix."""
    out = ["| Id | Category | Severity | Finds | Fix |", "|----|----------|----------|-------|-----|"]
    for r in rules:
        target = link.format(id=r.id.lower())
        out.append(f"| [{r.id}]({target}) | {r.category.value} | {_cell(r.severity_text)} | "
                   f"{_cell(r.covers or r.summary)} | {_cell(r.fix_summary or '—')} |")
    return out
