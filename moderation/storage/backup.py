"""``moderation db backup`` and ``db restore``: a consistent copy of the whole database.

- SQLite: the online backup API (``sqlite3.Connection.backup``) copies a snapshot
  while the server and the worker keep writing (WAL mode: readers never block
  writers); the copy is a single self-contained file (journal mode DELETE).
- PostgreSQL: ``pg_dump --format=custom`` (one transaction, so one snapshot) and
  ``pg_restore``; the client tools must be installed (and not older than the server).

A backup is written to a temporary file beside the target, readable by its owner
only (it holds comments and authors' data), and renamed into place when complete,
so a file with the backup's name is always a whole backup.  A restore refuses a
database that already holds tables unless ``replace`` is given.
"""

import os
import shutil
import sqlite3
import subprocess
from contextlib import closing, contextmanager
from pathlib import Path

from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import make_url

from moderation.storage.database import normalise_url

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_CUSTOM_MAGIC = b"PGDMP"
PG_TOOLS_HINT = (
    "install PostgreSQL's client tools, of the server's major version or newer "
    "(Debian/Ubuntu: apt-get install postgresql-client)"
)


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why and what to do."""


def backup(url: str, target: str | os.PathLike) -> Path:
    """Write a consistent backup of the database at ``url`` to ``target``; returns its path."""
    url = normalise_url(url)
    target = Path(target)
    if target.is_dir():
        raise BackupError(f"{target} is a directory: give the backup file's name")
    with _partial(target) as partial:
        if _is_sqlite(url):
            _sqlite_backup(_sqlite_path(url), partial)
        else:
            _pg_dump(url, partial)
    return target


def restore(url: str, source: str | os.PathLike, replace: bool = False) -> None:
    """Load the backup ``source`` into the database at ``url`` (empty, or ``replace``)."""
    url = normalise_url(url)
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"no backup file {source}")
    kind = _kind(source)
    if _is_sqlite(url):
        if kind != "sqlite":
            raise BackupError(f"{source} is not a SQLite backup, and the database is SQLite")
        _refuse_non_empty(url, replace)
        _sqlite_restore(source, _sqlite_path(url))
    else:
        if kind != "pg":
            raise BackupError(f"{source} is not a PostgreSQL backup (pg_dump --format=custom), and the database is")
        tool = _tool("pg_restore")
        _refuse_non_empty(url, replace)
        _pg_restore(tool, url, source, replace)


def describe(url: str) -> str:
    """The database's address without its password, for messages."""
    return make_url(normalise_url(url)).render_as_string(hide_password=True)


# --- SQLite ---------------------------------------------------------------------------------


def _is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite database has nothing to back up")
    return Path(database)


def _sqlite_backup(source: Path, partial: Path) -> None:
    if not source.is_file():
        raise BackupError(f"no SQLite database at {source}")
    with closing(sqlite3.connect(f"file:{source}?mode=rw", uri=True, timeout=30)) as src:
        with closing(sqlite3.connect(partial)) as dst:
            src.backup(dst)  # one step: a single snapshot, while writers go on (WAL)
            dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            _check_sqlite(dst, partial)


def _sqlite_restore(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as src:
        _check_sqlite(src, source)
        with closing(sqlite3.connect(target, timeout=30)) as dst:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=WAL")  # as the service runs it (storage.database)


def _check_sqlite(connection, path) -> None:
    found = connection.execute("PRAGMA quick_check").fetchone()[0]
    if found != "ok":
        raise BackupError(f"{path} is damaged: {found}")


# --- PostgreSQL -----------------------------------------------------------------------------


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed or not on PATH: {PG_TOOLS_HINT}")
    return found


def _libpq(url: str) -> tuple[str, dict]:
    """The libpq URI (no driver, no password) and the environment that carries the password."""
    parsed = make_url(url)
    env = dict(os.environ)
    if parsed.password is not None:
        env["PGPASSWORD"] = str(parsed.password)
    uri = parsed.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    return uri, env


def _run(command: list[str], env: dict, what: str) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise BackupError(f"{what} failed: " + (" / ".join(detail[-5:]) or f"exit status {done.returncode}"))


def _pg_dump(url: str, partial: Path) -> None:
    tool = _tool("pg_dump")
    uri, env = _libpq(url)
    # --no-owner/--no-privileges: the dump restores as whichever role restores it
    _run([tool, "--format=custom", "--no-owner", "--no-privileges", f"--file={partial}", uri], env, "pg_dump")


def _pg_restore(tool: str, url: str, source: Path, replace: bool) -> None:
    uri, env = _libpq(url)
    clean = ["--clean", "--if-exists"] if replace else []
    command = [tool, "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error", *clean]
    _run([*command, f"--dbname={uri}", str(source)], env, "pg_restore")


# --- both -----------------------------------------------------------------------------------


def _kind(path: Path) -> str | None:
    with open(path, "rb") as f:
        head = f.read(len(SQLITE_MAGIC))
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_CUSTOM_MAGIC):
        return "pg"
    return None


def _refuse_non_empty(url: str, replace: bool) -> None:
    if replace or (_is_sqlite(url) and not _sqlite_path(url).exists()):
        return
    engine = create_engine(url)
    try:
        tables = inspect(engine).get_table_names()
    except Exception as exc:  # any connection fault is reported the same way
        raise BackupError(f"cannot open the database {describe(url)}: {exc.__class__.__name__}: {exc}") from None
    finally:
        engine.dispose()
    if tables:
        raise BackupError(
            f"the database {describe(url)} is not empty ({len(tables)} tables): restore into a new database, "
            "or stop the server and the worker and pass --replace to overwrite it"
        )


@contextmanager
def _partial(target: Path):
    """A fresh owner-only file beside ``target``, renamed to it when the block succeeds."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
    partial.unlink(missing_ok=True)
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    try:
        yield partial
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
