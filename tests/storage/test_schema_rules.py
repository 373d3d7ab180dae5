"""Storage says each rule once: the migrations match the tables, every datetime column is UTC
and aware on both engines, one rule for the sites a moderator may see, one event payload."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import DateTime, Float, select

from moderation.storage import access, dsa_tables, erasure, outbox, search  # noqa: F401 (dsa_tables: metadata)
from moderation.storage import comments as records
from moderation.storage.database import Database
from moderation.storage.tables import Base, Comment, Site, UTCDateTime

ANALYSIS = {"stance": None, "incivility": None, "tags": [], "models": {}, "errors": []}


def test_migrations_match_the_table_definitions(empty_database_url):
    """alembic's autogenerate finds nothing to add, drop or alter after ``upgrade``."""
    db = Database(empty_database_url)
    db.upgrade()
    with db.engine.connect() as conn:
        opts = {
            "compare_type": True,
            "compare_server_default": False,
            # the search indexes are engine-specific and made by their migration alone (storage/search.py)
            "include_object": lambda obj, name, kind, *_: (
                not ((kind == "index" and name in search.INDEXES) or (kind == "column" and name in search.COLUMNS))
            ),
        }
        context = MigrationContext.configure(conn, opts=opts)
        diff = compare_metadata(context, Base.metadata)
    db.dispose()
    assert diff == []


def test_every_datetime_column_is_utc_aware():
    # login_throttle.blocked_until is a number (epoch seconds), not a moment in a column
    columns = [
        c
        for table in Base.metadata.tables.values()
        for c in table.columns
        if ("_at" in c.name or "until" in c.name) and not isinstance(c.type, Float)
    ]
    assert columns and all(isinstance(c.type, UTCDateTime) for c in columns)
    assert {"notices", "appeals", "statements"} <= {c.table.name for c in columns}  # the DSA's too
    assert all(
        isinstance(c.type, UTCDateTime)
        for t in Base.metadata.tables.values()
        for c in t.columns
        if isinstance(c.type, DateTime)
    )


def test_datetimes_come_back_aware_in_utc_on_both_engines(database_url):
    db = Database(database_url)
    db.upgrade()
    site = records.create_site(db, "tijd")
    summer = datetime(2026, 7, 1, 12, 0, tzinfo=timezone(timedelta(hours=2)))
    record, _ = records.store_comment(
        db,
        site["id"],
        {"external_id": "t1", "text": "tekst", "created_at": summer},
        ANALYSIS,
        {"status": "pending", "urgent": False, "reason": None},
    )
    # an offset is kept as the same moment, said in UTC (SQLite used to drop the offset)
    assert record["created_at"] == "2026-07-01T10:00:00Z"
    with db.session() as s:
        naive = datetime(2026, 7, 1, 10, 0)  # a naive value is taken as UTC
        s.execute(Site.__table__.update().values(webhook_secret_previous_until=naive))
    with db.session() as s:
        until = s.scalar(select(Site.webhook_secret_previous_until))
        received = s.scalar(select(Comment.received_at))
    assert until == datetime(2026, 7, 1, 10, 0, tzinfo=UTC) and until.utcoffset() == timedelta(0)
    assert received.tzinfo is not None and received.utcoffset() == timedelta(0)
    assert records.get_comment(db, site["id"], record["id"])["created_at"] == "2026-07-01T10:00:00Z"
    db.dispose()


@pytest.mark.parametrize(("site_ids", "seen"), [(None, {"a", "b"}), ([], set()), (["a"], {"a"})])
def test_one_rule_for_the_sites_a_moderator_may_see(database_url, site_ids, seen):
    db = Database(database_url)
    db.upgrade()
    ids = {name: records.create_site(db, name)["id"] for name in ("a", "b")}
    allowed = None if site_ids is None else [ids[n] for n in site_ids]
    with db.session() as s:
        names = set(s.scalars(select(Site.name).where(access.may_see(allowed, Site.id))))
    assert names == seen
    assert {n for n, i in ids.items() if access.allows(allowed, i)} == seen
    db.dispose()


def test_the_event_payload_is_built_and_erased_in_one_place(database_url):
    db = Database(database_url)
    db.upgrade()
    site = records.create_site(db, "haak", webhook_url="https://example.org/hook")
    record, _ = records.store_comment(
        db,
        site["id"],
        {"external_id": "e1", "text": "Jij bent een zakkenvuller", "author": {"id": "u9", "name": "Piet"}},
        ANALYSIS,
        {"status": "rejected", "urgent": False, "reason": "insult"},
    )
    [event] = outbox.list_events(db)
    payload = outbox.get_event(db, event["id"])["payload"]
    assert set(payload) == set(outbox.event_payload("comment.rejected", {}))
    assert payload["type"] == "comment.rejected" and payload["comment"]["text"] == "Jij bent een zakkenvuller"
    erasure.erase_comment(db, site["id"], record["id"])
    erased = outbox.get_event(db, event["id"])["payload"]
    assert erased["id"] == payload["id"] and erased["comment"]["erased"] is True
    assert erased["comment"]["text"] is None and erased["comment"]["author"] == {"id": None, "name": None}
    assert "zakkenvuller" not in str(erased)
    db.dispose()
