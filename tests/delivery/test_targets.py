"""SSRF: webhooks never reach internal addresses unless the operator allows them (issue item 4)."""

import json

import pytest
from click.testing import CliRunner
from helpers.api import auth, comment
from helpers.review import add_moderator, login

from moderation.cli.main import main
from moderation.delivery import targets
from moderation.delivery.worker import Worker
from moderation.storage import comments as records
from moderation.storage import outbox
from moderation.storage import sites as site_settings

INTERNAL = [
    "http://127.0.0.1:5432/",
    "http://127.1/",
    "http://169.254.169.254/latest/meta-data/",  # cloud metadata
    "http://[::1]:8080/hook",
    "http://[::ffff:127.0.0.1]/hook",
    "http://2130706433/",  # 127.0.0.1 as one decimal number
    "http://0x7f000001/",
    "http://017700000001/",  # octal
    "http://10.0.0.5/hook",
    "http://172.16.3.4/hook",
    "http://192.168.1.1/hook",
    "http://100.64.0.1/hook",  # carrier-grade NAT
    "http://0.0.0.0:8000/",
    "http://[fd00:ec2::254]/",  # AWS metadata over IPv6
    "http://[fe80::1]/",
    "http://localhost:8000/hook",  # a name that resolves to loopback
    "https://LocalHost/hook",
]


@pytest.mark.parametrize("url", INTERNAL)
def test_internal_addresses_are_refused_however_they_are_written(url):
    with pytest.raises(targets.TargetRefused, match="internal address"):
        targets.check(url, allow="")


def test_public_addresses_pass_and_the_allow_list_lets_internal_ones_through():
    assert targets.check("https://93.184.216.34/hook").addresses[0].compressed == "93.184.216.34"
    allow = targets.AllowList.parse("127.0.0.1, 10.0.0.0/8, ::1, hooks.internal")
    assert targets.check("http://127.0.0.1:9/hook", allow).internal
    assert targets.check("http://10.20.30.40/hook", allow).internal
    assert targets.check("http://[::1]/hook", allow).internal
    assert targets.check("http://localhost/hook", "localhost").internal  # allowed by name
    with pytest.raises(targets.TargetRefused):
        targets.check("http://192.168.1.1/hook", allow)
    with pytest.raises(targets.TargetRefused):
        targets.check("http://127.0.0.2/hook", allow)  # only the address that was listed


@pytest.mark.parametrize(
    "url", ["ftp://example.org/x", "http:///x", "http://a.example/\r\nX: 1", "http://u:p@a.example/", "http://a b/"]
)
def test_malformed_urls_are_refused(url):
    with pytest.raises(targets.TargetRefused):
        targets.check(url, allow="")


def test_sites_set_and_add_refuse_internal_addresses_unless_allowed(database_url, tmp_path, monkeypatch):
    (tmp_path / "no-models").mkdir()
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("MODERATION_MODELS_DIR", str(tmp_path / "no-models"))
    monkeypatch.setenv("MODERATION_PLUGINS", "policy")
    monkeypatch.delenv("MODERATION_WEBHOOK_ALLOW_HOSTS", raising=False)
    runner = CliRunner()
    assert runner.invoke(main, ["db", "upgrade"]).exit_code == 0
    refused = runner.invoke(main, ["sites", "add", "shop", "--webhook-url", "http://169.254.169.254/"])
    assert refused.exit_code != 0 and "internal address" in refused.output
    assert runner.invoke(main, ["sites", "add", "shop"]).exit_code == 0
    for url in ("http://127.0.0.1:5432/", "http://[::1]/", "http://2130706433/", "http://localhost/x"):
        result = runner.invoke(main, ["sites", "set", "shop", "--webhook-url", url])
        assert result.exit_code != 0 and "MODERATION_WEBHOOK_ALLOW_HOSTS" in result.output, url
    # a name that does not resolve (yet) is accepted; it is checked again at every send
    assert runner.invoke(main, ["sites", "set", "shop", "--webhook-url", "https://shop.example/h"]).exit_code == 0
    monkeypatch.setenv("MODERATION_WEBHOOK_ALLOW_HOSTS", "10.0.0.0/8")
    allowed = runner.invoke(main, ["sites", "set", "shop", "--webhook-url", "http://10.1.2.3/hook", "--json"])
    assert allowed.exit_code == 0 and json.loads(allowed.output)["webhook_url"] == "http://10.1.2.3/hook"


def test_the_admin_page_refuses_an_internal_address(fast_app):
    app = fast_app(WEBHOOK_ALLOW_HOSTS="")
    db = app.extensions["moderation"].db
    site = records.create_site(db, "alpha")
    client = app.test_client()
    add_moderator(app, role="admin", sites=["alpha"])  # an admin limited to one site
    token = login(client)
    r = client.post(
        f"/admin/sites/{site['id']}",
        data={"csrf_token": token, "webhook_url": "http://169.254.169.254/latest", "mode": "pre"},
    )
    assert r.status_code == 422 and "internal address" in r.get_data(as_text=True)
    assert site_settings.get(db, "alpha")["webhook_url"] is None


def test_sending_checks_again_and_an_internal_target_is_never_contacted(fast_app, receiver):
    """A URL stored before these checks (or allowed then, and no longer) is refused at send time."""
    app = fast_app(WEBHOOK_ALLOW_HOSTS="")
    db = app.extensions["moderation"].db
    for name, url in (("ip", receiver.url), ("name", receiver.url.replace("127.0.0.1", "localhost"))):
        site = records.create_site(db, name, webhook_url=url)
        assert app.test_client().post("/api/v1/comments", json=comment("c1", "Ok."), headers=auth(site)).status_code
    assert Worker(db, app.config).drain() == {"claimed": 2, "delivered": 0, "failed": 2, "parked": 0}
    assert receiver.requests == []
    errors = [e["last_error"] for e in outbox.list_events(db)]
    assert all(e.startswith("refused: ") and "internal address" in e for e in errors), errors
    allowed = Worker(db, {**app.config, "WEBHOOK_ALLOW_HOSTS": "127.0.0.0/8"})
    assert allowed.drain(now=outbox.list_events(db)[0]["next_attempt_at"])["delivered"] == 2
