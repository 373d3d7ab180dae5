"""One transaction per comment, few statements: the key cache, the folded idempotency
check, bulk batches, and the engines' settings for a server."""

import threading

from helpers.api import auth, comment
from sqlalchemy import event, text

from moderation.storage import comments as records
from moderation.storage.database import Database
from moderation.storage.tables import Analysis, Comment, Decision, OutboxEvent


class Statements:
    """The SQL statements and commits an engine runs while counting."""

    def __init__(self, engine):
        self.sql, self.commits = [], 0
        event.listen(engine, "before_cursor_execute", self._statement)
        event.listen(engine, "commit", self._commit)

    def _statement(self, conn, cursor, statement, parameters, context, executemany):
        self.sql.append(
            statement.split()[0].upper() + " " + statement.split()[2 if statement.startswith("INSERT") else 0]
        )

    def _commit(self, conn):
        self.commits += 1

    def reset(self):
        self.sql, self.commits = [], 0


def test_a_new_comment_is_one_transaction_of_few_statements(app, client, site):
    app.config["RATE_LIMIT_PER_SECOND"] = 0  # the rate limit's own statement is counted elsewhere
    db = app.extensions["moderation"].db
    client.post("/api/v1/comments", json=comment("warm"), headers=auth(site))  # the article and the key, cached
    seen = Statements(db.engine)
    r = client.post(
        "/api/v1/comments", json=comment("c2", "Stelletje idioten daar op het stadhuis"), headers=auth(site)
    )
    assert r.status_code == 201
    assert seen.commits == 1, seen.sql
    # a rejection: its statement of reasons (DSA Art. 17) is written in the same transaction; the author
    # rules read the author's rules and the repeat candidates (storage.author_rules), and store its repeat keys
    assert seen.sql == [
        "SELECT SELECT",
        "SELECT SELECT",
        "INSERT comments",
        "INSERT repeat_keys",
        "INSERT analyses",
        "INSERT decisions",
        "INSERT statements",
    ], seen.sql
    body = r.get_json()
    assert body["status"] == "rejected" and body["decision"]["statement"]["puid"]
    assert body == client.get(f"/api/v1/comments/{body['id']}", headers=auth(site)).get_json()  # as stored


def test_a_repeated_comment_is_stored_once_and_answered_as_stored(app, client, site):
    first = client.post("/api/v1/comments", json=comment("same"), headers=auth(site))
    again = client.post("/api/v1/comments", json=comment("same", "another text"), headers=auth(site))
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json() == first.get_json()
    db = app.extensions["moderation"].db
    assert [records.count_rows(db, t) for t in (Comment, Analysis, Decision)] == [1, 1, 1]


def test_the_same_comment_from_concurrent_requests_is_stored_once(app, site):
    results = []

    def post():
        results.append(app.test_client().post("/api/v1/comments", json=comment("race"), headers=auth(site)))

    threads = [threading.Thread(target=post) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r.status_code for r in results) == [200, 200, 200, 201]
    assert len({r.get_json()["id"] for r in results}) == 1
    assert records.count_rows(app.extensions["moderation"].db, Comment) == 1


def test_a_batch_of_500_is_one_transaction_of_bulk_statements(make_app):
    app = make_app(MAX_BATCH=500, RATE_LIMIT_PER_SECOND=0)  # the intake's statements alone
    db = app.extensions["moderation"].db
    site = records.create_site(db, "bulk", webhook_url="https://example.org/hook")
    items = [comment(f"b{i}", f"Reactie nummer {i}: de raad beslist", article={"id": f"a{i % 7}"}) for i in range(500)]
    records.cached_site_by_key(db, site["api_key"])  # the key is cached, as on a running worker
    seen = Statements(db.engine)
    r = app.test_client().post("/api/v1/comments/batch", json={"comments": items}, headers=auth(site))
    assert r.status_code == 201 and len(r.get_json()["results"]) == 500
    writes = [s for s in seen.sql if not s.startswith("SELECT")]
    assert len(seen.sql) <= 12, seen.sql  # not 500 x 8
    # one read (which are stored already?) before the analysis, then one write transaction
    assert seen.commits == 2 and len(writes) <= 6, seen.sql
    assert records.count_rows(db, Comment) == records.count_rows(db, Decision) == 500
    assert records.count_rows(db, OutboxEvent) == sum(
        1 for x in r.get_json()["results"] if x["status"] in ("approved", "rejected") or x["urgent"]
    )
    # the same batch again is not analysed or stored again
    seen.reset()
    again = app.test_client().post("/api/v1/comments/batch", json={"comments": items}, headers=auth(site))
    assert again.status_code == 200 and not [s for s in seen.sql if s.startswith("INSERT")]


def test_a_rotated_key_stops_at_once_here_and_within_the_ttl_in_other_workers(app):
    here = app.extensions["moderation"].db
    worker = Database(here.url, site_cache_seconds=2)
    now = [0.0]
    worker.key_cache.clock = lambda: now[0]
    try:
        site = records.create_site(here, "rotating")
        assert records.cached_site_by_key(here, site["api_key"])["id"] == site["id"]
        assert records.cached_site_by_key(worker, site["api_key"])["id"] == site["id"]
        seen = Statements(worker.engine)
        assert records.cached_site_by_key(worker, site["api_key"])["id"] == site["id"]
        assert seen.sql == []  # served from the cache
        records.rotate_key(here, "rotating")
        assert records.cached_site_by_key(here, site["api_key"]) is None  # this process: at once
        now[0] = 2.5
        assert records.cached_site_by_key(worker, site["api_key"]) is None  # another: after the TTL
    finally:
        worker.dispose()


def test_the_engines_are_set_up_for_a_server(database_url):
    db = Database(database_url)
    try:
        with db.engine.connect() as conn:
            if db.is_sqlite:
                assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
                assert conn.execute(text("PRAGMA synchronous")).scalar() == 1  # NORMAL
            else:
                assert conn.execute(text("SHOW synchronous_commit")).scalar() == "on"
                assert conn.connection.dbapi_connection.prepare_threshold == 5
    finally:
        db.dispose()
