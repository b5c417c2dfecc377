"""Real HTTP servers on loopback addresses (127.0.0.1, 127.0.0.2... all reach `lo` on Linux), each
with a log of the requests it saw, from which the tests read politeness: requests in flight, the
spacing of their starts, the wait after a Retry-After."""

from __future__ import annotations

import http.server
import itertools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Reply:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    delay: float = 0.0  # seconds before the status line is sent


@dataclass
class Seen:
    host: str
    method: str
    path: str
    headers: dict[str, str]
    start: float  # time.monotonic() when the request line was read
    end: float = 0.0  # when the answer was sent (or the client had gone)


Route = Reply | Callable[["Seen", int], Reply]  # a callable gets the request and how many came before it


def sequence(*replies: Reply) -> Route:
    """The n-th request to the path gets the n-th reply; the last one repeats."""
    return lambda seen, n: replies[min(n, len(replies) - 1)]


def by_method(**replies: Reply) -> Route:
    return lambda seen, n: replies.get(seen.method, replies.get("other", Reply(405)))


def redirect(status: int, location: str) -> Reply:
    return Reply(status, {"Location": location})


class RequestLog:
    """Requests seen by one or many servers, in the order they arrived."""

    def __init__(self):
        self.lock = threading.Lock()
        self.entries: list[Seen] = []

    def add(self, seen: Seen) -> None:
        with self.lock:
            self.entries.append(seen)

    def of(self, host: str | None = None, path: str | None = None) -> list[Seen]:
        with self.lock:
            return [e for e in self.entries if (host is None or e.host == host) and (path is None or e.path == path)]

    def max_in_flight(self, host: str | None = None) -> int:
        events = []
        for e in self.of(host):
            events += [(e.start, 1), (e.end or float("inf"), -1)]
        best = now = 0
        for _, change in sorted(events, key=lambda ev: (ev[0], ev[1])):
            now += change
            best = max(best, now)
        return best

    def start_gaps(self, host: str | None = None, path: str | None = None) -> list[float]:
        starts = sorted(e.start for e in self.of(host, path))
        return [b - a for a, b in itertools.pairwise(starts)]


class LoopbackServer:
    """A threaded HTTP/1.1 server on `host`, answering from `routes` (path with its query -> Route)."""

    def __init__(self, host: str = "127.0.0.1", routes: dict[str, Route] | None = None,
                 log: RequestLog | None = None):
        self.routes: dict[str, Route] = dict(routes or {})
        self.log = log or RequestLog()
        self.counts: dict[str, int] = {}
        self.closing = threading.Event()
        self._count_lock = threading.Lock()
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            timeout = 1.0  # an idle kept-alive connection is closed, so closing the server never hangs

            def log_message(self, *args):  # quiet
                pass

            def _answer(self):
                seen = Seen(host, self.command, self.path, {k.lower(): v for k, v in self.headers.items()},
                            time.monotonic())
                server.log.add(seen)
                try:
                    reply = server.reply_for(seen)
                    deadline = time.monotonic() + reply.delay
                    while time.monotonic() < deadline and not server.closing.is_set():
                        time.sleep(min(0.02, max(0.0, deadline - time.monotonic())))
                    self.send_response(reply.status)
                    headers = {"Content-Length": str(len(reply.body)), **reply.headers}
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    if self.command != "HEAD" and reply.body:
                        self.wfile.write(reply.body)
                    self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True
                finally:
                    seen.end = time.monotonic()

            do_GET = do_HEAD = do_POST = _answer

        class Server(http.server.ThreadingHTTPServer):
            daemon_threads = False  # server_close() waits for handlers, so no socket outlives a test
            request_queue_size = 128

            def handle_error(self, request, client_address):  # a client that gave up is no news
                pass

        self.httpd = Server((host, 0), Handler)
        self.host = host
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def reply_for(self, seen: Seen) -> Reply:
        route = self.routes.get(seen.path)
        if route is None:
            route = self.routes.get(seen.path.split("?", 1)[0], Reply(404, body=b"not here"))
        with self._count_lock:
            n = self.counts.get(seen.path, 0)
            self.counts[seen.path] = n + 1
        return route(seen, n) if callable(route) else route

    def url(self, path: str = "/") -> str:
        return f"http://{self.host}:{self.port}{path}"

    @property
    def base(self) -> str:
        return f"http://{self.host}:{self.port}/"

    def seen(self, path: str | None = None) -> list[Seen]:
        return self.log.of(self.host, path)

    def close(self) -> None:
        self.closing.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)


def free_port(host: str = "127.0.0.1") -> int:
    """A port nothing listens on (bound, then released)."""
    import socket

    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]
