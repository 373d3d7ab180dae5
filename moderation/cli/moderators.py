"""``moderation moderators ...``: moderator accounts."""

import sys
from contextlib import contextmanager

import click

from moderation import vocabulary as vocab
from moderation.cli import context


@contextmanager
def _database():
    """The configured database alone (no models to load), closed when the command ends."""
    yield context.database()


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@click.group()
def moderators():
    """Moderator accounts for the queue pages."""


@moderators.command("add")
@click.argument("email")
@click.option("--role", type=click.Choice(vocab.ROLES), default=vocab.MODERATOR, show_default=True)
@click.option("--password-stdin", is_flag=True, help="read the password from the first line of stdin")
@click.option(
    "--site",
    "sites",
    multiple=True,
    metavar="NAME",
    help="limit the moderator to this site (repeat for more); default: every site",
)
def moderators_add(email, role, password_stdin, sites):
    """Create a moderator who can log in at /login."""
    from moderation.storage import accounts

    password = _password(password_stdin)
    with context.refused(accounts.AccountError):
        with _database() as db:
            moderator = accounts.create(db, email, password, role=role, site_names=list(sites) or None)
    where = f"sites {', '.join(sites)}" if sites else "every site"
    click.echo(f"moderator {moderator['email']} created ({moderator['role']}, {where})")


@moderators.command("list")
def moderators_list():
    """The moderators, their roles and sites."""
    from moderation.storage import accounts

    with _database() as db:
        found = accounts.list_all(db)
    for m in found:
        sites = "all sites" if m["site_ids"] is None else "site ids " + ",".join(map(str, m["site_ids"]))
        click.echo(f"{m['email']}\t{m['role']}\t{sites}")


@moderators.command("set-password")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="read the password from the first line of stdin")
def moderators_set_password(email, password_stdin):
    """Give a moderator a new password; ends their open sessions."""
    from moderation.storage import accounts

    password = _password(password_stdin)
    with context.refused(accounts.AccountError):
        with _database() as db:
            accounts.set_password(db, email, password)
    click.echo(f"password of {accounts.normalise_email(email)} changed")


@moderators.command("sign-out")
@click.argument("email")
def moderators_sign_out(email):
    """End every session of a moderator, on every device (e.g. a lost laptop)."""
    from moderation.storage import accounts, sessions

    with _database() as db:
        found = [m for m in accounts.list_all(db) if m["email"] == accounts.normalise_email(email)]
        if not found:
            raise click.ClickException(f"no moderator {email}")
        ended = sessions.end_all(db, found[0]["id"])
    click.echo(f"{ended} session{'s' if ended != 1 else ''} of {found[0]['email']} ended")


COMMANDS = (moderators,)
