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
    """The moderators: role, sites, state and last sign-in (tab-separated)."""
    from moderation.storage import accounts

    with _database() as db:
        found = accounts.list_all(db)
    for m in found:
        sites = "all sites" if m["site_ids"] is None else "site ids " + ",".join(map(str, m["site_ids"]))
        state = "disabled" if m["disabled"] else "enabled"
        last = m["last_login_at"].isoformat(timespec="seconds") if m["last_login_at"] else "never signed in"
        click.echo(f"{m['email']}\t{m['role']}\t{sites}\t{state}\t{last}")


def _change(email, change):
    """Run ``change(db, actor, moderator_id)`` of storage.account_admin on the account of ``email``."""
    from moderation.storage import account_admin, accounts

    with context.refused(accounts.AccountError):
        with _database() as db:
            found = accounts.by_email(db, email)
            if found is None:
                raise click.ClickException(f"no moderator {accounts.normalise_email(email)}")
            return change(db, account_admin.COMMAND_LINE, found["id"])


def _link(base_url, made) -> str:
    return f"{base_url.rstrip('/')}/wachtwoord/{made['token']}"


BASE_URL = click.option(
    "--base-url",
    default="http://127.0.0.1:8000",
    show_default=True,
    help="where the moderator pages are served, for the printed link",
)


@moderators.command("invite")
@click.argument("email")
@click.option("--role", type=click.Choice(vocab.ROLES), default=vocab.MODERATOR, show_default=True)
@click.option("--site", "sites", multiple=True, metavar="NAME", help="limit to this site (repeat); default: every site")
@BASE_URL
def moderators_invite(email, role, sites, base_url):
    """Invite a moderator: prints a one-time link (72 hours) to choose a password."""
    from moderation.storage import account_admin, accounts

    with context.refused(accounts.AccountError):
        with _database() as db:
            site_ids = accounts.site_ids_of(db, list(sites)) if sites else None
            made = account_admin.invite(db, account_admin.COMMAND_LINE, email, role, site_ids)
    click.echo(
        f"invited {made['moderator']['email']}; send them this link (one use, until {made['expires_at']:%Y-%m-%d %H:%M} UTC):"
    )
    click.echo(_link(base_url, made))


@moderators.command("reset")
@click.argument("email")
@BASE_URL
def moderators_reset(email, base_url):
    """A one-time link (72 hours) for a moderator to choose a new password."""
    from moderation.storage import account_admin

    made = _change(email, account_admin.reset)
    click.echo(f"send {made['moderator']['email']} this link (one use, until {made['expires_at']:%Y-%m-%d %H:%M} UTC):")
    click.echo(_link(base_url, made))


@moderators.command("disable")
@click.argument("email")
def moderators_disable(email):
    """The moderator can no longer sign in; their open sessions end now."""
    from moderation.storage import account_admin

    done = _change(email, account_admin.disable)
    click.echo(f"{done['email']} disabled")


@moderators.command("enable")
@click.argument("email")
def moderators_enable(email):
    """Let a disabled moderator sign in again."""
    from moderation.storage import account_admin

    done = _change(email, account_admin.enable)
    click.echo(f"{done['email']} enabled")


@moderators.command("remove")
@click.argument("email")
@click.confirmation_option(prompt="Remove this moderator account?")
def moderators_remove(email):
    """Delete a moderator's account (their decisions and the audit log keep the address)."""
    from moderation.storage import account_admin

    done = _change(email, account_admin.remove)
    click.echo(f"{done['email']} removed")


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
