"""Moderator accounts managed by admins (storage.account_admin, account_links, account_events):
one-time links that expire and work once, disabled accounts and their sessions, the rule that
an admin is always left, what a site-limited admin may do, and an audit row for each change."""

from datetime import UTC, datetime, timedelta

import pytest
from helpers.review import PASSWORD, add_moderator, db_of
from sqlalchemy import select

from moderation.storage import account_admin, account_events, account_links, accounts, sessions
from moderation.storage.tables import AccountLink, Moderator

NEW_PASSWORD = "drie losse woorden hier"


@pytest.fixture
def db(app):
    return db_of(app)


@pytest.fixture
def admin(app, db):
    return add_moderator(app, "baas@example.org", role="admin")


def actions(db, email=None):
    rows = account_events.entries(db, limit=100)
    return [(e["action"], e["actor"]) for e in reversed(rows) if email is None or e["email"] == email]


def test_an_invitation_opens_the_account_once_and_is_stored_hashed(db, admin, site):
    made = account_admin.invite(db, admin, "Nieuw@Example.org", "moderator", [site["id"]])
    invitee = made["moderator"]
    assert invitee["email"] == "nieuw@example.org" and invitee["site_ids"] == [site["id"]]
    with db.session() as s:
        link = s.scalar(select(AccountLink))
        assert made["token"] not in link.token_hash and len(link.token_hash) == 64
        assert link.created_by == "baas@example.org" and link.purpose == "invite"
    # the account exists but nobody can sign in to it before the link is used
    assert accounts.authenticate(db, "nieuw@example.org", "") is None
    assert account_links.peek(db, made["token"])["email"] == "nieuw@example.org"
    with pytest.raises(accounts.AccountError, match="12 characters"):
        account_links.redeem(db, made["token"], "kort")
    opened = account_links.redeem(db, made["token"], NEW_PASSWORD)  # a refused password left the link usable
    assert opened["id"] == invitee["id"]
    assert accounts.authenticate(db, "nieuw@example.org", NEW_PASSWORD)["id"] == invitee["id"]
    with pytest.raises(account_links.LinkError) as again:
        account_links.redeem(db, made["token"], "nog een ander wachtwoord")
    assert again.value.reason == "used"
    assert accounts.authenticate(db, "nieuw@example.org", NEW_PASSWORD) is not None
    assert actions(db, "nieuw@example.org") == [("invite", "baas@example.org"), ("accept", "nieuw@example.org")]


def test_a_link_expires_after_72_hours(db, admin):
    issued = datetime.now(UTC) - timedelta(hours=71, minutes=59)
    fresh = account_admin.invite(db, admin, "a@example.org", now=issued)
    stale = account_admin.invite(db, admin, "b@example.org", now=issued - timedelta(minutes=2))
    with pytest.raises(account_links.LinkError) as expired:
        account_links.redeem(db, stale["token"], NEW_PASSWORD)
    assert expired.value.reason == "expired"
    assert accounts.authenticate(db, "b@example.org", NEW_PASSWORD) is None
    assert account_links.redeem(db, fresh["token"], NEW_PASSWORD)["email"] == "a@example.org"
    with pytest.raises(account_links.LinkError) as unknown:
        account_links.peek(db, fresh["token"][:-1] + "x")
    assert unknown.value.reason == "unknown"


def test_a_reset_link_voids_the_older_one_and_ends_every_session(db, admin):
    mod = add_moderator_row(db)
    token = sessions.start(db, mod["id"], timedelta(hours=1))
    first = account_admin.reset(db, admin, mod["id"])
    second = account_admin.reset(db, admin, mod["id"])
    assert accounts.authenticate(db, mod["email"], PASSWORD) is not None  # the old password works until then
    with pytest.raises(account_links.LinkError):
        account_links.redeem(db, first["token"], NEW_PASSWORD)
    account_links.redeem(db, second["token"], NEW_PASSWORD)
    assert sessions.moderator_of(db, token) is None
    assert accounts.authenticate(db, mod["email"], PASSWORD) is None
    assert actions(db, mod["email"])[-3:] == [
        ("reset", "baas@example.org"),
        ("reset", "baas@example.org"),
        ("password", mod["email"]),
    ]


def add_moderator_row(db, email="mod@example.org", role="moderator", site_ids=None):
    return accounts.create(db, email, PASSWORD, role=role, site_names=site_ids)


