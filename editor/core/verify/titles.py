"""Does a registry's title and year match what an article cites?

Titles are compared after normalising case, accents, punctuation, markup and `&`; a subtitle on either
side (after `:`, a spaced dash, `?` or `!`) and a trailing parenthesis such as "(Meta AI)" may be
missing on the other. A cited title decorated with more words ("Vaswani et al. (2017), Attention Is
All You Need", as facts' `source_title` often are) still matches when the registry's whole title
stands inside it. Fuzzy matching forgives typos, so it cannot see a one-word difference such as an
added "not". Years match within one year either way: print, online and issue dates differ, and
articles cite any of them.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable

from rapidfuzz import fuzz

SIMILAR = 90  # rapidfuzz ratio (0..100) from which two normalised titles are the same title
CONTAINED = 95  # partial ratio for a title standing inside a longer, decorated one
_MIN_CONTAINED_WORDS = 3  # shorter titles are too common to be found inside another by chance

_TAGS = re.compile(r"<[^>]{1,200}>")
_NON_WORD = re.compile(r"[\W_]+")
_SUBTITLE = re.compile(r"\s*(?::|\s[-–—]\s|[?!](?=\s))\s*")
_TRAILING_PARENS = re.compile(r"\s*[(\[][^()\[\]]*[)\]]\s*$")


def normalize_title(text: str) -> str:
    text = html.unescape(_TAGS.sub(" ", text))
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.casefold().replace("&", " and ")
    return " ".join(_NON_WORD.sub(" ", text).split())


def _variants(title: str) -> set[str]:
    forms = {title, _TRAILING_PARENS.sub("", title)}
    for form in list(forms):
        head = _SUBTITLE.split(form, maxsplit=1)[0]
        forms.add(head)
    return {v for v in (normalize_title(f) for f in forms) if v}


def titles_match(cited: str, found: str | Iterable[str]) -> bool:
    """`found` may be several forms of the registry's title (with and without its subtitle)."""
    cited_forms = _variants(cited)
    found_forms = set().union(*(_variants(f) for f in ([found] if isinstance(found, str) else found)))
    if not cited_forms or not found_forms:
        return True  # nothing to compare
    for a in cited_forms:
        for b in found_forms:
            if fuzz.ratio(a, b) >= SIMILAR:
                return True
            # only the citation may carry extra words: a registry title longer than the cited one
            # ("... in Speech Separation") is another work unless the rest is a subtitle
            if len(b) < len(a) and len(b.split()) >= _MIN_CONTAINED_WORDS and fuzz.partial_ratio(b, a) >= CONTAINED:
                return True
    return False


def years_match(cited: int, found: Iterable[int]) -> bool:
    years = list(found)
    return not years or any(abs(cited - year) <= 1 for year in years)
