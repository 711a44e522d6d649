"""docs/rules.md is generated from the rule registry and must be current: a new or changed rule
means running the generator and committing the result."""

from __future__ import annotations

import importlib.util
import re

from conftest import ROOT

from learnability.rules import all_rules
from learnability.rules.base import docs_url, rules_document_href


def _generator():
    spec = importlib.util.spec_from_file_location("gen_rule_docs", ROOT / "scripts" / "gen_rule_docs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_rule_docs_are_current():
    gen = _generator()
    committed = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert committed == gen.render(), f"docs/rules.md is out of date: run `{gen.COMMAND}` and commit docs/rules.md"


def test_every_rule_has_a_heading_whose_anchor_is_its_docs_url_fragment(monkeypatch):
    text = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## (\S+)$", text, re.M)
    assert headings == [r.id for r in all_rules()]
    monkeypatch.setenv("LEARNABILITY_DOCS_URL", "https://docs.example.org/docs/rules.md#{id}")
    for rule in all_rules():
        # GitHub (and other renderers) make the anchor of "## LRN101" "#lrn101"
        assert docs_url(rule.id) == "https://docs.example.org/docs/rules.md#" + rule.id.lower()
        assert f"[{rule.id}](#{rule.id.lower()})" in text


def test_no_docs_url_is_invented(monkeypatch):
    monkeypatch.delenv("LEARNABILITY_DOCS_URL", raising=False)
    assert docs_url("LRN101") is None
    monkeypatch.setenv("LEARNABILITY_DOCS_URL", "  ")
    assert docs_url("LRN101") is None


def test_rules_document_href_points_at_the_rules_heading_line(tmp_path):
    lines = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8").splitlines()
    uri = (ROOT / "docs" / "rules.md").as_uri()
    for rule_id in ("LRN101", "LRN301", "PRB001"):
        href = rules_document_href(uri, rule_id)
        assert href.startswith(uri + "#L")
        assert re.match(rf"#{{2,3}} {rule_id}$", lines[int(href.rsplit("#L", 1)[1]) - 1])
    # a copy in a folder whose name needs percent-encoding in the URI (as the extension's may)
    copy = tmp_path / "my extensions" / "rules.md"
    copy.parent.mkdir()
    copy.write_text("# Rules\n\n## LRN101\n\ntext\n", encoding="utf-8")
    assert "%20" in copy.as_uri()
    assert rules_document_href(copy.as_uri(), "lrn101") == copy.as_uri() + "#L3"
    # a missing file or an unknown heading still gives a link, at the Markdown anchor
    gone = (tmp_path / "rules.md").as_uri()
    assert rules_document_href(gone, "LRN101") == gone + "#lrn101"
    assert rules_document_href(uri, "LRN999") == uri + "#lrn999"


def test_readme_rule_table_is_generated_and_current():
    """The README's rule table is generated between its markers from the same registry: a rule added, or a
    severity, summary or fix changed, fails here until `scripts/gen_rule_docs.py` is run."""
    gen = _generator()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert gen.BEGIN in readme and gen.END in readme
    assert readme == gen.render_readme(readme), f"README.md's rule table is out of date: run `{gen.COMMAND}`"
    table = readme.split(gen.BEGIN, 1)[1].split(gen.END, 1)[0]
    rows = re.findall(r"^\| \[(LRN\d{3})\]\(docs/rules\.md#(lrn\d{3})\) \| (\w+) \| ([^|]+) \|", table, re.M)
    assert [r[0] for r in rows] == [r.id for r in all_rules()]
    for (rid, anchor, category, severity), rule in zip(rows, all_rules()):
        assert anchor == rid.lower() and category == rule.category.value
        assert severity.strip().startswith(rule.severity.value)
    # no second, hand-copied rule table anywhere in the README
    assert len(re.findall(r"^\| *Id *\| *Category *\| *Severity", readme, re.M)) == 1


def test_every_rule_entry_shows_its_first_invalid_case_and_its_fix():
    text = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    for rule in all_rules():
        entry = text.split(f"## {rule.id}\n", 1)[1].split("\n## ", 1)[0]
        case = rule.example
        assert f"Example:\n\n```python\n{case.code}```" in entry
        if case.fixed is not None:
            assert f"Fixed:\n\n```python\n{case.fixed}```" in entry


def test_rule_counts_in_the_readme_match_the_registry():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    counts = {int(n) for n in re.findall(r"\b(\d+) rules\b", readme)}
    assert counts == {len(all_rules())}, f"the README says {sorted(counts)} rules; the registry has {len(all_rules())}"
