"""Moderator passwords: at least 12 characters and not a common one."""

import pytest

from moderation.storage import accounts


@pytest.mark.parametrize(
    "password",
    ["password1234", "Password123!", "qwertyuiop123", "wachtwoord2026", "aaaaaaaaaaaaaa", "1234567890123"],
)
def test_weak_passwords_are_refused(app, password):
    db = app.extensions["moderation"].db
    if len(password) >= 12:
        with pytest.raises(accounts.AccountError, match="common"):
            accounts.create(db, "w@example.org", password)
    else:
        with pytest.raises(accounts.AccountError, match="12"):
            accounts.create(db, "w@example.org", password)


def test_short_and_personal_passwords_are_refused(app):
    db = app.extensions["moderation"].db
    with pytest.raises(accounts.AccountError, match="12"):
        accounts.create(db, "w@example.org", "elf-tekens1")
    with pytest.raises(accounts.AccountError, match="e-mail"):
        accounts.create(db, "joke.jansen@example.org", "joke.jansen-is-de-beste")


def test_a_long_uncommon_password_is_accepted_and_set_password_checks_too(app):
    db = app.extensions["moderation"].db
    accounts.create(db, "w@example.org", "fiets-regen-koffie-tram")
    with pytest.raises(accounts.AccountError):
        accounts.set_password(db, "w@example.org", "iloveyou12345")
    accounts.set_password(db, "w@example.org", "molen-tulp-kaas-gracht")
