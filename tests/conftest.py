"""Shared test helpers."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from learnability.config import Config
from learnability.engine import Analyzer, Result

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).resolve().parent.parent


def analyze_text(source: str, config: Config | None = None) -> Result:
    """Analyse dedented source with a fresh analyzer."""
    return Analyzer().analyze(textwrap.dedent(source), "test.py", config)


def rule_ids(source: str, config: Config | None = None) -> list[str]:
    return [f.rule for f in analyze_text(source, config).findings]


@pytest.fixture
def fixtures_dir() -> Path:
    return FIXTURES