def test_disabling_ends_the_sessions_at_once_and_refuses_sign_in(db, admin):
    mod = add_moderator_row(db)
    token = sessions.start(db, mod["id"], timedelta(hours=1))
    assert sessions.moderator_of(db, token) == mod["id"]
    done = account_admin.disable(db, admin, mod["id"])
    assert done["disabled"] and sessions.moderator_of(db, token) is None
    assert accounts.authenticate(db, mod["email"], PASSWORD) is None
    with pytest.raises(account_links.LinkError):
        account_admin.reset(db, admin, mod["id"])
    assert account_admin.enable(db, admin, mod["id"])["disabled"] is False
    assert accounts.authenticate(db, mod["email"], PASSWORD) is not None
    rows = [e for e in account_events.entries(db) if e["email"] == mod["email"]]
    disable = next(e for e in rows if e["action"] == "disable")
    assert disable["before"]["disabled"] is False and disable["after"]["disabled"] is True
    assert [e["action"] for e in rows][:2] == ["enable", "disable"]


def test_a_link_of_a_disabled_account_does_not_work(db, admin):
    made = account_admin.invite(db, admin, "weg@example.org")
    account_admin.disable(db, admin, made["moderator"]["id"])
    with pytest.raises(account_links.LinkError) as refused:
        account_links.redeem(db, made["token"], NEW_PASSWORD)
    assert refused.value.reason == "disabled"


def test_the_last_enabled_admin_stays(db, admin):
    for change in (
        lambda: account_admin.disable(db, admin, admin["id"]),
        lambda: account_admin.remove(db, admin, admin["id"]),
        lambda: account_admin.set_access(db, admin, admin["id"], "moderator", None),
    ):
        with pytest.raises(account_admin.Refused) as refused:
            change()
        assert refused.value.code == "last_admin"
    other = add_moderator_row(db, "tweede@example.org", role="admin")
    account_admin.disable(db, admin, other["id"])  # a disabled admin is no admin left
    with pytest.raises(account_admin.Refused):
        account_admin.disable(db, admin, admin["id"])
    account_admin.enable(db, admin, other["id"])
    account_admin.set_access(db, admin, admin["id"], "moderator", None)  # now there is another
    assert accounts.get(db, admin["id"])["role"] == "moderator"
    with pytest.raises(account_admin.Refused):
        account_admin.remove(db, other, other["id"])


def test_a_site_limited_admin_manages_only_their_sites(app, db, site, other_site):
    limited = add_moderator(app, "lokaal@example.org", role="admin", sites=["alpha"])
    everywhere = add_moderator_row(db, "overal@example.org")
    elsewhere = add_moderator_row(db, "beta@example.org", site_ids=["beta"])
    mine = add_moderator_row(db, "alpha@example.org", site_ids=["alpha"])
    assert {m["email"] for m in account_admin.manageable(db, limited)} == {"lokaal@example.org", "alpha@example.org"}
    for target in (everywhere, elsewhere):
        with pytest.raises(account_admin.Refused) as refused:
            account_admin.disable(db, limited, target["id"])
        assert refused.value.code == "not_yours"
    for sites in (None, [other_site["id"]], [site["id"], other_site["id"]]):
        with pytest.raises(account_admin.Refused) as refused:
            account_admin.invite(db, limited, "x@example.org", "moderator", sites)
        assert refused.value.code == "sites"
        with pytest.raises(account_admin.Refused):
            account_admin.set_access(db, limited, mine["id"], "moderator", sites)
    with pytest.raises(account_admin.Refused) as empty:
        account_admin.invite(db, limited, "x@example.org", "moderator", [])
    assert empty.value.code == "no_sites"
    made = account_admin.invite(db, limited, "x@example.org", "admin", [site["id"]])
    assert made["moderator"]["site_ids"] == [site["id"]] and made["moderator"]["role"] == "admin"
    assert accounts.get(db, everywhere["id"])["disabled"] is False


def test_access_changes_and_removal_are_audited_and_keep_the_history(db, admin, site):
    mod = add_moderator_row(db)
    token = sessions.start(db, mod["id"], timedelta(hours=1))
    account_admin.set_access(db, admin, mod["id"], "admin", [site["id"]])
    account_admin.set_access(db, admin, mod["id"], "admin", [site["id"]])  # nothing changed: no row
    gone = account_admin.remove(db, admin, mod["id"])
    assert gone["email"] == mod["email"] and accounts.get(db, mod["id"]) is None
    assert sessions.moderator_of(db, token) is None
    rows = [e for e in account_events.entries(db) if e["email"] == mod["email"]]
    assert [e["action"] for e in rows] == ["remove", "access", "create"]
    access = rows[1]
    assert access["before"] == {"role": "moderator", "site_ids": None, "disabled": False}
    assert access["after"] == {"role": "admin", "site_ids": [site["id"]], "disabled": False}
    assert rows[2]["actor"] == "command line"
    with pytest.raises(account_admin.Refused) as taken:
        account_admin.invite(db, admin, "baas@example.org")
    assert taken.value.code == "exists"
    with pytest.raises(account_admin.Refused) as bad:
        account_admin.invite(db, admin, "geen adres")
    assert bad.value.code == "address"
    with db.session() as s:
        assert s.scalar(select(Moderator).where(Moderator.email == mod["email"])) is None
