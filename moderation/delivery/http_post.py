"""One HTTP POST with a hard overall deadline, to an address that was checked.

Why not urllib: its timeout applies to each socket operation, so a receiver
answering one byte every few seconds holds a worker for as long as it likes,
and a malformed answer raises ``http.client.HTTPException``, which nobody
expected.  Here the whole exchange (connect, TLS, sending, reading the status
line and headers) ends by ``deadline`` (a ``time.monotonic()`` value), the
connection goes to exactly the address ``targets.check`` approved (no second DNS
lookup to rebind), the answer's headers are capped at 64 KB, and every way it
can go wrong is a ``PostError`` with a short message of a fixed form: never a
raw network error, never an address.  The body of the answer is not read.
"""

import re
import socket
import ssl
import threading
import time
from dataclasses import dataclass

MAX_HEADER_BYTES = 64 * 1024
STATUS_LINE = re.compile(rb"HTTP/1\.[01] ([1-5][0-9][0-9])(?: [^\r\n]*)?")


class PostError(Exception):
    """The POST failed before an HTTP status was read.  ``connecting``: it failed
    before a connection stood (refused, unreachable, timed out connecting)."""

    def __init__(self, message: str, connecting: bool = False):
        super().__init__(message)
        self.connecting = connecting


@dataclass
class Answer:
    status: int
    location: str | None


def _remaining(deadline: float, what: str, connecting: bool = False) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise PostError(f"no answer within the deadline ({what})", connecting=connecting)
    return left


def _connect(target, deadline: float) -> socket.socket:
    failure = None
    for address in target.addresses:
        family = socket.AF_INET6 if address.version == 6 else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            sock.settimeout(_remaining(deadline, "connecting", connecting=True))
            sock.connect((str(address), target.port))
            return sock
        except TimeoutError:
            sock.close()
            failure = PostError("no answer within the deadline (connecting)", connecting=True)
        except ConnectionRefusedError:
            sock.close()
            failure = PostError("connection refused", connecting=True)
        except OSError:
            sock.close()
            failure = PostError("could not connect (host unreachable)", connecting=True)
    raise failure or PostError("the webhook host has no address", connecting=True)


def _head(target, headers: dict, body: bytes) -> bytes:
    host = f"[{target.host}]" if ":" in target.host else target.host
    if target.port != {"http": 80, "https": 443}[target.scheme]:
        host += f":{target.port}"
    lines = [f"POST {target.path} HTTP/1.1", f"Host: {host}", f"Content-Length: {len(body)}", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    text = "\r\n".join(lines) + "\r\n\r\n"
    if any(ord(ch) < 32 and ch not in "\r\n" for ch in text) or text.count("\r\n") != len(lines) + 1:
        raise PostError("the request would carry control characters; check the webhook URL")
    return text.encode("utf-8")


def _read_head(sock, deadline: float) -> bytes:
    buffer = b""
    while b"\r\n\r\n" not in buffer:
        if len(buffer) > MAX_HEADER_BYTES:
            raise PostError("malformed response: the headers are longer than 64 KB")
        sock.settimeout(_remaining(deadline, "reading the answer"))
        chunk = sock.recv(16384)
        if not chunk:
            if not buffer:
                raise PostError("the receiver closed the connection without answering")
            raise PostError("malformed response: the connection closed in the middle of the headers")
        buffer += chunk
    head = buffer.split(b"\r\n\r\n", 1)[0]
    if len(head) > MAX_HEADER_BYTES:
        raise PostError("malformed response: the headers are longer than 64 KB")
    return head


def _parse(head: bytes) -> Answer:
    status_line, _, rest = head.partition(b"\r\n")
    match = STATUS_LINE.fullmatch(status_line)
    if match is None:
        raise PostError("malformed response: the status line is not HTTP/1.x with a status code")
    location = None
    for line in rest.split(b"\r\n"):
        name, sep, value = line.partition(b":")
        if not sep:
            raise PostError("malformed response: a header line has no colon")
        if name.strip().lower() == b"location":
            location = value.strip().decode("latin-1")[:500]
    return Answer(int(match.group(1)), location)


def post(target, headers: dict, body: bytes, deadline: float, tls_context=None) -> Answer:
    """POST ``body`` to ``target`` (a ``targets.Target``), finished by ``deadline``."""
    sock = _connect(target, deadline)
    # a backstop for the one step whose reads cannot be bounded one by one (the TLS handshake)
    holder = [sock]
    watchdog = threading.Timer(max(0.0, deadline - time.monotonic()) + 0.2, _abort, args=(holder,))
    watchdog.daemon = True
    watchdog.start()
    try:
        if target.scheme == "https":
            context = tls_context or ssl.create_default_context()
            sock.settimeout(_remaining(deadline, "TLS handshake"))
            try:
                sock = holder[0] = context.wrap_socket(sock, server_hostname=target.host)
            except ssl.SSLCertVerificationError:
                raise PostError("TLS error: the receiver's certificate is not valid for this host") from None
            except ssl.SSLError:
                raise PostError("TLS error: the handshake failed") from None
        data = _head(target, headers, body) + body
        sock.settimeout(_remaining(deadline, "sending"))
        sock.sendall(data)
        return _parse(_read_head(sock, deadline))
    except PostError:
        raise
    except TimeoutError:
        raise PostError("no answer within the deadline") from None
    except ConnectionResetError:
        raise PostError("the receiver reset the connection") from None
    except OSError:
        if time.monotonic() >= deadline:
            raise PostError("no answer within the deadline") from None
        raise PostError("the connection failed") from None
    finally:
        watchdog.cancel()
        sock.close()


def _abort(holder):
    try:
        socket.socket.shutdown(holder[0], socket.SHUT_RDWR)
    except OSError:
        pass
