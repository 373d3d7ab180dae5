"""Misbehaving webhook receivers on real loopback sockets, for the resilience tests.

``RawReceiver(answer)`` accepts connections on 127.0.0.1 and hands each one to
``answer(conn, receiver)`` in its own thread, after reading the request's head.
The answers below are what the audit tried: a malformed status line, a header
line over 64 KB, a receiver that never answers, one that trickles its answer.
"""

import socket
import threading
import time


class RawReceiver:
    def __init__(self, answer):
        self.answer = answer
        self.release = threading.Event()  # set: hung receivers let go
        self.connections = 0
        self.open = 0  # connections not yet closed by either side
        self.closed_by_client = []  # seconds each connection lasted when the client went away
        self._lock = threading.Lock()
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(16)
        self.port = self._sock.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}/hook"

    def _accept(self):
        while True:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            with self._lock:
                self.connections += 1
                self.open += 1
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn):
        started = time.monotonic()
        try:
            conn.settimeout(10)
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = conn.recv(65536)
                if not chunk:
                    break
                data += chunk
            self.answer(conn, self)
        except OSError:
            with self._lock:
                self.closed_by_client.append(time.monotonic() - started)
        finally:
            conn.close()
            with self._lock:
                self.open -= 1

    def stop(self):
        self.release.set()
        self._sock.close()


def hello(conn, receiver):
    """Not HTTP at all."""
    conn.sendall(b"HELLO\r\n\r\n")


def huge_header(conn, receiver):
    """A status line, then one header line of 70 KB."""
    conn.sendall(b"HTTP/1.1 200 OK\r\nX-Padding: " + b"a" * 70_000 + b"\r\n\r\n")


def hang(conn, receiver, limit=20):
    """Reads the request and says nothing until released (or ``limit`` seconds)."""
    if receiver.release.wait(limit):
        return
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")


def trickle(conn, receiver, every=0.3, limit=10):
    """A valid answer, one byte every ``every`` seconds, for up to ``limit`` seconds."""
    answer = b"HTTP/1.1 200 OK\r\nX-Slow: " + b"s" * 200 + b"\r\nContent-Length: 0\r\n\r\n"
    deadline = time.monotonic() + limit
    for byte in answer:
        if time.monotonic() > deadline or receiver.release.is_set():
            return
        conn.sendall(bytes([byte]))
        time.sleep(every)
