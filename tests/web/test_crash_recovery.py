"""Crashes under load against the real server: kill -9 of a worker or of the master, and
a graceful stop.  Every acknowledged comment is stored exactly once, nothing answers 5xx,
and a restart binds the port at once (issue 10, item 8)."""

import http.client
import os
import signal
import threading
import time
from collections import Counter

import pytest
from helpers.api import comment
from helpers.server import Server
from sqlalchemy import select

from moderation.storage import comments as records
from moderation.storage import sites as site_settings
from moderation.storage.database import Database
from moderation.storage.tables import Comment


@pytest.fixture
def served(tmp_path):
    url = f"sqlite:///{tmp_path / 'crash.sqlite'}"
    server = Server(url, tmp_path)
    server.db = Database(url)
    server.site = records.create_site(server.db, "crash")
    site_settings.update(server.db, "crash", rate_limit="0")
    yield server
    server.close()
    server.db.dispose()


class Load:
    """Four clients posting distinct comments until stopped; records what was acknowledged."""

    def __init__(self, server, prefix):
        self.server, self.prefix = server, prefix
        self.stop = threading.Event()
        self.acknowledged, self.statuses, self.lock = [], Counter(), threading.Lock()
        self.threads = [threading.Thread(target=self._run, args=(n,), daemon=True) for n in range(4)]
        for t in self.threads:
            t.start()

    def _run(self, n):
        i = 0
        while not self.stop.is_set():
            ext = f"{self.prefix}-{n}-{i}"
            i += 1
            try:
                status, _ = self.server.post("/api/v1/comments", comment(ext), self.server.site["api_key"], 10)
            except (OSError, http.client.HTTPException):  # refused or cut while a process died: not acknowledged
                status = "connection error"
            with self.lock:
                self.statuses[status] += 1
                if status in (200, 201):
                    self.acknowledged.append(ext)

    def finish(self):
        self.stop.set()
        for t in self.threads:
            t.join(15)
        return self


def _stored(server):
    with server.db.session() as s:
        return Counter(s.scalars(select(Comment.external_id)))


def test_kill_9_of_a_worker_loses_nothing_acknowledged(served):
    load = Load(served, "w")
    time.sleep(1.5)
    os.kill(served.worker_pids()[0], signal.SIGKILL)
    time.sleep(2.5)
    load.finish()
    stored = _stored(served)
    assert load.acknowledged and all(stored[ext] == 1 for ext in load.acknowledged)
    assert not [s for s in load.statuses if isinstance(s, int) and s >= 500], load.statuses
    served.wait_ready("/healthz/ready")  # the master replaced the worker


def test_a_graceful_stop_finishes_or_refuses_requests_never_500(served):
    load = Load(served, "g")
    time.sleep(1.5)
    os.kill(served.proc.pid, signal.SIGTERM)
    served.proc.wait(20)
    load.finish()
    assert not [s for s in load.statuses if isinstance(s, int) and s >= 500], load.statuses
    stored = _stored(served)
    assert all(stored[ext] == 1 for ext in load.acknowledged)


def test_restart_after_kill_9_of_the_master(served):
    orphans = served.worker_pids()
    load = Load(served, "m")
    time.sleep(1)
    os.kill(served.proc.pid, signal.SIGKILL)
    served.proc.wait(5)
    time.sleep(2)
    served.start()  # same port at once, while orphaned workers may still hold it
    load.finish()
    status, _ = served.post("/api/v1/comments", comment("after-restart"), served.site["api_key"])
    assert status == 201
    assert not [s for s in load.statuses if isinstance(s, int) and s >= 500], load.statuses
    stored = _stored(served)
    assert all(stored[ext] == 1 for ext in load.acknowledged)
    deadline = time.monotonic() + 15  # and the orphans notice their master is gone and leave
    while any(_alive(pid) for pid in orphans):
        assert time.monotonic() < deadline, "orphaned workers still running"
        time.sleep(0.2)


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as f:  # a zombie is gone too
        return f.read().split(") ")[1][0] != "Z"
