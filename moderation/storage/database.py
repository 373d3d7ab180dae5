"""The database engine and sessions for one app, and schema migrations."""

from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.orm import sessionmaker

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def normalise_url(url: str) -> str:
    """``postgresql://`` and ``postgres://`` mean psycopg 3 here."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class Database:
    """``site_cache_seconds``: how long a process trusts the site it found for an API key
    (storage.intake.KeyCache).  ``prepare_threshold``: PostgreSQL (psycopg 3) prepares a
    statement server-side once a connection has run it this many times (psycopg's default,
    5, made explicit; None turns it off, e.g. behind a pgbouncer that cannot keep them).
    ``connect_timeout``: seconds to open a connection; ``pool_timeout``: to wait for a
    free one from the pool; ``statement_timeout``: for one statement on PostgreSQL (the
    server cancels it) and for a lock on SQLite.  A fault then surfaces as an error
    (answered 503 by the web app), not as a request hanging for as long as it lasts."""

    def __init__(
        self,
        url: str,
        site_cache_seconds: float = 2.0,
        prepare_threshold: int | None = 5,
        connect_timeout=3.0,
        pool_timeout=5.0,
        statement_timeout=15.0,
    ):
        from moderation.storage.intake import KeyCache

        self.url = normalise_url(url)
        self.key_cache = KeyCache(site_cache_seconds)
        if self.url.startswith("sqlite:///"):
            Path(self.url[len("sqlite:///") :]).parent.mkdir(parents=True, exist_ok=True)
            self.engine = create_engine(self.url, connect_args={"timeout": max(statement_timeout, 1)})
            event.listen(self.engine, "connect", _sqlite_pragmas(statement_timeout))
        else:
            # synchronous_commit stays on (the server's default): an acknowledged comment survives a crash
            self.engine = create_engine(
                self.url,
                pool_pre_ping=True,
                pool_size=5,
                max_overflow=10,
                pool_timeout=pool_timeout,
                connect_args={
                    "prepare_threshold": prepare_threshold,
                    "connect_timeout": max(1, round(connect_timeout)),
                },
            )
            event.listen(self.engine, "connect", _statement_timeout(statement_timeout))
        self.Session = sessionmaker(self.engine, expire_on_commit=False)
        self._facts = {}  # what this database can do, learnt once (e.g. whether trigram indexes exist)

    def forget_sites(self):
        """Drop this process's cached sites (after a key rotation or a site edit)."""
        self.key_cache.forget_sites()

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def session(self):
        """A session whose work is committed on success and rolled back on error."""
        with self.Session() as session:
            with session.begin():
                yield session

    def remember(self, name, probe):
        """``probe()``'s answer, asked once per Database: facts about the schema that only a migration changes."""
        if name not in self._facts:
            self._facts[name] = probe()
        return self._facts[name]

    def upgrade(self):
        """Bring the schema to the newest migration."""
        from alembic import command

        command.upgrade(alembic_config(self.url), "head")
        self._facts.clear()

    def dispose(self):
        self.engine.dispose()

    def after_fork(self):
        """In a forked child: forget the parent's pooled connections without closing them
        (they are the parent's), so this process opens its own."""
        self.engine.dispose(close=False)


def alembic_config(url: str):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def _sqlite_pragmas(busy_seconds):
    """SQLite set up for a server: WAL (readers never block the writer and the writer never
    blocks readers; several gunicorn workers share the file), ``synchronous=NORMAL`` (in WAL
    mode a commit is durable against a crash of the process; on a power loss or OS crash the
    last transactions before it may be lost, the database stays consistent — FULL would fsync
    on every commit, a few ms each, for that last guarantee; use PostgreSQL where it matters),
    foreign keys enforced, and a busy timeout for the one-writer-at-a-time lock."""

    def on_connect(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(max(busy_seconds, 1) * 1000)}")
        cursor.close()

    return on_connect


def _statement_timeout(seconds):
    def on_connect(dbapi_connection, _record):
        with dbapi_connection.cursor() as cursor:
            cursor.execute(f"SET statement_timeout = {int(seconds * 1000)}")
        dbapi_connection.commit()

    return on_connect
