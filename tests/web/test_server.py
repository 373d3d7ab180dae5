"""The real server: gunicorn on a free loopback port, requests over real HTTP."""

import os
import signal
import threading
import time
from pathlib import Path

import pytest
from helpers.api import comment
from helpers.server import Server

from moderation.storage import comments as records
from moderation.storage.database import Database
from moderation.storage.tables import Analysis, Comment


@pytest.fixture
def server(database_url, tmp_path):
    s = Server(database_url, tmp_path)
    db = Database(database_url)
    s.site = records.create_site(db, "live")
    s.db = db
    yield s
    s.close()
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


def test_workers_are_forked_from_an_app_built_in_the_master(server):
    """``preload_app``: the master imports the app and loads the models before it forks, so a
    worker (the first, or one started after a crash) is a copy that answers at once."""
    maps = Path(f"/proc/{server.proc.pid}/maps").read_text()
    assert "_multiarray_umath" in maps, "the master has not loaded the models (numpy is not even imported)"
    killed = server.worker_pids()[0]
    os.kill(killed, signal.SIGKILL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        pids = server.worker_pids()
        if killed not in pids and len(pids) == 2:
            break
        time.sleep(0.05)
    assert killed not in server.worker_pids()
    for _ in range(4):  # both workers, the replacement among them, answer with the models loaded
        status, body, _ = server.request("GET", "/healthz")
        assert status == 200 and body["status"] == "ok", body
    status, body = server.post("/api/v1/comments", comment("after-kill", "Goed plan."), server.site["api_key"])
    assert status == 201
