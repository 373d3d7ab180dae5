"""``moderation db backup`` and ``db restore``, the real commands, on SQLite and PostgreSQL: a database
filled through the API is backed up, restored into a fresh database, and every comment comes back
with its analysis and decisions (the same site key still works); a SQLite backup taken while a real
server is being written to is consistent."""

import os
import sqlite3
import subprocess
import threading
import time
import uuid

import pytest
import sqlalchemy
from conftest import PG_URL, postgres_available
from helpers.api import auth, comment
from helpers.server import MODERATION, Server

from moderation.storage import accounts, review_queue
from moderation.storage import comments as records

TEXTS = [
    "Meer ruimte voor de wijkteams, laat ze zelf beslissen.",
    "Die ambtenaren zijn echt zakkenvullers, schrap die hele afdeling maar.",
    "De gemeenteraad moet zich gewoon aan de regels houden.",
    "Ik weet waar je woont, pas maar op",
    "Wat een kutplan van de wethouder <script>alert(1)</script>",
]


def moderation(*args, url, env=None, check=True):
    done = subprocess.run(
        [MODERATION, *args],
        env={**os.environ, "DATABASE_URL": url, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
    )
    if check:
        assert done.returncode == 0, done.stderr
    return done


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def two_databases(request, tmp_path):
    """A source and an empty restore target: two SQLite files, or two uniquely named PostgreSQL
    databases on the shared server (never ``test`` itself), dropped afterwards."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'source.sqlite'}", f"sqlite:///{tmp_path / 'restored' / 'db.sqlite'}"
        return
    if not postgres_available():
        if os.environ.get("CI") == "true":
            pytest.fail("PostgreSQL is not running on 127.0.0.1:5432, and CI=true requires it")
        pytest.skip("no PostgreSQL on 127.0.0.1:5432")
    admin = sqlalchemy.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    names = [f"moderation_{kind}_{uuid.uuid4().hex[:10]}" for kind in ("backup", "restore")]
    with admin.connect() as conn:
        for name in names:
            conn.execute(sqlalchemy.text(f'CREATE DATABASE "{name}"'))
    base = PG_URL.rsplit("/", 1)[0]
    try:
        yield tuple(f"{base}/{name}" for name in names)
    finally:
        with admin.connect() as conn:
            for name in names:
                conn.execute(sqlalchemy.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _fill(app):
    """Comments through the API (automatic decisions, analyses, a threat escalated), a batch, a
    moderator's decision and a moderator account; returns the site and its comment ids."""
    db = app.extensions["moderation"].db
    site = records.create_site(db, "backup-site", policy={"reject_above": 0.95})
    client = app.test_client()
    ids = []
    for i, text in enumerate(TEXTS):
        r = client.post("/api/v1/comments", json=comment(f"c-{i}", text), headers=auth(site))
        assert r.status_code == 201, r.get_json()
        ids.append(r.get_json()["id"])
    batch = {"comments": [comment(f"b-{i}", f"Reactie {i} over de jeugdzorg in de regio.") for i in range(20)]}
    r = client.post("/api/v1/comments/batch", json=batch, headers=auth(site))
    assert r.status_code in (200, 201), r.get_json()
    ids += [c["id"] for c in r.get_json()["results"]]
    pending = [
        i for i in ids if client.get(f"/api/v1/comments/{i}", headers=auth(site)).get_json()["status"] == "pending"
    ]
    assert pending, "the fill needs a comment for a moderator"
    assert review_queue.decide(db, None, [pending[0]], "reject", "anne@example.org", reason="insult")["done"]
    accounts.create(db, "anne@example.org", "een-lang-geheim-wachtwoord")
    return site, ids


def _snapshot(app, site, ids):
    client = app.test_client()
    found = {}
    for i in ids:
        r = client.get(f"/api/v1/comments/{i}", headers=auth(site))
        assert r.status_code == 200
        found[i] = r.get_json()
    feed = client.get("/api/v1/decisions?since=0&limit=500", headers=auth(site)).get_json()
    return found, feed


def test_backup_and_restore_keep_every_comment(two_databases, app_for, tmp_path):
    source_url, target_url = two_databases
    source = app_for(source_url, DECISIONS_SETTLE_SECONDS=0)
    site, ids = _fill(source)
    before, feed_before = _snapshot(source, site, ids)
    assert len(before) == len(TEXTS) + 20
    assert {c["status"] for c in before.values()} >= {"approved", "rejected", "pending"}
    assert any(c["decision"]["by"] == "moderator" for c in before.values())

    file = tmp_path / "backups" / "moderation.backup"
    done = moderation("db", "backup", str(file), url=source_url)
    assert "written to" in done.stdout
    assert file.stat().st_mode & 0o077 == 0, "a backup holds personal data: owner only"
    assert not [p for p in file.parent.iterdir() if p != file], "no partial file left behind"

    done = moderation("db", "restore", str(file), url=target_url)
    assert "restored" in done.stdout
    restored = app_for(target_url, DECISIONS_SETTLE_SECONDS=0)  # also migrates: a no-op at the same version
    after, feed_after = _snapshot(restored, site, ids)  # the same API key authenticates
    assert after == before
    assert feed_after == feed_before and len(feed_after["decisions"]) >= len(ids)
    assert accounts.authenticate(restored.extensions["moderation"].db, "anne@example.org", "een-lang-geheim-wachtwoord")

    # a second restore over it is refused without --replace, and nothing is touched
    again = moderation("db", "restore", str(file), url=target_url, check=False)
    assert again.returncode == 1 and "not empty" in again.stderr and "--replace" in again.stderr
    replaced = moderation("db", "restore", "--replace", str(file), url=target_url)
    assert "restored" in replaced.stdout
    assert _snapshot(restored, site, ids)[0] == before


def test_restore_refuses_a_file_that_is_no_backup(two_databases, tmp_path):
    _, target_url = two_databases
    junk = tmp_path / "junk.backup"
    junk.write_text("geen backup")
    done = moderation("db", "restore", str(junk), url=target_url, check=False)
    assert done.returncode == 1 and "is not a" in done.stderr and "backup" in done.stderr
    done = moderation("db", "restore", str(tmp_path / "missing"), url=target_url, check=False)
    assert done.returncode == 1 and "no backup file" in done.stderr


def test_postgres_without_client_tools_says_what_to_install(tmp_path):
    """No pg_dump on PATH: one clear line, nothing written (no server is needed to find that out)."""
    url = "postgresql+psycopg://postgres@127.0.0.1:5432/nothing_here"
    env = {"PATH": os.path.dirname(MODERATION)}
    dump = tmp_path / "old.dump"
    dump.write_bytes(b"PGDMP\x01\x0e\x00")  # looks like pg_dump's custom format
    for tool, args in (
        ("pg_dump", ("db", "backup", str(tmp_path / "x.dump"))),
        ("pg_restore", ("db", "restore", str(dump))),
    ):
        done = moderation(*args, url=url, env=env, check=False)
        assert done.returncode == 1
        assert f"{tool} is not installed or not on PATH" in done.stderr and "postgresql-client" in done.stderr
    assert list(tmp_path.iterdir()) == [dump]


def test_sqlite_backup_while_the_server_writes_is_consistent(tmp_path, sqlite_template):
    """A real server takes comments from four writers while the backup runs: the backup is a
    snapshot in which every comment has its analysis and first decision."""
    import shutil

    shutil.copy(sqlite_template, tmp_path / "live.sqlite")
    url = f"sqlite:///{tmp_path / 'live.sqlite'}"
    from moderation.storage.database import Database

    db = Database(url)
    site = records.create_site(db, "live")
    db.dispose()
    server = Server(url, tmp_path, workers=2, upgrade=False)
    stop, sent, errors = threading.Event(), [], []

    def write(n):
        i = 0
        while not stop.is_set() and i < 400:
            status, body = server.post("/api/v1/comments", comment(f"w{n}-{i}", TEXTS[i % len(TEXTS)]), site["api_key"])
            (sent if status == 201 else errors).append((status, body))
            i += 1

    writers = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    try:
        for w in writers:
            w.start()
        while len(sent) < 20:
            time.sleep(0.05)
        backups = []
        for k in range(3):
            file = tmp_path / f"live-{k}.sqlite"
            moderation("db", "backup", str(file), url=url)
            backups.append(file)
        stop.set()
        for w in writers:
            w.join(60)
    finally:
        stop.set()
        server.close()
    assert not errors, errors[:3]
    for file in backups:
        with sqlite3.connect(file) as con:
            assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert con.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
            n = con.execute("SELECT count(*) FROM comments").fetchone()[0]
            bare = con.execute(
                "SELECT count(*) FROM comments c WHERE NOT EXISTS (SELECT 1 FROM analyses a WHERE a.comment_id = c.id)"
                " OR NOT EXISTS (SELECT 1 FROM decisions d WHERE d.comment_id = c.id)"
            ).fetchone()[0]
        assert 20 <= n <= len(sent) and bare == 0, (file, n, bare)
