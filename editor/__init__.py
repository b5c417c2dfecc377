"""Corpus Editor: edit a corpus of fact-checked Markdown articles without damaging a byte."""

__version__ = "0.1.0"  # the one place: pyproject.toml reads it for the package metadata
# Named in the User-Agent of source checks, so a site owner can see who is asking (pyproject's Homepage)
HOME_PAGE = "https://example.org/corpus-editor"


def installed_version() -> str:
    """The version in the installed package's metadata (what pip, the wheel or the bundle carry)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("corpus-editor")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return f"{__version__} (not installed)"
