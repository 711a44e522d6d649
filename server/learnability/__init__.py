"""Learnability: tells a Keras user why their model will not learn."""

__version__ = "0.1.0"
