from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

SHARED_SAMPLE = Path(__file__).resolve().parents[1] / "editor" / "resources" / "sample-corpus"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def sample_bytes() -> bytes:
    return (FIXTURES / "sample-article.md").read_bytes()


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path_factory, monkeypatch):
    """No test reads or writes the real user's cache, data or settings."""
    home = tmp_path_factory.mktemp("user")
    for var, sub in (("XDG_CACHE_HOME", "cache"), ("XDG_DATA_HOME", "data"), ("XDG_CONFIG_HOME", "config"),
                     ("XDG_STATE_HOME", "state")):
        monkeypatch.setenv(var, str(home / sub))
