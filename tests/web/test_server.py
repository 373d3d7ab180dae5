"""The real server: gunicorn on a free loopback port, requests over real HTTP."""

import threading

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
