"""How a check is run: timeouts, politeness, registries. Defaults are the documented behaviour; tests and
the environment (`CORPUS_EDITOR_DOI_BASE`, `CORPUS_EDITOR_ARXIV_API`) change them."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass

from editor import HOME_PAGE, __version__

DOI_BASE_ENV = "CORPUS_EDITOR_DOI_BASE"
ARXIV_API_ENV = "CORPUS_EDITOR_ARXIV_API"
DEFAULT_DOI_BASE = "https://doi.org/"
DEFAULT_ARXIV_API = "https://export.arxiv.org/api/query"
USER_AGENT = f"corpus-editor/{__version__} (+{HOME_PAGE}; source verification)"


@dataclass(frozen=True)
class CheckSettings:
    timeout: float = 20.0  # seconds for one request, from sending it to its headers
    per_host: int = 2  # requests in flight to one host
    host_interval: float = 0.25  # seconds between the starts of two requests to one host
    max_in_flight: int = 32  # requests in flight overall
    retries: int = 2  # after the first attempt, for 5xx, 408, 429 and timeouts
    backoff: float = 1.0  # seconds before the first retry; doubles for the next
    max_retry_after: float = 60.0  # a longer Retry-After is not waited for: the result is `rate-limited`
    max_redirects: int = 10
    doi_base: str = DEFAULT_DOI_BASE
    arxiv_api: str = DEFAULT_ARXIV_API
    arxiv_interval: float = 3.0  # arXiv asks for at most one API request every 3 seconds
    arxiv_batch: int = 50  # ids per `id_list` request
    user_agent: str = USER_AGENT

    def __post_init__(self):
        if not self.doi_base.endswith("/"):
            object.__setattr__(self, "doi_base", self.doi_base + "/")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides) -> CheckSettings:
        environ = os.environ if environ is None else environ
        values = {"doi_base": environ.get(DOI_BASE_ENV) or DEFAULT_DOI_BASE,
                  "arxiv_api": environ.get(ARXIV_API_ENV) or DEFAULT_ARXIV_API}
        values.update(overrides)
        return cls(**values)

    def replace(self, **changes) -> CheckSettings:
        return dataclasses.replace(self, **changes)
