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


def conv_script(compile_args: str) -> str:
    """A small CNN script (sigmoid Conv2D, softmax output over 10 classes) compiled with `compile_args`."""
    return textwrap.dedent('''\
        import numpy as np
        from tensorflow import keras
        from tensorflow.keras import layers

        X = np.random.randint(0, 256, (100, 28, 28, 1))  # 100 images of 28x28x1, pixels up to 255
        y = np.repeat(np.arange(10), 10)
        model = keras.Sequential([
            layers.Conv2D(16, 3, activation="sigmoid", input_shape=(28, 28, 1)),
            layers.Flatten(),
            layers.Dense(10, activation="softmax"),
        ])
        model.compile(%s)
        model.fit(X, y, epochs=5, batch_size=32, shuffle=True)
    ''') % compile_args


@pytest.fixture
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture(autouse=True)
def _no_project_docs_url(monkeypatch):
    """Tests see the default: no published project URL (rules.base.DOCS_URL_ENV), whatever the shell sets."""
    monkeypatch.delenv("LEARNABILITY_DOCS_URL", raising=False)
