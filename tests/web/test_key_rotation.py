"""``moderation sites rotate-key NAME --grace-hours N``: the old API key keeps working for N
hours beside the new one, then gets 401; on the real server, whose workers cache sites by key."""

import json
import os
import subprocess
import time
from datetime import datetime, timedelta

import pytest
from helpers.api import auth
from helpers.server import MODERATION, Server

from moderation.storage import comments as records
from moderation.storage.database import Database
from moderation.storage.tables import Site, utcnow


@pytest.fixture
def served(tmp_path):
    url = f"sqlite:///{tmp_path / 'keys.sqlite'}"
    server = Server(url, tmp_path, workers=2)
    db = Database(url)
    try:
        yield server, db, records.create_site(db, "alpha")
    finally:
        db.dispose()
        server.close()


def rotate(server, *args):
    out = subprocess.run(
        [MODERATION, "sites", "rotate-key", "alpha", *args, "--json"],
        env=server.env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def statuses(server, key, n=6):
    """One status per request; several requests, so both server workers (and caches) answer."""
    return {server.request("GET", "/api/v1/decisions", key=key)[0] for _ in range(n)}


def test_the_old_key_works_during_the_grace_and_gets_401_after_it(served):
    server, db, site = served
    old = site["api_key"]
    assert statuses(server, old) == {200}  # cached in the workers as the current key
    rotated = rotate(server, "--grace-hours", "0.002")  # 7.2 seconds
    new = rotated["api_key"]
    until = datetime.fromisoformat(rotated["previous_key_valid_until"].replace("Z", "+00:00"))
    assert timedelta(seconds=6) < until - utcnow() <= timedelta(seconds=7.2)
    assert statuses(server, old) == {200} and statuses(server, new) == {200}
    with db.session() as s:  # stored hashed, like the current key
        row = s.query(Site).filter_by(name="alpha").one()
        assert row.api_key_hash_previous == records.hash_key(old) and old not in str(vars(row))
    time.sleep(max(0.0, (until - utcnow()).total_seconds()) + 0.2)
    assert statuses(server, old) == {401}
    assert statuses(server, new) == {200}


def test_without_a_grace_the_old_key_stops_and_a_second_rotation_ends_the_grace(served):
    server, db, site = served
    first = rotate(server, "--grace-hours", "24")
    assert first["previous_key_valid_until"]
    second = rotate(server)  # the default: no grace; the key that was in its grace stops too
    assert second["previous_key_valid_until"] is None
    time.sleep(2.2)  # the other workers' cache (SITE_CACHE_SECONDS)
    assert statuses(server, site["api_key"]) == {401}
    assert statuses(server, first["api_key"]) == {401}
    assert statuses(server, second["api_key"]) == {200}


def test_a_negative_or_huge_grace_is_refused(served):
    server, db, site = served
    for hours in ("-1", "100000"):
        out = subprocess.run(
            [MODERATION, "sites", "rotate-key", "alpha", "--grace-hours", hours],
            env=server.env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert out.returncode == 1 and "grace period" in out.stderr
    assert records.site_by_key(db, site["api_key"])["name"] == "alpha"


def test_an_old_key_is_cached_no_longer_than_its_grace(app):
    """The site cache (storage.intake.KeyCache) keeps a site found by an old key only until the
    grace ends, even when its TTL is longer."""
    here = app.extensions["moderation"].db
    worker = Database(here.url, site_cache_seconds=3600)
    try:
        site = records.create_site(here, "alpha")
        records.rotate_key(here, "alpha", grace_hours=1.5 / 3600)  # 1.5 seconds
        assert records.cached_site_by_key(worker, site["api_key"])["id"] == site["id"]
        assert app.test_client().get("/api/v1/decisions", headers=auth(site)).status_code == 200
        time.sleep(1.7)
        assert records.cached_site_by_key(worker, site["api_key"]) is None
        assert app.test_client().get("/api/v1/decisions", headers=auth(site)).status_code == 401
    finally:
        worker.dispose()


def test_the_cli_prints_when_the_old_key_stops(tmp_path):
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{tmp_path / 'cli.sqlite'}")
    subprocess.run([MODERATION, "db", "upgrade"], env=env, check=True, capture_output=True, timeout=120)
    subprocess.run([MODERATION, "sites", "add", "alpha"], env=env, check=True, capture_output=True, timeout=60)
    out = subprocess.run(
        [MODERATION, "sites", "rotate-key", "alpha", "--grace-hours", "2"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0 and "new API key for 'alpha': mk_" in out.stdout
    assert "the old key also works until 20" in out.stdout
