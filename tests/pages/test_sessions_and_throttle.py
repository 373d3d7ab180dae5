"""Server-side sessions (logout, sign out everywhere, absolute lifetime) and the
login throttle that slows guessing without locking the owner out (issue 10, 11-12)."""

import threading
from datetime import UTC, datetime, timedelta

from click.testing import CliRunner
from helpers.review import PASSWORD, add_moderator, csrf_from, db_of, login
from sqlalchemy import update

from moderation.cli.main import main
from moderation.storage import login_throttle
from moderation.storage.tables import ModeratorSession


def _cookie(client):
    return client.get_cookie("moderation_session").value


def _with_cookie(app, value):
    other = app.test_client()
    other.set_cookie("moderation_session", value)
    return other


def _attempt(client, email, password, address):
    token = csrf_from(client.get("/login", environ_base={"REMOTE_ADDR": address}).get_data(as_text=True))
    return client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": token},
        environ_base={"REMOTE_ADDR": address},
    )


def test_a_saved_cookie_stops_working_after_logout(app, client):
    add_moderator(app)
    token = login(client)
    saved = _cookie(client)
    assert _with_cookie(app, saved).get("/queue").status_code == 200
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert _with_cookie(app, saved).get("/queue").status_code == 302


def test_sign_out_everywhere_ends_every_device(app, database_url, monkeypatch):
    add_moderator(app)
    laptop, phone, tablet = app.test_client(), app.test_client(), app.test_client()
    token = login(laptop)
    login(phone)
    login(tablet)
    assert laptop.post("/logout/everywhere", data={"csrf_token": token}).status_code == 302
    assert phone.get("/queue").status_code == 302 and laptop.get("/queue").status_code == 302
    assert tablet.get("/queue").status_code == 302
    login(phone)  # and an admin can do it from the command line
    monkeypatch.setenv("DATABASE_URL", database_url)
    result = CliRunner().invoke(main, ["moderators", "sign-out", "mod@example.org"])
    assert result.exit_code == 0 and "1 session" in result.output
    assert phone.get("/queue").status_code == 302


def test_a_session_has_an_absolute_end(app, client):
    add_moderator(app)
    login(client)
    assert client.get("/queue").status_code == 200
    with db_of(app).session() as s:
        s.execute(update(ModeratorSession).values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
    assert client.get("/queue").status_code == 302


def test_a_stranger_cannot_lock_the_owner_out(app):
    add_moderator(app)
    stranger, owner = app.test_client(), app.test_client()
    statuses = [_attempt(stranger, "mod@example.org", "fout-fout-fout", "10.0.0.66").status_code for _ in range(8)]
    assert statuses[:4] == [401] * 4 and statuses[-1] == 429
    # even the right password is refused from the guessing client while it is slowed down
    assert _attempt(stranger, "mod@example.org", PASSWORD, "10.0.0.66").status_code == 429
    assert _attempt(owner, "mod@example.org", PASSWORD, "192.0.2.7").status_code == 302
    assert owner.get("/queue").status_code == 200


def test_unknown_and_throttled_accounts_get_the_same_answer(app):
    add_moderator(app)
    answers = {}
    for email in ("mod@example.org", "niemand@example.org"):
        client = app.test_client()
        first = _attempt(client, email, "fout-fout-fout", "10.0.0.9")
        for _ in range(6):
            last = _attempt(client, email, "fout-fout-fout", "10.0.0.9")
        answers[email] = (first.status_code, last.status_code, _error(last))
        login_throttle.clear(db_of(app), "client:10.0.0.9")
    assert answers["mod@example.org"] == answers["niemand@example.org"]
    assert answers["mod@example.org"][:2] == (401, 429)


def _error(response):
    html = response.get_data(as_text=True)
    start = html.index('id="login-error">')
    return html[start : html.index("</p>", start)]


def test_parallel_guesses_cannot_pass_the_limit(app):
    db = db_of(app)
    results, barrier = [], threading.Barrier(8)

    def guess():
        barrier.wait()
        results.append(login_throttle.reserve(db, "pair:mod@example.org|10.0.0.1", 5, 60.0))

    threads = [threading.Thread(target=guess) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(results) == [False] * 3 + [True] * 5
