"""Source verification: is every source an article cites still there, and still the thing cited?

Plain Python (no Qt), shared by `corpus-editor check-links` and the window:

    from editor.core.verify import check_references, extract_references, LinkCache

    references = extract_references(document)              # an ArticleDocument -> [Reference]
    results = check_references(references, cancel=event)    # -> [Result], each with .verdict, .detail
    LinkCache().lookup(url)                                 # the last check of a URL / DOI / arXiv id

- `refs`: what an article cites, with field paths and lines, classified as URL, DOI or arXiv id;
- `http`: polite asking (per-host limits, retries, Retry-After, redirects by hand, bot walls);
- `doi`, `arxiv`: the registries; `titles`: does the registry's title and year match the citation;
- `results`: verdicts, `Check` (one target) and `Result` (one reference); `cache`: the memory of checks;
- `check`: one run (`check_references`); `report`: text, JSON and Markdown.
"""

from editor.core.verify.cache import LinkCache, default_cache_path
from editor.core.verify.check import check_references
from editor.core.verify.refs import Reference, Target, classify, extract_references, target_of
from editor.core.verify.results import (
    ALIVE,
    BLOCKED,
    BROKEN,
    ERROR,
    MOVED,
    RATE_LIMITED,
    SKIPPED,
    TIMEOUT,
    VERDICTS,
    Check,
    Result,
)
from editor.core.verify.settings import CheckSettings

__all__ = ["ALIVE", "BLOCKED", "BROKEN", "ERROR", "MOVED", "RATE_LIMITED", "SKIPPED", "TIMEOUT", "VERDICTS",
           "Check", "CheckSettings", "LinkCache", "Reference", "Result", "Target", "check_references", "classify",
           "default_cache_path", "extract_references", "target_of"]
