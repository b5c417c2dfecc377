"""Asking web servers politely, and what their answers mean.

`Fetcher` sends every request of a run (web pages, the DOI resolver, the arXiv API) through one
`HostLimiter`: at most `per_host` requests in flight to a host, at least `host_interval` seconds
between two starts to it (and `arxiv_interval` between two requests to the arXiv API), and a host
that answered Retry-After gets nothing before that time. The last start per host is kept for the
whole process, so two runs in a row (the window checking one article after another) keep the
spacing too.

Redirects are followed by hand, one hop at a time, so a permanent move (301/308) can be told from a
temporary one (302/303/307) and a loop can be named. Each hop is asked with HEAD first and with GET
when HEAD is refused or fails; 5xx, 408, 429 and timeouts are retried with a doubling backoff (429 and
503 after the Retry-After they ask for, up to `max_retry_after`), 404, 410 and 403 never.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import email.utils
import ipaddress
import socket
import ssl
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

from editor.core.verify.results import ALIVE, BLOCKED, BROKEN, ERROR, MOVED, RATE_LIMITED, TIMEOUT
from editor.core.verify.settings import CheckSettings

PERMANENT_REDIRECTS = frozenset({301, 308})
TEMPORARY_REDIRECTS = frozenset({302, 303, 307})
BLOCKED_STATUSES = frozenset({401, 403, 451, 999})  # 999: LinkedIn's answer to anything not a browser
GONE_STATUSES = frozenset({404, 410})
RETRY_STATUSES = frozenset({408, 429}) | (frozenset(range(500, 600)) - {501, 505})
SNIFF_BYTES = 8192  # of a refusal's body, read to recognise a bot challenge page
_CHALLENGE_MARKERS = (b"cf-chl", b"challenge-platform", b"Just a moment...", b"_Incapsula_Resource",
                      b"px-captcha", b"g-recaptcha", b"h-captcha", b"captcha-delivery")
# added to every spacing, so the server, whose threads wake up a few ms late or early, sees it too
SPACING_MARGIN = 0.005
PAGE_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"

# host -> time.monotonic() of the last request started to it, shared by every run in this process
_last_start: dict[str, float] = {}
_last_start_lock = threading.Lock()


@dataclass
class Answer:
    """A response's status line and headers (and, when asked for, the start of its body)."""

    url: str
    status: int
    headers: httpx.Headers
    body: bytes = b""
    reason: str = ""

    @property
    def location(self) -> str | None:
        value = self.headers.get("location")
        return urljoin(self.url, value.strip()) if value and value.strip() else None

    def describe(self) -> str:
        return f"{self.status} {self.reason}".strip()


@dataclass
class Failure:
    """No usable response: the verdict it amounts to and why."""

    verdict: str
    detail: str
    retry: bool = False  # worth another attempt (timeouts)
    try_get: bool = False  # a HEAD that failed this way may still work as GET
    unresolved: bool = False  # the resolver said the name does not exist (trusted only if the network works)


@dataclass
class Outcome:
    """What a web address led to: its verdict, the last status, where it ended and how."""

    verdict: str
    detail: str
    status: int | None = None
    final_url: str | None = None
    redirects: list[dict[str, Any]] = field(default_factory=list)
    answer: Answer | None = None
    metadata: dict[str, Any] = field(default_factory=dict)  # a registry's title and years
    unresolved: bool = False  # see Failure.unresolved


def retry_after_seconds(value: str | None, now: dt.datetime | None = None) -> float | None:
    """Retry-After as seconds from now: delay-seconds or an HTTP date (RFC 9110 10.2.3)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - (now or dt.datetime.now(dt.UTC))).total_seconds())


def is_challenge(answer: Answer) -> bool:
    """A bot wall's challenge (Cloudflare, AWS WAF, Imperva, DataDome...), not the page asked for."""
    headers = answer.headers
    if headers.get("cf-mitigated", "").strip().lower() == "challenge":
        return True
    if headers.get("x-amzn-waf-action", "").strip().lower() in ("challenge", "captcha"):
        return True
    return answer.status in (403, 429, 503) and any(m in answer.body for m in _CHALLENGE_MARKERS)


