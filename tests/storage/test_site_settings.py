"""Per-site settings from the command line, and what they change."""

import json

import pytest
from helpers.api import auth, comment

from moderation.cli.main import main
from moderation.storage import comments as records
from moderation.storage import outbox
from moderation.storage import sites as site_settings


@pytest.fixture
def cli(app):
    """Runs ``moderation ...`` on the test app (``app.test_cli_runner()``), not on the environment."""
    app.config["WEBHOOK_ALLOW_HOSTS"] = "127.0.0.1"  # the tests' loopback receivers
    runner = app.test_cli_runner()

    def run(*args, ok=True):
        result = runner.invoke(main, list(args))
        assert (result.exit_code == 0) == ok, result.output
        return result

    run("db", "upgrade")
    return run


def test_set_and_show_a_sites_policy(cli):
    added = json.loads(cli("sites", "add", "shop", "--webhook-url", "http://127.0.0.1:9/hook", "--json").output)
    assert added["webhook_secret"].startswith("whsec_")
    shown = json.loads(cli("sites", "show", "shop", "--json").output)
    assert shown == {
        "id": added["id"],
        "name": "shop",
        "webhook_url": "http://127.0.0.1:9/hook",
        "has_webhook_secret": True,
        "approve_below": 0.35,
        "reject_above": 0.9,
        "mode": "pre",
        "plugins": None,
        "suspended_comments": "refuse",
        "first_comments_held": 0,
        "hold_repeats": 0,
        "rate_limit": "default",
        "dsa_role": "hosting",
        "small_enterprise": False,
        "appeal_months": 6,
        "statements_for_withheld": False,
        "dsa_duties": {"notices": True, "statements": True, "report": True, "appeals": False, "submission": False},
        # a new site holds comments with personal data for a person (vocabulary.NEW_SITE_POLICY)
        "tag_rules": {"contains-pii": "hold"},
        "schedule": None,
        "target_minutes": 15,
    }
    out = json.loads(
        cli(
            "sites",
            "set",
            "shop",
            "--approve-below",
            "0.2",
            "--reject-above",
            "0.8",
            "--mode",
            "post",
            "--plugins",
            "stance, incivility,policy",
            "--json",
        ).output
    )
    assert (out["approve_below"], out["reject_above"], out["mode"]) == (0.2, 0.8, "post")
    assert out["plugins"] == ["stance", "incivility", "policy"] and "webhook_secret" not in out
    assert "whsec_" not in cli("sites", "show", "shop").output


@pytest.mark.parametrize(
    "args,message",
    [
        (["--approve-below", "0.95"], "must not be above reject_above"),
        (["--reject-above", "1.5"], "from 0 to 1"),
        (["--plugins", "stance,nope"], "no plugin named nope"),
        (["--webhook-url", "ftp://example.org/x"], "http(s) URL"),
    ],
)
def test_bad_settings_are_refused_and_change_nothing(cli, args, message):
    cli("sites", "add", "shop")
    before = cli("sites", "show", "shop", "--json").output
    assert message in cli("sites", "set", "shop", *args, ok=False).output
    assert cli("sites", "show", "shop", "--json").output == before


def test_unknown_site_or_mode(cli):
    assert "no site named 'nope'" in cli("sites", "set", "nope", "--mode", "post", ok=False).output
    cli("sites", "add", "shop")
    assert cli("sites", "set", "shop", "--mode", "later", ok=False).exit_code == 2


def test_a_webhook_url_added_later_gets_a_secret_once_and_can_be_removed(cli):
    cli("sites", "add", "shop")
    first = json.loads(cli("sites", "set", "shop", "--webhook-url", "https://shop.example/hook", "--json").output)
    assert first["webhook_secret"].startswith("whsec_")
    again = json.loads(cli("sites", "set", "shop", "--webhook-url", "https://shop.example/v2", "--json").output)
    assert "webhook_secret" not in again and again["webhook_url"] == "https://shop.example/v2"
    off = json.loads(cli("sites", "set", "shop", "--webhook-url", "", "--json").output)
    assert off["webhook_url"] is None and off["has_webhook_secret"]


