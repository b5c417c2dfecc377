"""Where the project's bundled resources live."""

from pathlib import Path

RESOURCES = Path(__file__).resolve().parent.parent / "resources"


def resource(*parts: str) -> Path:
    return RESOURCES.joinpath(*parts)
