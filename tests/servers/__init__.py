"""Loopback fake servers for tests: a tiny routed HTTP server on 127.0.0.1 and providers' real answer shapes.

    from tests.servers import LoopbackServer, Reply

    with LoopbackServer({("GET", "/v1/models"): lambda seen: Reply(200, {"data": []})}) as srv:
        srv.url        # http://127.0.0.1:PORT
        srv.requests   # every request seen (method, path, query, headers, body)

Modules: ``google`` (OAuth token endpoint with Google's error bodies), ``providers`` (OpenAI-compatible,
Anthropic, Google AI, Mistral, Cohere, Hugging Face, Azure: list-models and a minimal chat completion),
``sts`` (AWS STS GetCallerIdentity that verifies SigV4 signatures). Servers only ever bind 127.0.0.1.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any, Callable, Optional, Union
from urllib.parse import parse_qs, urlsplit

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["LoopbackServer", "Reply", "Seen", "Handler", "closed_port"]


def closed_port() -> int:
    """A loopback port nothing listens on (bound once, then released): connections to it are refused."""
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port: int = s.getsockname()[1]
    s.close()
    return port


@dataclass(frozen=True)
class Seen:
    """One request as the server received it."""

    method: str
    path: str
    query: str
    headers: Mapping[str, str]
    """Lower-case names."""
    body: bytes

    def form(self) -> dict[str, str]:
        """The body as an url-encoded form (first value of each field)."""
        return {k: v[0] for k, v in parse_qs(self.body.decode("utf-8", "replace"), keep_blank_values=True).items()}

    def json(self) -> Any:
        """The body parsed as JSON (None when it is not)."""
        try:
            return json.loads(self.body or b"null")
        except ValueError:
            return None


@dataclass(frozen=True)
class Reply:
    """What a route answers: status, body (dict/list -> JSON, str, bytes), headers, optional delay."""

    status: int
    body: Union[dict[str, Any], list[Any], str, bytes] = b""
    headers: Mapping[str, str] = field(default_factory=dict)
    delay: float = 0.0

    def encoded(self) -> tuple[bytes, str]:
        """(bytes, default content type)."""
        if isinstance(self.body, (dict, list)):
            return json.dumps(self.body).encode(), "application/json; charset=utf-8"
        if isinstance(self.body, str):
            return self.body.encode(), "text/plain; charset=utf-8"
        return self.body, "application/octet-stream"


Handler = Callable[[Seen], Reply]


class LoopbackServer:
    """A threaded HTTP server on 127.0.0.1:<free port> answering from a route table ``(METHOD, path) -> handler``.

    A path ending in ``*`` matches by prefix. Unknown routes answer 404. Usable as a context manager.
    """

    def __init__(self, routes: Optional[Mapping[tuple[str, str], Handler]] = None,
                 default: Optional[Handler] = None) -> None:
        self.routes: dict[tuple[str, str], Handler] = dict(routes or {})
        self.default = default
        self.requests: list[Seen] = []
        self._lock = threading.Lock()
        self._server: Optional[ThreadingHTTPServer] = None
        self._thread: Optional[threading.Thread] = None

    def route(self, method: str, path: str, handler: Handler) -> LoopbackServer:
        """Add or replace a route; returns self."""
        self.routes[(method.upper(), path)] = handler
        return self

    def _find(self, method: str, path: str) -> Optional[Handler]:
        exact = self.routes.get((method, path))
        if exact is not None:
            return exact
        for (m, p), h in self.routes.items():
            if m == method and p.endswith("*") and path.startswith(p[:-1]):
                return h
        return self.default

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT`` (no trailing slash)."""
        assert self._server is not None, "server not started"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> LoopbackServer:
        """Bind and serve in a daemon thread."""
        owner = self

        class _H(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - keep test output clean
                return

            def _serve(self) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                seen = Seen(self.command, parts.path, parts.query,
                            {k.lower(): v for k, v in self.headers.items()}, body)
                with owner._lock:
                    owner.requests.append(seen)
                handler = owner._find(self.command, parts.path)
                reply = handler(seen) if handler is not None else Reply(404, {"error": "not found"})
                if reply.delay:
                    time.sleep(reply.delay)
                data, ctype = reply.encoded()
                self.send_response(reply.status)
                headers = {"Content-Type": ctype, **reply.headers}
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_DELETE = _serve  # noqa: N815

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _H)
        self._server.daemon_threads = True
        server = self._server
        self._thread = threading.Thread(target=lambda: server.serve_forever(poll_interval=0.05),
                                        name="loopback-server", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> LoopbackServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
