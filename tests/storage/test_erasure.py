"""Erasure (AVG/GDPR): nothing of the text or the author stays in any table, the decision does."""

import json
from datetime import timedelta

import sqlalchemy
from click.testing import CliRunner
from helpers.api import auth, comment
from helpers.delivery import INSULT, decide, webhook_site

from moderation.cli.main import main
from moderation.delivery.worker import Worker
from moderation.storage import comments as records
from moderation.storage.tables import Comment, Correction, Decision, utcnow

AUTHOR = {"id": "lezer-8731", "name": "Henk Vermeulen-Zwart"}
TEXT = f"Die Xylofoonbeleid-ambtenaren in Oudewater zijn {INSULT}, bel me op 0612345678."


def leftovers(app, *needles) -> list[str]:
    """Every place in the database, any table and any column, where a needle still appears."""
    engine = app.extensions["moderation"].db.engine
    found = []
    with engine.connect() as conn:
        for table in sqlalchemy.inspect(conn).get_table_names():
            if table == "alembic_version":
                continue
            for row in conn.execute(sqlalchemy.text(f'SELECT * FROM "{table}"')).mappings():
                for column, value in row.items():
                    text = json.dumps(value, ensure_ascii=False) if isinstance(value, (dict, list)) else str(value)
                    found += [f"{table}.{column}: {n}" for n in needles if n.casefold() in text.casefold()]
    return found


def rows(app, table):
    return records.count_rows(app.extensions["moderation"].db, table)


def test_erasing_a_comment_leaves_nothing_of_it(app, receiver):
    """With the real models and plugins: spans, evidence, notes, corrections and webhook payloads."""
    site = webhook_site(app, receiver)
    client = app.test_client()
    body = client.post(
        "/api/v1/comments", json={**comment("c1", TEXT), "author": AUTHOR}, headers=auth(site)
    ).get_json()
    assert body["analysis"]["incivility"]["spans"], "the real incivility plugin should find the insult"
    cid = body["id"]
    decide(app, cid, "pending", reason="in doubt")
    with app.extensions["moderation"].db.session() as s:
        records.record_decision(
            s, cid, "rejected", actor="mod@example.org", reason="insult", note=f"schreef '{INSULT}' over Oudewater"
        )
        s.add(
            Correction(
                comment_id=cid,
                actor="mod@example.org",
                field="incivility",
                before=None,
                after={"categories": ["insult"], "spans": [{"start": 0, "end": 3, "text": INSULT}]},
            )
        )
    needles = [TEXT, "Xylofoonbeleid", "Oudewater", "0612345678", INSULT, AUTHOR["id"], AUTHOR["name"], "Vermeulen"]
    assert len(leftovers(app, *needles)) > 5  # it was everywhere: the test can see it
    decisions_before = rows(app, Decision)

    r = client.delete(f"/api/v1/comments/{cid}", headers=auth(site))
    assert r.status_code == 200
    assert r.get_json()["erased"] is True and r.get_json()["external_id"] == "c1"
    assert leftovers(app, *needles) == []
    assert rows(app, Comment) == 1 and rows(app, Decision) == decisions_before
    record = client.get(f"/api/v1/comments/{cid}", headers=auth(site)).get_json()
    assert record["text"] is None and record["author"] == {"id": None, "name": None} and record["erased_at"]
    assert record["status"] == "rejected" and record["decision"]["reason"] == "insult"
    assert record["decision"]["explanation"].startswith("Uw reactie is niet geplaatst.")
    assert record["analysis"]["incivility"]["categories"] == ["insult"]
    again = client.delete(f"/api/v1/comments/{cid}", headers=auth(site))
    assert again.status_code == 200 and again.get_json()["erased_at"] == r.get_json()["erased_at"]


def test_a_retry_after_erasure_does_not_store_the_comment_again(fast_app):
    app = fast_app()
    site = records.create_site(app.extensions["moderation"].db, "alpha")
    client = app.test_client()
    cid = client.post(
        "/api/v1/comments", json={**comment("c1", TEXT), "author": AUTHOR}, headers=auth(site)
    ).get_json()["id"]
    client.delete(f"/api/v1/comments/{cid}", headers=auth(site))
    retry = client.post("/api/v1/comments", json={**comment("c1", TEXT), "author": AUTHOR}, headers=auth(site))
    assert retry.status_code == 200 and retry.get_json()["id"] == cid and retry.get_json()["text"] is None
    batch = client.post(
        "/api/v1/comments/batch", json={"comments": [{**comment("c1", TEXT), "author": AUTHOR}]}, headers=auth(site)
    )
    assert batch.status_code == 200 and batch.get_json()["results"][0]["created"] is False
    assert rows(app, Comment) == 1
    assert leftovers(app, "Xylofoonbeleid", AUTHOR["id"], AUTHOR["name"]) == []


