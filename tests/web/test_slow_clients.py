"""Slow clients (slowloris) against the real default ``moderation serve``, over real sockets."""

import socket
import threading
import time
import urllib.request

import pytest
from helpers.server import Server

SLOW_HEADERS = 40
SLOW_BODIES = 15


@pytest.fixture
def server(tmp_path):
    s = Server(f"sqlite:///{tmp_path / 'slow.sqlite'}", tmp_path)
    yield s
    s.close()


def _slow_client(port, stop, body):
    """Opens a connection and sends its request one byte at a time, every 0.2 s, never finishing."""
    head = b"POST /api/v1/classify HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
    if body:
        head += b"Content-Length: 100000\r\n\r\n"
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
            if body:
                sock.sendall(head)
            data = (b"{" * 100000) if body else head
            for byte in data:
                if stop.is_set():
                    return
                sock.sendall(bytes([byte]))
                time.sleep(0.2)
    except OSError:
        return


def test_fifty_slow_clients_do_not_starve_normal_requests(server):
    stop = threading.Event()
    clients = [
        threading.Thread(target=_slow_client, args=(server.port, stop, i >= SLOW_HEADERS), daemon=True)
        for i in range(SLOW_HEADERS + SLOW_BODIES)
    ]
    for t in clients:
        t.start()
    try:
        time.sleep(1.5)  # every slow client is connected and dribbling
        slow_answers = []
        for _ in range(10):
            started = time.monotonic()
            with urllib.request.urlopen(server.url("/healthz"), timeout=5) as r:
                assert r.status == 200
            with urllib.request.urlopen(server.url("/api/v1/openapi.json"), timeout=5) as r:
                assert r.status == 200
            elapsed = time.monotonic() - started
            if elapsed > 1.0:
                slow_answers.append(elapsed)
            time.sleep(0.1)
        assert not slow_answers, f"normal requests took {slow_answers} s beside {len(clients)} slow clients"
        assert sum(t.is_alive() for t in clients) >= SLOW_HEADERS + SLOW_BODIES - 2  # still connected
    finally:
        stop.set()
        for t in clients:
            t.join(5)