def is_named_host(host: str) -> bool:
    """A host name a resolver must look up (not an IP address, not a reserved `.invalid` name)."""
    host = host.strip("[]")
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return bool(host) and host != "invalid" and not host.endswith(".invalid")
    return False


async def name_resolves(host: str, timeout: float = 3.0) -> bool:
    """Whether the resolver answers for `host` now (the network and the resolver work)."""
    try:
        async with asyncio.timeout(timeout):
            return bool(await asyncio.get_running_loop().getaddrinfo(host, 443, type=socket.SOCK_STREAM))
    except (OSError, TimeoutError):
        return False


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


class HostLimiter:
    """Per host: `per_host` requests in flight and `interval` seconds between starts. A request may
    also name a lane of its own (an API with a stricter rate, such as arXiv's) whose starts are spaced
    by the lane's interval, whatever host other requests share with it."""

    def __init__(self, per_host: int, interval: float):
        self.per_host = per_host
        self.interval = interval
        self._slots: dict[str, asyncio.Semaphore] = {}
        self._turns: dict[str, asyncio.Lock] = {}
        self._not_before: dict[str, float] = {}
        self._queued: dict[str, int] = {}

    def queued(self, host: str) -> int:
        """Requests to `host` running or waiting for their turn."""
        return self._queued.get(host, 0)

    def hold(self, host: str, seconds: float) -> None:
        """Start nothing on `host` for `seconds` (it asked us to wait)."""
        until = time.monotonic() + seconds
        self._not_before[host] = max(self._not_before.get(host, 0.0), until)

    def start_delay(self, host: str, lane: tuple[str, float] | None = None) -> float:
        with _last_start_lock:
            last = _last_start.get(host)
            lane_last = _last_start.get(lane[0]) if lane is not None else None
        earliest = max(last + self.interval + SPACING_MARGIN if last is not None else 0.0,
                       self._not_before.get(host, 0.0))
        if lane_last is not None:
            earliest = max(earliest, lane_last + lane[1] + SPACING_MARGIN)
        return earliest - time.monotonic()

    def mark_sent(self, host: str, lane: tuple[str, float] | None = None) -> None:
        """The request let go by `slot` is being written now: a new connection may have taken a while,
        and the spacing the server sees is counted from here."""
        now = time.monotonic()
        with _last_start_lock:
            for name in (host, lane[0] if lane is not None else None):
                if name is not None:
                    _last_start[name] = max(_last_start.get(name, now), now)

    @contextlib.asynccontextmanager
    async def slot(self, host: str, lane: tuple[str, float] | None = None):
        """Wait for a turn on `host`, then yield `sent`, to be called when the request is written: the
        next request's wait is counted from there (or from the end of this one if it never was)."""
        slots = self._slots.setdefault(host, asyncio.Semaphore(self.per_host))
        turn = self._turns.setdefault(host, asyncio.Lock())
        self._queued[host] = self._queued.get(host, 0) + 1
        try:
            async with slots:
                await turn.acquire()  # one request at a time waits for its start, in arrival order
                holding = True

                def sent() -> None:
                    nonlocal holding
                    self.mark_sent(host, lane)
                    if holding:
                        holding = False
                        turn.release()

                try:
                    while (delay := self.start_delay(host, lane)) > 0:
                        await asyncio.sleep(delay)
                    self.mark_sent(host, lane)
                    yield sent
                finally:
                    if holding:
                        sent()
        finally:
            self._queued[host] -= 1


def _cause_chain(exc: BaseException):
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        exc = exc.__cause__ or exc.__context__


