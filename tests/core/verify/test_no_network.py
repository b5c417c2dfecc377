"""A name the resolver says does not exist is a dead link only where the resolver is seen to work: on a
machine with no network every name fails, and every source would be called broken.

Names under `.test` (reserved, RFC 6761) are answered by a stand-in resolver: `alive.test` is a loopback
server, every other name does not exist, so nothing here asks a real resolver."""

from __future__ import annotations

import socket

import pytest

from editor.core.verify import CheckSettings
from tests.core.verify.conftest import FAST, NOWHERE
from tests.core.verify.loopback import Reply

real_getaddrinfo = socket.getaddrinfo


@pytest.fixture
def resolver(monkeypatch):
    """Names under .test: `alive.test` is 127.0.0.9, others do not exist; anything else is refused."""

    def getaddrinfo(host, port, *args, **kwargs):
        name = host.decode() if isinstance(host, bytes) else str(host)
        if name == "alive.test":
            return real_getaddrinfo("127.0.0.9", port, *args, **kwargs)
        if name.endswith(".test"):
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        if name.replace(".", "").isdigit():
            return real_getaddrinfo(host, port, *args, **kwargs)
        raise AssertionError(f"a test asked the real resolver for {name}")

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def test_with_no_name_resolving_a_missing_name_is_an_error_not_a_death(run, resolver):
    settings = CheckSettings(**FAST, doi_base="http://doi.test/", arxiv_api="http://arxiv.test/api/query")
    [result] = run(["http://gone.test/paper"], settings=settings)
    assert (result.verdict, result.severity) == ("error", "warning")
    assert "does not resolve" in result.detail and "network may be down" in result.detail


def test_when_the_registry_name_resolves_a_missing_name_is_broken(serve, run, resolver):
    serve("127.0.0.9", {})
    settings = CheckSettings(**FAST, doi_base="http://alive.test/", arxiv_api="http://arxiv.test/api/query")
    [result] = run(["http://gone.test/paper"], settings=settings)
    assert (result.verdict, result.severity) == ("broken", "error")


def test_a_named_host_answering_in_the_same_run_proves_the_network(serve, run, resolver):
    server = serve("127.0.0.9", {"/page": Reply(200)})
    settings = CheckSettings(**FAST, doi_base="http://doi.test/", arxiv_api="http://arxiv.test/api/query")
    alive = server.url("/page").replace("127.0.0.9", "alive.test")
    results = run([alive, "http://gone.test/paper"], settings=settings)
    assert [r.verdict for r in results] == ["alive", "broken"]


def test_registries_that_need_no_resolver_leave_the_resolver_trusted(run, resolver):
    [result] = run(["http://gone.test/paper"], settings=CheckSettings(**FAST, **NOWHERE))
    assert result.verdict == "broken"
