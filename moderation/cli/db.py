"""``moderation db upgrade``: the database schema."""

import click

from moderation.cli import context


@click.group()
def db():
    """The database schema."""


@db.command("upgrade")
def db_upgrade():
    """Create or migrate the database to the newest schema."""
    database = context.database()
    database.upgrade()
    click.echo(f"database at {database.engine.url.render_as_string(hide_password=True)} is up to date")


COMMANDS = (db,)