def transport_failure(exc: BaseException) -> Failure:
    """What an exception from the client says about the address."""
    for cause in _cause_chain(exc):
        if isinstance(cause, socket.gaierror):
            if cause.errno == socket.EAI_AGAIN:
                return Failure(ERROR, f"the host name could not be looked up just now ({cause.strerror})")
            return Failure(BROKEN, f"the host name does not resolve ({cause.strerror or cause})", unresolved=True)
        if isinstance(cause, ConnectionRefusedError):
            return Failure(ERROR, "connection refused")
        if isinstance(cause, ssl.SSLError):
            return Failure(ERROR, f"TLS failure: {getattr(cause, 'verify_message', None) or cause.reason or cause}")
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL):
        return Failure(ERROR, f"not a usable address: {exc}")
    if isinstance(exc, httpx.RemoteProtocolError | httpx.ReadError | httpx.WriteError):
        return Failure(ERROR, f"the server broke off the exchange ({exc or type(exc).__name__})", try_get=True)
    return Failure(ERROR, f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__)


_tls: ssl.SSLContext | None = None
_tls_lock = threading.Lock()


def _tls_context() -> ssl.SSLContext:
    """One TLS context for the process: loading the CA bundle costs tens of milliseconds."""
    global _tls
    with _tls_lock:
        if _tls is None:
            _tls = httpx.create_ssl_context()
        return _tls


