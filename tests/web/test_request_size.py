"""Request bodies over the limit, against the real server: 413 problem+json, refused by the
declared size before the body is read, and a chunked body as soon as it passes the limit."""

import json
import socket
import time

import pytest
from helpers.server import Server

from moderation.storage import comments as records
from moderation.storage.database import Database

LIMIT = 16 * 1024 * 1024


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("size")
    url = f"sqlite:///{tmp / 'size.sqlite'}"
    s = Server(url, tmp)
    db = Database(url)
    s.site = records.create_site(db, "size")
    db.dispose()
    yield s
    s.close()


def _answer(sock) -> tuple[int, dict, bytes]:
    data = b""
    sock.settimeout(10)
    while b"\r\n\r\n" not in data:
        data += sock.recv(65536)
    head, _, rest = data.partition(b"\r\n\r\n")
    length = int([line.split(b":")[1] for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")][0])
    while len(rest) < length:
        rest += sock.recv(65536)
    return int(head.split()[1]), json.loads(rest[:length]), head


def test_a_declared_size_over_the_limit_is_refused_before_the_body(server):
    with socket.create_connection(("127.0.0.1", server.port)) as sock:
        sock.sendall(
            b"POST /api/v1/comments HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: 1073741824\r\n\r\n{"
        )
        started = time.monotonic()
        status, body, head = _answer(sock)  # a gigabyte announced, one byte sent: answered at once
    assert status == 413 and time.monotonic() - started < 2
    assert b"application/problem+json" in head and str(LIMIT) in body["detail"]


def test_a_chunked_body_over_the_limit_gets_413(server):
    chunk = b"a" * 1024 * 1024
    with socket.create_connection(("127.0.0.1", server.port)) as sock:
        sock.sendall(
            b"POST /api/v1/comments HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n"
        )
        try:
            for _ in range(17):
                sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered and closed before the rest: that is the point
        status, body, head = _answer(sock)
    assert status == 413 and b"application/problem+json" in head


def test_a_chunked_body_within_the_limit_reaches_the_app(server):
    payload = json.dumps({"text": "Goed plan van de raad."}).encode()
    with socket.create_connection(("127.0.0.1", server.port)) as sock:
        sock.sendall(
            b"POST /api/v1/classify HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Authorization: Bearer " + server.site["api_key"].encode() + b"\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n" + b"%x\r\n%s\r\n0\r\n\r\n" % (len(payload), payload)
        )
        status, body, _ = _answer(sock)
    assert status == 200 and body["status"] in ("approved", "pending", "rejected")
