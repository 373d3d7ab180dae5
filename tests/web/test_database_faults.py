"""A database that stops or freezes: 503 problem+json with Retry-After, readiness down,
liveness up, and everything back once the database is.  On a PostgreSQL server the
test starts itself (helpers.own_postgres), against the real ``moderation serve``."""

import time

import pytest
from helpers import own_postgres
from helpers.api import comment
from helpers.server import Server

from moderation.storage import comments as records
from moderation.storage.database import Database

pytestmark = pytest.mark.skipif(not own_postgres.available(), reason="needs root and PostgreSQL's pg_ctl/initdb")


@pytest.fixture
def pg():
    server = own_postgres.OwnPostgres()
    yield server
    server.destroy()


@pytest.fixture
def served(pg, tmp_path):
    env = {"MODERATION_REQUEST_TIMEOUT": "3", "MODERATION_DB_CONNECT_TIMEOUT": "2", "MODERATION_DB_POOL_TIMEOUT": "2"}
    server = Server(pg.url, tmp_path, workers=1, extra_env=env)
    db = Database(pg.url)
    server.site = records.create_site(db, "faults")
    db.dispose()
    yield server
    pg.thaw()
    server.close()


def _timed(fn, *args, **kwargs):
    started = time.monotonic()
    result = fn(*args, **kwargs)
    return result, time.monotonic() - started


def _assert_unavailable(server, key, n):
    (status, body, headers), took = _timed(server.request, "POST", "/api/v1/comments", comment(f"x-{n}"), key, 15)
    assert status == 503, body
    assert headers.get("Content-Type") == "application/problem+json"
    assert int(headers["Retry-After"]) > 0 and took < 6
    (status, body, headers), took = _timed(server.request, "GET", "/healthz/ready", timeout=15)
    assert status == 503 and took < 6 and "Retry-After" in headers
    status, _, _ = server.request("GET", "/healthz", timeout=15)
    assert status == 503
    (status, _, _), took = _timed(server.request, "GET", "/healthz/live", timeout=5)
    assert status == 200 and took < 1


def test_stopped_database_answers_503_and_recovers(pg, served):
    key = served.site["api_key"]
    assert served.post("/api/v1/comments", comment("before"), key)[0] == 201
    assert served.request("GET", "/healthz/ready")[0] == 200
    pg.stop()
    for n in range(3):
        _assert_unavailable(served, key, n)
    pg.start()
    status, _ = served.post("/api/v1/comments", comment("after"), key)
    assert status == 201
    assert served.request("GET", "/healthz/ready")[0] == 200


def test_frozen_database_answers_503_within_the_deadline(pg, served):
    key = served.site["api_key"]
    assert served.post("/api/v1/comments", comment("before"), key)[0] == 201
    pg.freeze()
    _assert_unavailable(served, key, 1)
    pg.thaw()
    deadline = time.monotonic() + 20
    while served.request("GET", "/healthz/ready")[0] != 200:
        assert time.monotonic() < deadline, "not ready again after the database thawed"
        time.sleep(0.5)
    assert served.post("/api/v1/comments", comment("after"), key)[0] == 201
