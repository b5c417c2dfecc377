"""Corpus Editor: edit a corpus of fact-checked Markdown articles without damaging a byte."""

__version__ = "0.1.0"
