"""``moderation db upgrade | backup | restore``: the database schema and its backups."""

import click

from moderation.cli import context


@click.group()
def db():
    """The database schema and its backups."""


@db.command("upgrade")
def db_upgrade():
    """Create or migrate the database to the newest schema."""
    database = context.database()
    database.upgrade()
    click.echo(f"database at {database.engine.url.render_as_string(hide_password=True)} is up to date")


@db.command("backup")
@click.argument("file", type=click.Path(dir_okay=False))
def db_backup(file):
    """Write a consistent backup of the whole database to FILE, also while the server runs.

    SQLite: the online backup API, one self-contained file. PostgreSQL: pg_dump's custom
    format (needs the PostgreSQL client tools). FILE is readable by its owner only."""
    from moderation.storage import backup

    url = context.config()["DATABASE_URL"]
    with context.refused(backup.BackupError):
        written = backup.backup(url, file)
    click.echo(f"backup of {backup.describe(url)} written to {written} ({written.stat().st_size} bytes)")


@db.command("restore")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "--replace", is_flag=True, help="overwrite a database that already holds tables (stop the server and worker first)"
)
def db_restore(file, replace):
    """Load a backup made by 'db backup' into the configured database (a new, empty one
    unless --replace), then run 'moderation db upgrade' if the backup is from an older version."""
    from moderation.storage import backup

    url = context.config()["DATABASE_URL"]
    with context.refused(backup.BackupError):
        backup.restore(url, file, replace=replace)
    click.echo(f"{file} restored into {backup.describe(url)}; next: moderation db upgrade")


COMMANDS = (db,)
