"""Webhooks signed by the Standard Webhooks specification, verified on a real HTTP receiver
with the official ``standardwebhooks`` package, next to the deprecated X-Moderation-Signature."""

import json

import pytest
from helpers.api import auth, comment
from helpers.delivery import INSULT, webhook_site
from sqlalchemy import update
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from moderation.delivery import webhooks
from moderation.delivery.worker import Worker
from moderation.storage import comments as records
from moderation.storage import sites as site_settings
from moderation.storage.tables import Site


def deliver(app, site, ext, text):
    r = app.test_client().post("/api/v1/comments", json=comment(ext, text), headers=auth(site))
    assert r.status_code == 201, r.get_data(as_text=True)
    Worker(app.extensions["moderation"].db, app.config).drain()


def test_the_official_package_verifies_a_delivered_webhook(fast_app, receiver):
    app = fast_app()
    site = webhook_site(app, receiver)
    assert site["webhook_secret"].startswith("whsec_")
    deliver(app, site, "c1", f"Wat een {INSULT}.")
    [(headers, body)] = receiver.requests
    event = Webhook(site["webhook_secret"]).verify(body, headers)
    assert event["type"] == "comment.rejected" and event["comment"]["external_id"] == "c1"
    assert headers["webhook-id"] == event["id"] == headers["x-moderation-event-id"]
    assert headers["webhook-signature"].startswith("v1,") and " " not in headers["webhook-signature"]
    # the deprecated header still comes along, for one release
    assert webhooks.verify(headers["x-moderation-signature"], body, site["webhook_secret"])
    assert int(headers["webhook-timestamp"]) == int(headers["x-moderation-signature"].split(",")[0][2:])


def test_a_changed_body_id_or_secret_is_refused(fast_app, receiver):
    app = fast_app()
    site = webhook_site(app, receiver)
    deliver(app, site, "c1", "Goed plan.")
    [(headers, body)] = receiver.requests
    hook = Webhook(site["webhook_secret"])
    with pytest.raises(WebhookVerificationError):
        hook.verify(body.replace(b"approved", b"rejected"), headers)
    with pytest.raises(WebhookVerificationError):
        hook.verify(body, {**headers, "webhook-id": "another-event"})
    with pytest.raises(WebhookVerificationError):
        Webhook(records.new_webhook_secret()).verify(body, headers)


def test_during_a_secret_rotation_old_and_new_secret_both_verify(fast_app, receiver):
    app = fast_app()
    db = app.extensions["moderation"].db
    site = webhook_site(app, receiver)
    old = site["webhook_secret"]
    new = site_settings.rotate_secret(db, "alpha", grace_hours=1)["webhook_secret"]
    deliver(app, site, "c1", "Goed plan.")
    [(headers, body)] = receiver.requests
    assert len(headers["webhook-signature"].split(" ")) == 2
    assert Webhook(old).verify(body, headers)["type"] == Webhook(new).verify(body, headers)["type"]
    site_settings.rotate_secret(db, "alpha", grace_hours=0)
    receiver.requests.clear()
    deliver(app, site, "c2", "Nog een plan.")
    [(headers, body)] = receiver.requests
    for secret in (old, new):
        with pytest.raises(WebhookVerificationError):
            Webhook(secret).verify(body, headers)


def test_a_secret_from_before_the_standard_keys_with_its_own_bytes(fast_app, receiver):
    """Secrets made by earlier versions are URL-safe text, not standard base64: they still sign, keyed
    with the secret's bytes, so ``Webhook(secret.encode())`` verifies until the site rotates."""
    app = fast_app()
    db = app.extensions["moderation"].db
    site = webhook_site(app, receiver)
    legacy = records.new_secret("whsec_")
    with db.session() as s:
        s.execute(update(Site).where(Site.id == site["id"]).values(webhook_secret=legacy))
    deliver(app, site, "c1", "Goed plan.")
    [(headers, body)] = receiver.requests
    assert json.loads(body) == Webhook(legacy.encode()).verify(body, headers)
    assert webhooks.verify(headers["x-moderation-signature"], body, legacy)
