"""The ASGI front of every worker: slow clients cost a socket, not a thread.

uvicorn reads request headers on the event loop; this front then reads the
whole body there too (refusing it by its ``Content-Length`` or, when chunked,
as soon as it passes the limit, before it is read whole), and only a complete
request is handed to the Flask app on a thread of the worker's small pool.
The thread runs the app to the end and hands back the whole answer (status,
headers, body): one hop to the thread and one back per request, where a
streaming bridge (a2wsgi's) waits for the loop on every message.  The
service's answers are all bounded (JSON, pages, metrics), so nothing streams.
A client that sends its headers or body one byte at a time holds no thread.
``/healthz/live`` is answered here, on the loop, so it answers even while
every thread is busy.  A request with no answer after ``request_timeout``
seconds (a frozen database: a server-side statement timeout cannot fire then)
gets ``503`` with ``Retry-After``; probes get 3 seconds.
"""

import asyncio
import io
import json
from concurrent.futures import ThreadPoolExecutor

from a2wsgi.wsgi import build_environ

from moderation.web.problems import TITLES

LIVE_PATH = "/healthz/live"
PROBE_TIMEOUT = 3.0
RETRY_AFTER = b"5"


async def _answer(send, status: int, body: dict, headers=()):
    payload = json.dumps(body).encode()
    content_type = b"application/problem+json" if status >= 400 else b"application/json"
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", content_type),
                (b"content-length", str(len(payload)).encode()),
                (b"cache-control", b"no-store"),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})


def problem(status: int, detail: str) -> dict:
    title = TITLES.get(status, "Error")
    slug = title.lower().replace(" ", "-")
    return {"type": f"https://moderation.invalid/problems/{slug}", "title": title, "status": status, "detail": detail}


class Front:
    """``Front(flask_app, threads, body_timeout)``: the ASGI app a uvicorn worker serves."""

    def __init__(self, wsgi_app, threads: int = 2, body_timeout: float = 60.0, request_timeout: float = 30.0):
        self.max_body = int(wsgi_app.config.get("MAX_CONTENT_LENGTH") or 16 * 1024 * 1024)
        self.body_timeout = body_timeout
        self.request_timeout = request_timeout
        self.app = wsgi_app
        self.executor = ThreadPoolExecutor(max_workers=max(1, threads), thread_name_prefix="wsgi")

    async def __call__(self, scope, receive, send):
        if scope["type"] == "lifespan":
            return await _lifespan(receive, send)
        if scope["type"] != "http":
            return None
        if scope["path"] == LIVE_PATH and scope["method"] in ("GET", "HEAD"):
            return await _answer(send, 200, {"status": "alive"})
        headers = [(k, v) for k, v in scope["headers"] if k not in (b"content-length", b"transfer-encoding")]
        declared = _content_length(scope["headers"])
        if declared is not None and declared > self.max_body:
            return await _answer(send, 413, problem(413, self._too_large()), [(b"connection", b"close")])
        try:
            body = await asyncio.wait_for(self._read_body(receive), self.body_timeout)
        except _TooLarge:
            return await _answer(send, 413, problem(413, self._too_large()), [(b"connection", b"close")])
        except TimeoutError:
            detail = f"the request body did not arrive within {self.body_timeout:g} seconds"
            return await _answer(send, 408, problem(408, detail), [(b"connection", b"close")])
        if body is None:  # the client went away
            return None
        if body or declared is not None:
            headers.append((b"content-length", str(len(body)).encode()))
        environ = build_environ(dict(scope, headers=headers), io.BytesIO(body))
        probe = scope["path"].startswith("/healthz")
        deadline = min(PROBE_TIMEOUT, self.request_timeout) if probe else self.request_timeout
        loop = asyncio.get_running_loop()
        try:
            status, response_headers, payload = await asyncio.wait_for(
                loop.run_in_executor(self.executor, _run_wsgi, self.app, environ), deadline
            )
        except TimeoutError:
            detail = f"no answer within {deadline:g} seconds; the database may be unavailable"
            return await _answer(send, 503, problem(503, detail), [(b"retry-after", RETRY_AFTER)])
        await send({"type": "http.response.start", "status": status, "headers": response_headers})
        await send({"type": "http.response.body", "body": payload})
        return None

    def _too_large(self) -> str:
        return f"the request body is larger than {self.max_body} bytes"

    async def _read_body(self, receive) -> bytes | None:
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                raise _TooLarge
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)


def _run_wsgi(app, environ) -> tuple[int, list, bytes]:
    """Run the WSGI app to the end on this thread: ``(status, headers, body)``."""
    answer: dict = {}
    chunks: list[bytes] = []

    def start_response(status, headers, exc_info=None):  # nothing is sent before the end: may be called again
        answer["status"] = int(status.split(" ", 1)[0])
        answer["headers"] = [(k.strip().encode("latin1").lower(), v.strip().encode("latin1")) for k, v in headers]
        return chunks.append

    iterable = app(environ, start_response)
    try:
        chunks.extend(iterable)
    finally:
        close = getattr(iterable, "close", None)
        if close is not None:
            close()
    return answer["status"], answer["headers"], b"".join(chunks)


class _TooLarge(Exception):
    pass


def _content_length(headers) -> int | None:
    for name, value in headers:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _lifespan(receive, send):
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