class Fetcher:
    """Every request of one run, through one `HostLimiter`. Use as `async with Fetcher(settings)`.

    Each host gets an `httpx.AsyncClient` of its own (sharing one TLS context), opened when a request
    to it starts and closed when no request to it is running or waiting: the client's connection pool
    scans all its connections for every request, which one pool for hundreds of hosts turns into most
    of a run's time; and a finished host keeps no socket open.
    """

    def __init__(self, settings: CheckSettings):
        self.settings = settings
        self.limiter = HostLimiter(settings.per_host, settings.host_interval)
        self.in_flight = asyncio.Semaphore(settings.max_in_flight)
        self.requests = 0  # sent in this run
        self.named_answers = 0  # answers from hosts found through the resolver: the network works
        self._clients: dict[str, httpx.AsyncClient] = {}

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            await client.aclose()

    def _client(self, host: str) -> httpx.AsyncClient:
        client = self._clients.get(host)
        if client is None:
            limit = self.settings.per_host
            client = httpx.AsyncClient(
                verify=_tls_context(), follow_redirects=False, timeout=httpx.Timeout(self.settings.timeout),
                headers={"User-Agent": self.settings.user_agent},
                limits=httpx.Limits(max_connections=limit, max_keepalive_connections=limit))
            self._clients[host] = client
        return client

    async def _done_with(self, host: str) -> None:
        if self.limiter.queued(host) <= 1:  # only this request: nothing else is running or waiting there
            client = self._clients.pop(host, None)
            if client is not None:
                await client.aclose()

    # -- one request --------------------------------------------------------------------------------
    async def exchange(self, method: str, url: str, headers: dict[str, str] | None = None,
                       body_limit: int = 0, lane: tuple[str, float] | None = None) -> Answer | Failure:
        """One request, polite, within the timeout; the body is read up to `body_limit` bytes. `lane`:
        (name, interval) of a stricter rate this request must also keep (see `HostLimiter`)."""
        try:
            host = host_of(url)
            urlsplit(url).port  # noqa: B018 - raises for a port out of range, which the client would not say
        except ValueError as exc:
            return Failure(ERROR, f"not a usable address: {exc}")
        if not host:
            return Failure(ERROR, f"not a usable address: {url}")
        if host == "invalid" or host.endswith(".invalid"):
            # RFC 6761: such names never resolve; asking a resolver would only wait for it to say so
            return Failure(BROKEN, "the host name does not resolve (.invalid is reserved for names that never do)")

        async def trace(event: str, info: dict) -> None:
            if event.endswith("send_request_headers.started"):
                sent()

        async with self.limiter.slot(host, lane) as sent, self.in_flight:
            self.requests += 1
            client = self._client(host)
            try:
                async with asyncio.timeout(self.settings.timeout):
                    request = client.build_request(method, url, headers=headers, extensions={"trace": trace})
                    response = await client.send(request, stream=True)
                    try:
                        # reading to the end (nothing, for HEAD) lets the connection be used again
                        body = b""
                        async for chunk in response.aiter_bytes():
                            body += chunk
                            if len(body) >= body_limit:
                                break
                    finally:
                        await response.aclose()
            except (TimeoutError, httpx.TimeoutException):
                return Failure(TIMEOUT, f"no answer within {self.settings.timeout:g} s", retry=True, try_get=True)
            except (httpx.HTTPError, httpx.InvalidURL, OSError, ValueError) as exc:
                return transport_failure(exc)
            finally:
                await self._done_with(host)
        if is_named_host(host):
            self.named_answers += 1
        return Answer(url, response.status_code, response.headers, body[:body_limit] if body_limit else b"",
                      response.reason_phrase)

    def _retry_delay(self, result: Answer | Failure, attempt: int) -> float | None:
        """Seconds to wait before asking again, or None to stop here."""
        if attempt >= self.settings.retries:
            return None
        backoff = self.settings.backoff * (2 ** attempt)
        if isinstance(result, Failure):
            return backoff if result.retry else None
        if result.status not in RETRY_STATUSES or is_challenge(result):
            return None
        asked = retry_after_seconds(result.headers.get("retry-after"))
        if asked is not None and result.status in (429, 503):
            return asked if asked <= self.settings.max_retry_after else None
        return backoff

    async def exchange_with_retries(self, method: str, url: str, headers: dict[str, str] | None = None,
                                    body_limit: int = 0, retry_statuses: frozenset[int] | None = None,
                                    lane: tuple[str, float] | None = None, attempt: int = 0) -> Answer | Failure:
        """`exchange`, asked again while `_retry_delay` says so; `attempt`: how many were already made."""
        if attempt:
            await asyncio.sleep(self.settings.backoff * (2 ** (attempt - 1)))
        while True:
            result = await self.exchange(method, url, headers, body_limit, lane)
            retryable = retry_statuses is None or (isinstance(result, Answer) and result.status in retry_statuses)
            delay = self._retry_delay(result, attempt) if retryable else None
            if delay is None:
                return result
            attempt += 1
            if isinstance(result, Answer) and result.headers.get("retry-after"):
                self.limiter.hold(host_of(url), delay)  # the host asked: nothing else goes there meanwhile
            await asyncio.sleep(delay)

    # -- one address, hop by hop ---------------------------------------------------------------------
    async def probe(self, url: str, *, head_first: bool = True, headers: dict[str, str] | None = None,
                    body_limit: int = 0) -> Answer | Failure:
        """HEAD first (only a 429 is retried as HEAD), GET when HEAD is refused or fails. A HEAD that
        timed out counts as the first attempt: a slow host is not asked four times."""
        attempt = 0
        if head_first:
            result = await self.exchange_with_retries("HEAD", url, headers, retry_statuses=frozenset({429}))
            if not _needs_get(result):
                return result
            if isinstance(result, Failure) and result.verdict == TIMEOUT:
                if self.settings.retries == 0:
                    return result
                attempt = 1
        return await self.exchange_with_retries("GET", url, headers, max(body_limit, SNIFF_BYTES), attempt=attempt)

    async def follow(self, url: str, *, head_first: bool = True, headers: dict[str, str] | None = None,
                     body_limit: int = 0) -> tuple[Answer | Failure, list[dict[str, Any]]]:
        """The answer at the end of `url`'s redirects, and the hops taken ([{url, status}...])."""
        chain: list[dict[str, Any]] = []
        seen = {url}
        current = url
        for _ in range(self.settings.max_redirects + 1):
            result = await self.probe(current, head_first=head_first, headers=headers, body_limit=body_limit)
            if not isinstance(result, Answer) or result.status not in PERMANENT_REDIRECTS | TEMPORARY_REDIRECTS:
                return result, chain
            target = result.location
            if target is None:
                return Failure(ERROR, f"{result.describe()} without a Location to go to"), chain
            chain.append({"url": current, "status": result.status, "location": target})
            if urlsplit(target).scheme.lower() not in ("http", "https"):
                return Failure(ERROR, f"redirected to {target}, which is not a web address"), chain
            if target in seen:
                return Failure(ERROR, f"redirect loop: {' -> '.join([*(h['url'] for h in chain), target])}"), chain
            seen.add(target)
            current = target
        return Failure(ERROR, f"more than {self.settings.max_redirects} redirects"), chain

    # -- a web page ---------------------------------------------------------------------------------
    async def check_page(self, url: str) -> Outcome:
        result, chain = await self.follow(url, headers={"Accept": PAGE_ACCEPT})
        if isinstance(result, Failure):
            if not chain:
                return Outcome(result.verdict, result.detail, unresolved=result.unresolved)
            last = chain[-1]
            detail = result.detail
            if "redirect" not in detail:
                detail += f" (redirected to {last['location']})"
            return Outcome(result.verdict, detail, last["status"], last["location"], chain,
                           unresolved=result.unresolved)
        return page_outcome(url, result, chain)


