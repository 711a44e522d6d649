"""docs/rules.md is generated from the rule registry and must be current: a new or changed rule
means running the generator and committing the result."""

from __future__ import annotations

import importlib.util
import re

from conftest import ROOT
from learnability.rules import all_rules
from learnability.rules.base import docs_url


def _generator():
    spec = importlib.util.spec_from_file_location("gen_rule_docs", ROOT / "scripts" / "gen_rule_docs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_rule_docs_are_current():
    gen = _generator()
    committed = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert committed == gen.render(), f"docs/rules.md is out of date: run `{gen.COMMAND}` and commit docs/rules.md"


def test_every_rule_has_a_heading_whose_anchor_is_its_docs_url_fragment():
    text = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## (\S+)$", text, re.M)
    assert headings == [r.id for r in all_rules()]
    for rule in all_rules():
        # GitHub (and other renderers) make the anchor of "## LRN101" "#lrn101"
        assert docs_url(rule.id).endswith("docs/rules.md#" + rule.id.lower())
        assert f"[{rule.id}](#{rule.id.lower()})" in text
