"""Webhook delivery next to bad receivers (issue 10, items 2 and 3): how long a healthy
site waits behind a hung one, how long a trickling receiver holds a delivery, and
how long a killed worker's events stay leased.

Loopback only, on a temporary SQLite database.  Runs against whatever
``moderation`` package sits next to this ``bench/`` folder, so the same script
measures an older checkout too.
Usage: python bench/webhook_faults.py [--timeout 2] [--hung-events 5] [--trickle-seconds 30]
"""

import argparse
import inspect
import socket
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from moderation.app import create_app  # noqa: E402
from moderation.delivery import webhooks  # noqa: E402
from moderation.delivery.worker import Worker  # noqa: E402
from moderation.storage import comments as records  # noqa: E402


def raw_server(answer):
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(32)

    def serve():
        while True:
            try:
                conn, _ = sock.accept()
            except OSError:
                return
            threading.Thread(target=answer, args=(conn,), daemon=True).start()

    threading.Thread(target=serve, daemon=True).start()
    return sock, f"http://127.0.0.1:{sock.getsockname()[1]}/hook"


def healthy_server(arrived):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            arrived.append(time.monotonic())
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/hook"


def post(app, site, ext):
    client = app.test_client()
    headers = {"Authorization": f"Bearer {site['api_key']}"}
    r = client.post("/api/v1/comments", json={"external_id": ext, "text": "Prima plan."}, headers=headers)
    assert r.status_code == 201, r.get_data(as_text=True)
    with app.extensions["moderation"].db.session() as s:  # no models here: a moderator approves it
        records.record_decision(s, r.get_json()["id"], "approved", actor="bench@example.org")


def healthy_behind_hung(timeout, hung_events):
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "no-models").mkdir()
        app = create_app(
            {
                "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite",
                "PLUGINS": ["policy"],
                "MODELS_DIR": f"{tmp}/no-models",
                "WEBHOOK_TIMEOUT": timeout,
                "WEBHOOK_ALLOW_HOSTS": "127.0.0.1",
                "WORKER_POLL_SECONDS": 0.2,
            }
        )
        app.extensions["moderation"].db.upgrade()
        db = app.extensions["moderation"].db
        hung_sock, hung_url = raw_server(lambda conn: time.sleep(600))
        arrived = []
        healthy, healthy_url = healthy_server(arrived)
        for i in range(hung_events):
            post(app, records.create_site(db, f"hung{i}", webhook_url=hung_url), "c1")
        post(app, records.create_site(db, "healthy", webhook_url=healthy_url), "c1")
        stop = threading.Event()
        started = time.monotonic()
        worker = threading.Thread(target=Worker(db, app.config).run, args=(stop,), daemon=True)
        worker.start()
        while not arrived and time.monotonic() - started < 30 + hung_events * timeout * 2:
            time.sleep(0.01)
        waited = (arrived[0] if arrived else time.monotonic()) - started
        stop.set()
        worker.join(timeout=hung_events * timeout + 30)  # the hung deliveries end at their deadline
        hung_sock.close()
        healthy.shutdown()
        app.extensions["moderation"].close()
        return waited


def trickle_hold(timeout, limit):
    def trickle(conn):
        conn.recv(65536)
        end = time.monotonic() + limit
        try:
            for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"s" * 500 + b"\r\n\r\n":
                if time.monotonic() > end:
                    break
                conn.sendall(bytes([byte]))
                time.sleep(0.5)
        except OSError:
            pass
        conn.close()

    sock, url = raw_server(trickle)
    extra = {"allow": "127.0.0.1"} if "allow" in inspect.signature(webhooks.send).parameters else {}
    started = time.monotonic()
    webhooks.send(url, {"id": "evt", "type": "comment.approved"}, ["whsec_bench"], timeout, **extra)
    sock.close()
    return time.monotonic() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=2.0)
    parser.add_argument("--hung-events", type=int, default=5)
    parser.add_argument("--trickle-seconds", type=float, default=30.0)
    args = parser.parse_args()
    config = {"WEBHOOK_TIMEOUT": 10.0, "WORKER_BATCH": 20, "WEBHOOK_LEASE_MARGIN_SECONDS": 5}
    lease = Worker(None, {**config, "WEBHOOK_ALLOW_HOSTS": ""}).lease_seconds
    print(f"lease of a claimed event with the defaults (timeout 10 s, batch 20): {lease:.0f} s")
    print(
        f"healthy site's first event, behind {args.hung_events} hung sites (timeout {args.timeout:g} s): "
        f"{healthy_behind_hung(args.timeout, args.hung_events):.2f} s"
    )
    print(
        f"one delivery to a receiver trickling 1 byte / 0.5 s (timeout {args.timeout:g} s): "
        f"{trickle_hold(args.timeout, args.trickle_seconds):.2f} s"
    )


if __name__ == "__main__":
    main()