def _needs_get(result: Answer | Failure) -> bool:
    if isinstance(result, Failure):
        return result.try_get
    # a server that does not do HEAD says so with 405/501, or with 400, 403, 404... of its own: GET says
    # what the page is. 429 was already waited for: a GET would be refused the same way.
    return result.status >= 400 and result.status != 429


def page_outcome(url: str, answer: Answer, chain: list[dict[str, Any]]) -> Outcome:
    """The verdict on a web page from the last answer and the redirects that led to it."""
    status, final = answer.status, answer.url
    moved_to = _moved_to(url, chain)
    after = f" (after a permanent redirect to {moved_to})" if moved_to else ""

    def outcome(verdict: str, detail: str) -> Outcome:
        return Outcome(verdict, detail, status, final, chain, answer)

    if is_challenge(answer):
        marker = "cf-mitigated: challenge" if answer.headers.get("cf-mitigated") else f"{answer.describe()}"
        return outcome(BLOCKED, f"a bot wall answered with a challenge ({marker}): a person must look")
    if 200 <= status < 300 or status == 304:
        if moved_to:
            return outcome(MOVED, f"moved permanently ({chain[0]['status']}) to {moved_to}: cite that address")
        if chain:
            return outcome(ALIVE, f"{answer.describe()} after a temporary redirect ({chain[0]['status']}) to {final}")
        return outcome(ALIVE, answer.describe())
    if status in GONE_STATUSES:
        return outcome(BROKEN, f"{answer.describe()}{after}")
    if status in BLOCKED_STATUSES:
        why = {401: "asks for a login", 403: "refuses access", 451: "is withheld for legal reasons",
               999: "refuses programs (status 999)"}[status]
        return outcome(BLOCKED, f"{answer.describe()}: the site {why}, a person must look{after}")
    if status == 429:
        asked = retry_after_seconds(answer.headers.get("retry-after"))
        wait = f" (it asks to wait {asked:g} s)" if asked else ""
        return outcome(RATE_LIMITED, f"{answer.describe()}: still rate limited after waiting{wait}")
    if status == 408:
        return outcome(TIMEOUT, f"{answer.describe()}: the server gave up waiting, after retries")
    if status >= 500:
        return outcome(ERROR, f"{answer.describe()}: a server error, after retries{after}")
    return outcome(ERROR, f"{answer.describe()}: unexpected answer{after}")


def _moved_to(url: str, chain: list[dict[str, Any]]) -> str | None:
    """Where the permanent redirects at the start of the chain lead, when that is another address."""
    moved = None
    for hop in chain:
        if hop["status"] not in PERMANENT_REDIRECTS:
            break
        moved = hop["location"]
    return moved if moved is not None and moved != url else None

