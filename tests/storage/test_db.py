"""The database layer: the embedded default, WAL mode, migrations on both engines."""

import sqlalchemy

from moderation.app import create_app
from moderation.storage.database import Database, normalise_url


def test_default_database_is_a_sqlite_file_under_instance(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    app = create_app()
    assert app.config["DATABASE_URL"] == f"sqlite:///{tmp_path / 'instance' / 'moderation.sqlite'}"
    app.extensions["moderation"].close()


def test_sqlite_runs_in_wal_mode(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'w.sqlite'}")
    with db.engine.connect() as conn:
        assert conn.execute(sqlalchemy.text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(sqlalchemy.text("PRAGMA foreign_keys")).scalar() == 1
    db.dispose()


def test_upgrade_creates_every_table_and_is_repeatable(empty_database_url):
    db = Database(empty_database_url)
    db.upgrade()
    db.upgrade()
    names = set(sqlalchemy.inspect(db.engine).get_table_names())
    assert {
        "sites",
        "articles",
        "comments",
        "analyses",
        "decisions",
        "corrections",
        "moderators",
        "outbox",
        "deliveries",
        "alembic_version",
    } <= names
    db.dispose()


def test_postgres_urls_mean_psycopg3():
    assert normalise_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_url("sqlite:///x") == "sqlite:///x"