def test_erasing_an_author_takes_all_their_comments_and_nothing_else(fast_app):
    app = fast_app()
    db = app.extensions["moderation"].db
    site, other_site = records.create_site(db, "alpha"), records.create_site(db, "beta")
    client = app.test_client()
    for i in range(3):
        client.post(
            "/api/v1/comments",
            json={**comment(f"h{i}", f"Xylofoonbeleid deel {i}."), "author": AUTHOR},
            headers=auth(site),
        )
    client.post(
        "/api/v1/comments", json={**comment("k1", "Kees vindt het goed."), "author": {"id": "kees"}}, headers=auth(site)
    )
    client.post(
        "/api/v1/comments",
        json={**comment("o1", "Ander Xylofoonbeleid-verhaal."), "author": AUTHOR},
        headers=auth(other_site),
    )
    r = client.delete(f"/api/v1/authors/{AUTHOR['id']}", headers=auth(site))
    assert r.status_code == 200 and r.get_json()["erased"] == 3
    assert sorted(c["external_id"] for c in r.get_json()["comments"]) == ["h0", "h1", "h2"]
    with db.session() as s:
        left = {
            ext: (text, author)
            for ext, text, author in s.execute(sqlalchemy.select(Comment.external_id, Comment.text, Comment.author_id))
        }
    assert left["k1"] == ("Kees vindt het goed.", "kees")
    assert left["o1"] == ("Ander Xylofoonbeleid-verhaal.", AUTHOR["id"])  # another site's reader: not this request
    assert all(left[f"h{i}"] == (None, None) for i in range(3))
    assert client.delete(f"/api/v1/authors/{AUTHOR['id']}", headers=auth(site)).get_json()["erased"] == 0


def test_erasure_is_scoped_to_the_site_and_needs_a_key(fast_app):
    app = fast_app()
    db = app.extensions["moderation"].db
    site, other_site = records.create_site(db, "alpha"), records.create_site(db, "beta")
    client = app.test_client()
    cid = client.post("/api/v1/comments", json=comment("c1", TEXT), headers=auth(site)).get_json()["id"]
    assert client.delete(f"/api/v1/comments/{cid}", headers=auth(other_site)).status_code == 404
    assert client.delete(f"/api/v1/comments/{cid}").status_code == 401
    assert client.delete("/api/v1/authors/u1").status_code == 401
    assert client.delete(f"/api/v1/authors/{'x' * 201}", headers=auth(site)).status_code == 422
    assert client.get(f"/api/v1/comments/{cid}", headers=auth(site)).get_json()["text"] == TEXT


def test_a_queued_webhook_goes_out_without_the_text(fast_app, receiver):
    app = fast_app()
    site = webhook_site(app, receiver)
    client = app.test_client()
    cid = client.post(
        "/api/v1/comments", json={**comment("c1", TEXT), "author": AUTHOR}, headers=auth(site)
    ).get_json()["id"]
    client.delete(f"/api/v1/comments/{cid}", headers=auth(site))
    Worker(app.extensions["moderation"].db, app.config).drain()
    [event] = receiver.events()
    assert event["type"] == "comment.rejected" and event["comment"]["erased"] is True
    assert event["comment"]["text"] is None and event["comment"]["author"] == {"id": None, "name": None}
    assert INSULT not in json.dumps(event, ensure_ascii=False)
    assert event["comment"]["decision"]["explanation"].startswith("Uw reactie is niet geplaatst.")


def test_purge_erases_old_comments_only(fast_app, database_url, monkeypatch):
    app = fast_app()
    db = app.extensions["moderation"].db
    site = records.create_site(db, "alpha")
    client = app.test_client()
    old = client.post(
        "/api/v1/comments", json={**comment("old", TEXT), "author": AUTHOR}, headers=auth(site)
    ).get_json()
    client.post("/api/v1/comments", json=comment("new", "Een verse reactie."), headers=auth(site))
    with db.session() as s:
        s.execute(
            sqlalchemy.update(Comment).where(Comment.id == old["id"]).values(received_at=utcnow() - timedelta(days=400))
        )
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("MODERATION_PLUGINS", "policy")
    result = CliRunner().invoke(main, ["purge", "--older-than", "365"])
    assert result.exit_code == 0 and "1 comment(s) erased" in result.output, result.output
    assert leftovers(app, "Xylofoonbeleid", AUTHOR["id"], AUTHOR["name"], INSULT) == []
    assert client.get(f"/api/v1/comments/{old['id']}", headers=auth(site)).get_json()["status"] == "rejected"
    assert "1 comment(s) erased" not in CliRunner().invoke(main, ["purge", "--older-than", "365"]).output
    assert CliRunner().invoke(main, ["purge", "--older-than", "0"]).exit_code != 0