def test_rotate_secret_keeps_the_old_one_for_the_grace_period(cli):
    old = json.loads(cli("sites", "add", "shop", "--webhook-url", "https://shop.example/h", "--json").output)
    new = json.loads(cli("sites", "rotate-secret", "shop", "--json").output)
    assert new["webhook_secret"] != old["webhook_secret"] and new["previous_secret_valid_until"]
    now = json.loads(cli("sites", "rotate-secret", "shop", "--grace-hours", "0", "--json").output)
    assert now["previous_secret_valid_until"] is None
    assert "no site named" in cli("sites", "rotate-secret", "nope", ok=False).output


def test_thresholds_and_mode_change_the_decision(fast_app):
    app = fast_app()
    db = app.extensions["moderation"].db
    client = app.test_client()
    site = records.create_site(db, "alpha")
    post = lambda ext: client.post("/api/v1/comments", json=comment(ext, "Goed plan."), headers=auth(site)).get_json()  # noqa: E731
    assert post("c1")["status"] == "approved"  # the stub scores 0.05, under 0.35
    site_settings.update(db, "alpha", approve_below=0.01)
    assert post("c2")["status"] == "pending"  # in doubt, pre-moderation
    site_settings.update(db, "alpha", mode="post")
    assert post("c3")["status"] == "approved"  # in doubt, post-moderation: online, a human looks later


def test_a_site_can_leave_a_plugin_out(fast_app):
    app = fast_app()
    db = app.extensions["moderation"].db
    client = app.test_client()
    site = records.create_site(db, "alpha", webhook_url="http://127.0.0.1:9/hook")
    known = [name for name, plugin in app.extensions["moderation"].pm.list_name_plugin() if plugin]
    site_settings.update(db, "alpha", plugins=["policy"], known_plugins=known)
    body = client.post("/api/v1/comments", json=comment("c1", "Goed plan."), headers=auth(site)).get_json()
    assert body["analysis"]["stance"] is None and body["status"] == "pending"  # the stub did not run
    assert outbox.list_events(db) == []  # nothing decided yet, nothing to tell
    site_settings.update(db, "alpha", plugins="all", known_plugins=known)
    body = client.post("/api/v1/comments", json=comment("c2", "Goed plan."), headers=auth(site)).get_json()
    assert body["analysis"]["stance"]["label"] == "neutral" and body["status"] == "approved"
    classified = client.post("/api/v1/classify", json={"text": "Goed plan."}, headers=auth(site)).get_json()
    assert classified["status"] == "approved"


def test_the_dsa_role_and_small_enterprise_flag_switch_duties(cli):
    cli("sites", "add", "krant")
    out = json.loads(
        cli(
            "sites", "set", "krant", "--dsa-role", "platform", "--small-enterprise", "--appeal-months", "12", "--json"
        ).output
    )
    assert (out["dsa_role"], out["small_enterprise"], out["appeal_months"]) == ("platform", True, 12)
    assert out["dsa_duties"] == {
        "notices": True,
        "statements": True,
        "report": False,
        "appeals": True,
        "submission": True,
    }
    assert "at least six" in cli("sites", "set", "krant", "--appeal-months", "2", ok=False).output
    assert cli("sites", "set", "krant", "--dsa-role", "forum", ok=False).exit_code == 2
    shown = json.loads(cli("sites", "show", "krant", "--json").output)
    assert shown["dsa_role"] == "platform"


def test_set_the_author_rules_from_the_command_line(cli, app):
    cli("sites", "add", "shop")
    out = json.loads(
        cli(
            "sites",
            "set",
            "shop",
            "--suspended-comments",
            "hold",
            "--first-comments-held",
            "3",
            "--hold-repeats",
            "4",
            "--json",
        ).output
    )
    assert (out["suspended_comments"], out["first_comments_held"], out["hold_repeats"]) == ("hold", 3, 4)
    assert "drop" in cli("sites", "set", "shop", "--suspended-comments", "drop", ok=False).output
    assert cli("sites", "set", "shop", "--hold-repeats", "-1", ok=False).exit_code == 2
    out = json.loads(cli("sites", "set", "shop", "--hold-repeats", "0", "--json").output)
    assert (out["hold_repeats"], out["first_comments_held"]) == (0, 3)  # 0 switches it off; the rest stays
