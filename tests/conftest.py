"""Fixtures: a fresh app per test on a fresh database, SQLite or the real PostgreSQL."""

import os
import socket
import uuid

import pytest

from moderation.storage import comments as records

# fixtures shared by the delivery tests (fast_app, pg_app, receiver)
pytest_plugins = ["helpers.delivery"]
from moderation.app import create_app

PG_URL = os.environ.get("MODERATION_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def postgres_available() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def postgres_url():
    """A fresh schema in the PostgreSQL ``test`` database, dropped afterwards.

    Skips when no server listens, except under CI=true, where it fails.
    """
    if not postgres_available():
        if os.environ.get("CI") == "true":
            pytest.fail("PostgreSQL is not running on 127.0.0.1:5432, and CI=true requires it")
        pytest.skip("no PostgreSQL on 127.0.0.1:5432")
    import sqlalchemy

    schema = "t_" + uuid.uuid4().hex[:12]
    engine = sqlalchemy.create_engine(PG_URL)
    with engine.begin() as conn:
        conn.execute(sqlalchemy.text(f'CREATE SCHEMA "{schema}"'))
    yield f"{PG_URL}?options=-csearch_path%3D{schema}"
    with engine.begin() as conn:
        conn.execute(sqlalchemy.text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    """A migrated SQLite file, copied for each test (migrating each time is slow)."""
    from moderation.storage.database import Database

    path = tmp_path_factory.mktemp("template") / "template.sqlite"
    db = Database(f"sqlite:///{path}")
    db.upgrade()
    db.dispose()
    return path


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request, tmp_path):
    """Each storage and API test runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        import shutil

        shutil.copy(request.getfixturevalue("sqlite_template"), tmp_path / "test.sqlite")
        return f"sqlite:///{tmp_path / 'test.sqlite'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture(scope="session")
def shipped_models():
    """The models in models/, loaded and verified once for the whole run."""
    from moderation.config import PROJECT_ROOT
    from moderation.ml.model_store import ModelStore

    store = ModelStore(PROJECT_ROOT / "models", reload_seconds=3600)
    store.poll(force=True)
    assert store.get("stance") and store.get("incivility"), store.errors
    return store


@pytest.fixture
def app_for(shipped_models):
    """``app_for(url, extra_plugins=(), **config)``: a migrated app on ``url``, closed after the test."""
    apps = []

    def factory(url, extra_plugins=(), **config):
        app = create_app(
            {"DATABASE_URL": url, "TESTING": True, "SECRET_KEY": "test-secret", **config},
            extra_plugins=extra_plugins,
            models=shipped_models,
        )
        app.extensions["moderation"].db.upgrade()
        apps.append(app)
        return app

    yield factory
    for app in apps:
        app.extensions["moderation"].close()


@pytest.fixture
def make_app(database_url, app_for):
    """``make_app(extra_plugins=(), **config)``: an app on the parametrised database."""
    return lambda extra_plugins=(), **config: app_for(database_url, extra_plugins, **config)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_database_url(request, tmp_path):
    """A database with no schema at all (database_url's SQLite file is already migrated)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.sqlite'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def site(app):
    return records.create_site(app.extensions["moderation"].db, "alpha")


@pytest.fixture
def other_site(app):
    return records.create_site(app.extensions["moderation"].db, "beta")
