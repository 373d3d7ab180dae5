"""Moderator accounts, login, sessions and CSRF, on SQLite and PostgreSQL."""

from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner
from helpers.review import PASSWORD, add_moderator, csrf_from, db_of, login
from sqlalchemy import select

from moderation.cli.main import main
from moderation.storage import accounts
from moderation.storage import comments as records
from moderation.storage.tables import Moderator


def cli(app, database_url, *args, input=None):
    result = CliRunner().invoke(
        main, list(args), input=input, env={"DATABASE_URL": database_url}, catch_exceptions=False
    )
    return result


def test_cli_adds_a_moderator_with_a_hashed_password(app, database_url, site):
    records.create_site(db_of(app), "beta")
    result = cli(
        app,
        database_url,
        "moderators",
        "add",
        "Jan@Example.org",
        "--role",
        "admin",
        "--password-stdin",
        "--site",
        "alpha",
        "--site",
        "beta",
        input=PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.output
    assert "jan@example.org created (admin, sites alpha, beta)" in result.output
    with db_of(app).session() as s:
        m = s.scalar(select(Moderator))
        assert m.email == "jan@example.org" and m.role == "admin"
        assert PASSWORD not in m.password_hash and m.password_hash.startswith("scrypt:")
        assert sorted(m.site_ids) == sorted([site["id"], records.list_sites(db_of(app))[1]["id"]])
    listed = cli(app, database_url, "moderators", "list")
    assert "jan@example.org\tadmin" in listed.output


@pytest.mark.parametrize(
    "args,stdin,message",
    [
        (["--password-stdin"], "kort\n", "at least 12 characters"),
        (["--password-stdin", "--site", "nergens"], PASSWORD + "\n", "no site named 'nergens'"),
        (["--password-stdin", "--role", "baas"], PASSWORD + "\n", "Invalid value for '--role'"),
    ],
)
def test_cli_refuses_bad_input(app, database_url, args, stdin, message):
    result = cli(app, database_url, "moderators", "add", "a@example.org", *args, input=stdin)
    assert result.exit_code != 0 and message in result.output
    assert accounts.list_all(db_of(app)) == []


def test_cli_refuses_a_second_account_with_the_same_email(app, database_url):
    add_moderator(app, "a@example.org")
    result = cli(app, database_url, "moderators", "add", "A@example.org", "--password-stdin", input=PASSWORD + "\n")
    assert result.exit_code != 0 and "already exists" in result.output


def test_cli_prompts_for_the_password_twice(app, database_url):
    result = cli(app, database_url, "moderators", "add", "p@example.org", input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert accounts.authenticate(db_of(app), "p@example.org", PASSWORD) is not None


def test_pages_need_a_login(client):
    r = client.get("/queue?stance=hostile")
    assert r.status_code == 302 and r.headers["Location"] == "/login?next=/queue?stance%3Dhostile"
    assert client.get("/audit").status_code == 302
    r = client.get("/queue", headers={"Accept": "application/json"})
    assert r.status_code == 401 and r.get_json()["ok"] is False


def test_login_and_logout(app, client):
    add_moderator(app)
    page = client.get("/login")
    assert page.status_code == 200 and 'for="email"' in page.get_data(as_text=True)
    token = csrf_from(page.get_data(as_text=True))
    r = client.post(
        "/login",
        data={"email": "MOD@example.org ", "password": PASSWORD, "csrf_token": token, "next": "/queue/rejected"},
    )
    assert r.status_code == 302 and r.headers["Location"] == "/queue/rejected"
    queue = client.get("/queue")
    assert queue.status_code == 200 and "mod@example.org" in queue.get_data(as_text=True)
    token = csrf_from(queue.get_data(as_text=True))
    r = client.post("/logout", data={"csrf_token": token})
    assert r.status_code == 302 and r.headers["Location"] == "/login"
    assert client.get("/queue").status_code == 302


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"]
)
def test_login_never_redirects_off_site(app, client, target):
    add_moderator(app)
    token = csrf_from(client.get("/login").get_data(as_text=True))
    r = client.post(
        "/login", data={"email": "mod@example.org", "password": PASSWORD, "csrf_token": token, "next": target}
    )
    assert r.status_code == 302 and r.headers["Location"] == "/"  # the dashboard


def test_wrong_password_and_unknown_email_get_the_same_answer(app, client):
    add_moderator(app)
    token = csrf_from(client.get("/login").get_data(as_text=True))
    wrong = client.post("/login", data={"email": "mod@example.org", "password": "fout-wachtwoord", "csrf_token": token})
    unknown = client.post("/login", data={"email": "niemand@example.org", "password": "x" * 12, "csrf_token": token})
    assert wrong.status_code == unknown.status_code == 401
    message = "Dit e-mailadres en wachtwoord horen niet bij elkaar."
    assert message in wrong.get_data(as_text=True) and message in unknown.get_data(as_text=True)
    assert client.get("/queue").status_code == 302


def test_set_password_ends_sessions(app, database_url):
    add_moderator(app)
    client = app.test_client()
    login(client)
    result = cli(
        app,
        database_url,
        "moderators",
        "set-password",
        "mod@example.org",
        "--password-stdin",
        input="een-nieuw-wachtwoord\n",
    )
    assert result.exit_code == 0, result.output
    assert client.get("/queue").status_code == 302  # the old session ended with the old password
    assert accounts.authenticate(db_of(app), "mod@example.org", "een-nieuw-wachtwoord") is not None


def test_csrf_is_required_on_every_state_change(app, client, site):
    from helpers.review import seed

    add_moderator(app)
    cid = seed(app, site, "c1")
    # login itself needs the token
    r = client.post("/login", data={"email": "mod@example.org", "password": PASSWORD})
    assert r.status_code == 400 and "verlopen" in r.get_data(as_text=True)
    token = login(client)
    for path, data in [
        (f"/comments/{cid}/decision", {"action": "approve"}),
        ("/decisions", {"action": "approve", "ids": str(cid)}),
        (f"/comments/{cid}/correction", {"stance": "hostile"}),
        ("/logout", {}),
    ]:
        assert client.post(path, data=data).status_code == 400, path
        assert client.post(path, data={**data, "csrf_token": "x" + token}).status_code == 400, path
    r = client.post(
        f"/comments/{cid}/decision",
        data={"action": "approve"},
        headers={"X-CSRF-Token": "wrong", "Accept": "application/json"},
    )
    assert r.status_code == 400 and r.get_json()["ok"] is False
    assert (
        client.get(f"/api/v1/comments/{cid}", headers={"Authorization": f"Bearer {site['api_key']}"}).get_json()[
            "status"
        ]
        == "pending"
    )
    r = client.post(
        f"/comments/{cid}/decision",
        data={"action": "approve"},
        headers={"X-CSRF-Token": token, "Accept": "application/json"},
    )
    assert r.status_code == 200 and r.get_json()["done"] == [cid]


def test_session_cookie_flags(app, client):
    add_moderator(app)
    token = csrf_from(client.get("/login").get_data(as_text=True))
    r = client.post("/login", data={"email": "mod@example.org", "password": PASSWORD, "csrf_token": token})
    cookie = r.headers["Set-Cookie"]
    assert cookie.startswith("moderation_session=") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain http on localhost
    expires = datetime.strptime(cookie.split("Expires=")[1].split(";")[0], "%a, %d %b %Y %H:%M:%S GMT")
    assert expires - datetime.now(UTC).replace(tzinfo=None) < timedelta(hours=12, minutes=1)


@pytest.mark.parametrize(
    "setting,base_url,secure",
    [
        ("auto", "http://localhost", False),
        ("auto", "http://127.0.0.1:8000", False),
        ("auto", "https://localhost", True),
        ("auto", "http://moderatie.example.org", True),
        ("1", "http://localhost", True),
        ("0", "https://moderatie.example.org", False),
    ],
)
def test_secure_flag_is_configurable(make_app, setting, base_url, secure):
    app = make_app(SECURE_COOKIES=setting)
    r = app.test_client().get("/login", base_url=base_url)
    assert ("Secure" in r.headers["Set-Cookie"]) is secure


def test_pages_send_security_headers(app, client):
    r = client.get("/login")
    csp = r.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert r.headers["X-Content-Type-Options"] == "nosniff" and r.headers["Cache-Control"] == "no-store"


def test_a_deleted_account_ends_its_session(app, client):
    add_moderator(app)
    login(client)
    with db_of(app).session() as s:
        s.delete(s.scalar(select(Moderator)))
    assert client.get("/queue").status_code == 302
