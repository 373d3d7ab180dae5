"""``moderation moderators invite|reset|disable|enable|remove|list``: the same rules as the
admin's pages, each change in the audit trail as done from the command line."""

from datetime import timedelta

from click.testing import CliRunner
from helpers.review import PASSWORD, add_moderator, db_of

from moderation.cli.main import main
from moderation.storage import account_events, account_links, accounts, sessions


def cli(database_url, *args, input=None):
    return CliRunner().invoke(main, list(args), input=input, env={"DATABASE_URL": database_url}, catch_exceptions=False)


def test_invite_prints_a_link_that_opens_the_account(app, database_url, site):
    r = cli(
        database_url,
        "moderators",
        "invite",
        "Nieuw@example.org",
        "--site",
        "alpha",
        "--base-url",
        "https://mod.example.nl/",
    )
    assert r.exit_code == 0, r.output
    link = r.output.strip().splitlines()[-1]
    assert link.startswith("https://mod.example.nl/wachtwoord/")
    token = link.rsplit("/", 1)[1]
    account = account_links.redeem(db_of(app), token, "drie losse woorden hier")
    assert account["email"] == "nieuw@example.org" and account["site_ids"] == [site["id"]]
    refused = cli(database_url, "moderators", "invite", "x@example.org", "--site", "nergens")
    assert refused.exit_code != 0 and "no site named 'nergens'" in refused.output


def test_disable_enable_list_and_remove(app, database_url):
    add_moderator(app, "baas@example.org", role="admin")
    mod = add_moderator(app)
    token = sessions.start(db_of(app), mod["id"], timedelta(hours=1))
    r = cli(database_url, "moderators", "disable", "MOD@example.org")
    assert r.exit_code == 0 and "mod@example.org disabled" in r.output
    assert sessions.moderator_of(db_of(app), token) is None
    listed = cli(database_url, "moderators", "list").output
    assert "mod@example.org\tmoderator\tall sites\tdisabled\tnever signed in" in listed
    assert accounts.authenticate(db_of(app), "mod@example.org", PASSWORD) is None
    assert cli(database_url, "moderators", "enable", "mod@example.org").exit_code == 0
    assert accounts.authenticate(db_of(app), "mod@example.org", PASSWORD) is not None
    reset = cli(database_url, "moderators", "reset", "mod@example.org")
    assert reset.exit_code == 0 and "/wachtwoord/" in reset.output
    unconfirmed = cli(database_url, "moderators", "remove", "mod@example.org", input="n\n")
    assert unconfirmed.exit_code != 0 and accounts.get(db_of(app), mod["id"]) is not None
    assert cli(database_url, "moderators", "remove", "mod@example.org", "--yes").exit_code == 0
    assert accounts.get(db_of(app), mod["id"]) is None
    missing = cli(database_url, "moderators", "disable", "mod@example.org")
    assert missing.exit_code != 0 and "no moderator mod@example.org" in missing.output
    rows = [(e["action"], e["actor"]) for e in account_events.entries(db_of(app)) if e["email"] == "mod@example.org"]
    assert [a for a, _ in reversed(rows)] == ["create", "disable", "enable", "reset", "remove"]
    assert {actor for _, actor in rows} == {"command line"}


def test_the_last_admin_cannot_be_disabled_or_removed(app, database_url):
    add_moderator(app, "baas@example.org", role="admin")
    for command in (["disable"], ["remove", "--yes"]):
        r = cli(database_url, "moderators", *command, "baas@example.org")
        assert r.exit_code != 0 and "no enabled admin left" in r.output
    assert accounts.authenticate(db_of(app), "baas@example.org", PASSWORD) is not None
