from __future__ import annotations

import pytest

from editor.core.verify import CheckSettings, Reference, check_references, classify
from tests.core.verify.loopback import LoopbackServer, RequestLog

# The waits that would make the suite slow are shortened; the politeness tests set the documented
# spacing (CheckSettings' defaults) again.
FAST = {"backoff": 0.05, "timeout": 2.0, "host_interval": 0.05, "arxiv_interval": 0.3}
# a test that forgets to point a registry at its own server fails at once instead of asking the internet
NOWHERE = {"doi_base": "http://doi.invalid/", "arxiv_api": "http://arxiv.invalid/api/query"}


@pytest.fixture
def log() -> RequestLog:
    return RequestLog()


@pytest.fixture
def serve(log):
    """serve(host, routes) -> a LoopbackServer, closed after the test; all share `log`."""
    servers: list[LoopbackServer] = []

    def start(host: str = "127.0.0.1", routes=None) -> LoopbackServer:
        server = LoopbackServer(host, routes, log)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()


@pytest.fixture
def settings() -> CheckSettings:
    return CheckSettings(**FAST, **NOWHERE)


def references(*urls: str, field: str = "primary_sources[{i}].url", file: str = "article.md", title=None,
               year=None) -> list[Reference]:
    return [Reference(file, field.format(i=i), i + 1, url, classify(url, doi_field=field.endswith("doi")),
                      title, year) for i, url in enumerate(urls)]


@pytest.fixture
def run(tmp_path, settings):
    """run(urls or references, **options) -> results, with a cache of the test's own."""

    def check(items, **options):
        refs = [r if isinstance(r, Reference) else references(r)[0] for r in items]
        options.setdefault("settings", settings)
        options.setdefault("cache", tmp_path / "links.sqlite")
        return check_references(refs, **options)

    return check
