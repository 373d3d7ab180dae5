"""The real server: gunicorn on a free loopback port, requests over real HTTP."""

import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from helpers.api import comment, free_port

from moderation.storage import comments as records
from moderation.storage.database import Database
from moderation.storage.tables import Analysis, Comment

MODERATION = str(Path(sys.executable).with_name("moderation"))


class Server:
    def __init__(self, database_url, tmp_path):
        self.env = dict(os.environ, DATABASE_URL=database_url, MODERATION_SECRET_KEY="server-test-secret")
        self.port = free_port()
        self.log = open(tmp_path / "server.log", "w+")
        subprocess.run([MODERATION, "db", "upgrade"], env=self.env, check=True, capture_output=True, timeout=120)
        self.proc = subprocess.Popen(
            [MODERATION, "serve", "--host", "127.0.0.1", "--port", str(self.port), "--workers", "2"],
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        for _ in range(300):
            try:
                urllib.request.urlopen(self.url("/healthz"), timeout=1)
                return
            except OSError:  # refused, or accepted before a worker is ready
                if self.proc.poll() is not None:
                    break
                time.sleep(0.1)
        self.log.seek(0)
        raise RuntimeError("server did not start: " + self.log.read()[-2000:])

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def post(self, path, body, key):
        req = urllib.request.Request(
            self.url(path),
            data=json.dumps(body).encode(),
            method="POST",
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {key}"},
        )
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                return r.status, json.loads(r.read())
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read())

    def stop(self):
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.log.close()


@pytest.fixture
def server(database_url, tmp_path):
    s = Server(database_url, tmp_path)
    db = Database(database_url)
    s.site = records.create_site(db, "live")
    s.db = db
    yield s
    s.stop()
    db.dispose()


def test_post_over_real_http(server):
    text = "Die ambtenaren zijn echt zakkenvullers, schrap die hele afdeling maar. @Joke lees dit eens"
    status, body = server.post("/api/v1/comments", comment("live-1", text), server.site["api_key"])
    assert status == 201
    assert body["analysis"]["incivility"]["spans"][0]["text"] == "zakkenvullers"
    status, again = server.post("/api/v1/comments", comment("live-1", text), server.site["api_key"])
    assert status == 200 and again["id"] == body["id"]
    status, problem = server.post("/api/v1/comments", comment("live-2", ""), server.site["api_key"])
    assert status == 422 and "text" in problem["detail"]
    assert records.count_rows(server.db, Comment) == 1


def test_racing_retries_store_one_comment(server):
    """Twelve copies of one comment at once, across two worker processes: one 201, the rest 200."""
    results, barrier = [], threading.Barrier(12)

    def send():
        barrier.wait()
        results.append(
            server.post("/api/v1/comments", comment("race-1", "Goed plan van de raad."), server.site["api_key"])
        )

    threads = [threading.Thread(target=send) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    statuses = sorted(status for status, _ in results)
    assert statuses == [200] * 11 + [201]
    assert len({body["id"] for _, body in results}) == 1
    assert records.count_rows(server.db, Comment) == 1 and records.count_rows(server.db, Analysis) == 1
