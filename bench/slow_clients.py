"""Slow clients against the default ``moderation serve``: how fast normal requests answer
while N clients dribble their headers or bodies one byte every 0.5 s.

Usage: python bench/slow_clients.py [--slow 50] [--probes 40]
Writes the "slow-clients" section of docs/BENCHMARKS.md.
"""

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report import machine, write_section  # noqa: E402

BIN = Path(sys.executable).parent


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def dribble(port, stop, body):
    head = b"POST /api/v1/classify HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
            if body:
                sock.sendall(head + b"Content-Length: 100000\r\n\r\n")
            for byte in b"{" * 100000 if body else head:
                if stop.is_set():
                    return
                sock.sendall(bytes([byte]))
                time.sleep(0.5)
    except OSError:
        return


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--slow", type=int, default=50)
    parser.add_argument("--probes", type=int, default=40)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp())
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{tmp / 'b.sqlite'}", MODERATION_SECRET_KEY="bench-slow")
    subprocess.run([str(BIN / "moderation"), "db", "upgrade"], env=env, check=True, capture_output=True)
    port = free_port()
    proc = subprocess.Popen(
        [str(BIN / "moderation"), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        stop = threading.Event()
        clients = [
            threading.Thread(target=dribble, args=(port, stop, i % 3 == 2), daemon=True) for i in range(args.slow)
        ]
        for t in clients:
            t.start()
        time.sleep(2)
        times, failures = [], 0
        for _ in range(args.probes):
            started = time.monotonic()
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5).read()
                times.append((time.monotonic() - started) * 1000)
            except OSError:
                failures += 1
            time.sleep(0.1)
        stop.set()
    finally:
        proc.terminate()
        proc.wait(20)
    times.sort()
    body = f"""## Slow clients: GET /healthz beside {args.slow} slow clients

`python bench/slow_clients.py` — {machine()}.
Default `moderation serve` (2 workers); a third of the slow clients send a body, the rest
their headers, one byte every 0.5 s.

| probes | answered | p50 | max | failed or over 5 s |
|---:|---:|---:|---:|---:|
| {args.probes} | {len(times)} | {statistics.median(times):.1f} ms | {max(times):.1f} ms | {failures} |

Before (2 gthread workers x 1 thread, issue 10): one slow client made 17 of 20 probes time out.
"""
    print(body)
    write_section("slow-clients", body)


if __name__ == "__main__":
    main()
