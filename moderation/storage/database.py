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
    def __init__(self, url: str, pgbouncer: bool = False):
        """``pgbouncer``: the URL is a PgBouncer in transaction pooling mode, where a
        server-side prepared statement would outlive the transaction that made it."""
        self.url = normalise_url(url)
        if self.url.startswith("sqlite:///"):
            Path(self.url[len("sqlite:///") :]).parent.mkdir(parents=True, exist_ok=True)
            self.engine = create_engine(self.url, connect_args={"timeout": 30})
            event.listen(self.engine, "connect", _sqlite_pragmas)
        else:
            connect_args = {"prepare_threshold": None} if pgbouncer else {}
            self.engine = create_engine(
                self.url, pool_pre_ping=True, pool_size=5, max_overflow=10, connect_args=connect_args
            )
        self.Session = sessionmaker(self.engine, expire_on_commit=False)
        self._facts = {}  # what this database can do, learnt once (e.g. whether trigram indexes exist)

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


def alembic_config(url: str):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def _sqlite_pragmas(dbapi_connection, _record):
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()
