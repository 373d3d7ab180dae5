"""The audit sample ("steekproef"), the least-certain order and the flag question, through the pages."""

import re

import pytest
from click.testing import CliRunner
from helpers.api import auth, comment
from helpers.review import add_moderator, db_of, login, seed

from moderation.cli.main import main
from moderation.storage import audit_sample, labelled_examples
from moderation.storage.tables import Comment, Correction


@pytest.fixture
def moderator(app, client):
    add_moderator(app)
    return login(client)


def sampled(app, cid, flag=True):
    with db_of(app).session() as s:
        s.get(Comment, cid).audit_sample = flag


def item_ids(page):
    return [int(i) for i in re.findall(r'<article class="item[^"]*" id="c-(\d+)"', page)]


def test_the_sample_lists_automatic_decisions_until_labelled(app, client, site, database_url, moderator):
    ok = seed(app, site, "ok", text="Nette reactie.", status="approved", score=0.1)
    wrong = seed(app, site, "wrong", text="Verkeerd goedgekeurd.", status="approved", score=0.2)
    rejected = seed(app, site, "rej", text="Terecht afgewezen.", status="rejected", score=0.95, categories=["insult"])
    not_sampled = seed(app, site, "ns", text="Niet getrokken.", status="approved", score=0.1)
    for cid in (ok, wrong, rejected):
        sampled(app, cid)
    page = client.get("/queue/steekproef").get_data(as_text=True)
    assert sorted(item_ids(page)) == sorted([ok, wrong, rejected]) and not_sampled not in item_ids(page)
    assert "Label geven of bevestigen" in page and 'name="bevestig" value="1"' in page
    assert re.search(r"Steekproef <span class=\"count\">3</span>", page)
    # confirming a label that was already so is stored: it is the audit's (and training's) label
    r = client.post(f"/comments/{ok}/correction", data={"onbeschoft": "nee", "bevestig": "1", "csrf_token": moderator})
    assert r.status_code == 302
    client.post(
        f"/comments/{wrong}/correction",
        data={"onbeschoft": "ja", "categories": "insult", "bevestig": "1", "csrf_token": moderator},
    )
    client.post(
        f"/comments/{rejected}/correction",
        data={"onbeschoft": "ja", "categories": "insult", "bevestig": "1", "csrf_token": moderator},
    )
    assert item_ids(client.get("/queue/steekproef").get_data(as_text=True)) == []
    [row] = audit_sample.report(db_of(app))
    assert row["site"] == "alpha" and row["sampled"] == 3 and row["labelled"] == 3
    assert (row["wrong_approvals"], row["wrong_rejections"], row["error_rate"]) == (1, 0, round(1 / 3, 4))
    # the labels are training data
    labels = {r["text"]: r["uncivil"] for r in labelled_examples.examples(db_of(app), site["id"])}
    assert labels == {"Nette reactie.": False, "Verkeerd goedgekeurd.": True, "Terecht afgewezen.": True}
    out = CliRunner().invoke(main, ["audit-sample", "report"], env={"DATABASE_URL": database_url})
    assert out.exit_code == 0 and "alpha" in out.output and "33.3%" in out.output


def test_a_site_moderator_sees_only_their_sample(app, client, site, other_site):
    mine = seed(app, site, "m", status="approved", score=0.1)
    theirs = seed(app, other_site, "t", status="approved", score=0.1)
    sampled(app, mine)
    sampled(app, theirs)
    add_moderator(app, "alpha@example.org", sites=["alpha"])
    login(client, "alpha@example.org")
    assert item_ids(client.get("/queue/steekproef").get_data(as_text=True)) == [mine]
    assert [r["site"] for r in audit_sample.report(db_of(app), [site["id"]])] == ["alpha"]


def test_the_api_draws_automatic_decisions_for_the_sample(make_app):
    from moderation.storage import comments as records

    app = make_app(AUDIT_SAMPLE_SHARE=1.0)
    site = records.create_site(db_of(app), "alpha")
    client = app.test_client()
    approved = client.post(
        "/api/v1/comments", json=comment("a", "Meer ruimte voor de wijkteams graag."), headers=auth(site)
    ).get_json()
    pending = client.post(
        "/api/v1/comments", json=comment("b", "Ik weet waar je woont, pas maar op"), headers=auth(site)
    ).get_json()
    assert approved["status"] == "approved" and pending["status"] == "pending"
    with db_of(app).session() as s:
        assert s.get(Comment, approved["id"]).audit_sample is True
        assert s.get(Comment, pending["id"]).audit_sample is False  # a person decides it anyway
    assert audit_sample.draw({"status": "approved"}, 0.0) is False


def test_least_certain_first(app, client, site, moderator):
    sure = seed(app, site, "sure", stance="hostile", hostility=0.97, score=0.97)
    coin = seed(app, site, "coin", stance="hostile", hostility=0.97, score=0.52)
    middle = seed(app, site, "mid", stance="hostile", hostility=0.97, score=0.75)
    urgent = seed(app, site, "urgent", stance="hostile", hostility=0.97, score=0.99, urgent=True)
    risky = item_ids(client.get("/queue").get_data(as_text=True))
    assert risky == [urgent, sure, middle, coin]
    page = client.get("/queue?volgorde=onzeker").get_data(as_text=True)
    assert item_ids(page) == [urgent, coin, middle, sure]
    assert '<strong aria-current="true">minst zeker eerst</strong>' in page
    # keyset paging keeps the order
    from moderation.storage import review_queue as review

    first = review.page(db_of(app), "pending", None, review.Filters(order="doubt"), limit=2)
    second = review.page(db_of(app), "pending", None, review.Filters(order="doubt"), after=first["next"], limit=2)
    assert [i["id"] for i in first["items"] + second["items"]] == [urgent, coin, middle, sure]


def test_approving_a_flagged_comment_asks_whether_the_flag_was_wrong(app, client, site, moderator):
    wrong = seed(app, site, "w", text="Die wethouder is een topper", score=0.8, categories=["insult"])
    right = seed(app, site, "r", text="Kut regels, maar laat maar staan", score=0.8, categories=["profanity"])
    bare = seed(app, site, "b", text="Gewoon goedkeuren", score=0.7, categories=["insult"])
    page = client.get("/queue").get_data(as_text=True)
    assert "was de markering als onbeschoft fout?" in page
    for cid, answer in ((wrong, "fout"), (right, "terecht"), (bare, None)):
        data = {"action": "approve", "expected": "pending", "csrf_token": moderator}
        if answer:
            data["vlag"] = answer
        assert client.post(f"/comments/{cid}/decision", data=data).status_code == 302
    with db_of(app).session() as s:
        found = {c.comment_id: c.after for c in s.query(Correction).all()}
    assert found == {
        wrong: {"uncivil": False, "categories": []},
        right: {"uncivil": True, "categories": ["profanity"]},
    }


def test_admin_pages_show_the_error_rate_and_what_enters_training(app, client, site, other_site, tmp_path):
    from helpers.models import write_jsonl

    from moderation.lab import feedback_import
    from moderation.storage import review_queue as review

    hostile = "<script>alert(1)</script> jaja samen"
    feedback_import.run(
        db_of(app), write_jsonl(tmp_path / "h.jsonl", [{"text": hostile, "stance": "hostile"}]), site["id"]
    )
    cid = seed(app, site, "c", text=hostile.upper(), status="approved", score=0.1)
    sampled(app, cid)
    review.correct(db_of(app), None, cid, "mod@example.org", stance="pro-policy", uncivil=True, categories=["insult"])
    theirs = seed(app, other_site, "t", text="Van een andere site", status="approved", score=0.1)
    sampled(app, theirs)
    add_moderator(app, "admin@example.org", role="admin", sites=["alpha"])
    login(client, "admin@example.org")
    page = client.get("/admin/steekproef").get_data(as_text=True)
    assert "<td>alpha</td>" in page and "100.0%" in page and "beta" not in page
    page = client.get("/admin/training").get_data(as_text=True)
    i = page.find("<script>alert(1)")
    assert i < 0, page[i - 300 : i + 50]
    assert "&lt;script&gt;" in page, page[page.find("<main") :]
    assert "Tegenstrijdige labels" in page and "hostile" in page and "pro-policy" in page
    assert "Van een andere site" not in page
    assert 'href="/admin/steekproef"' in client.get("/admin/sites").get_data(as_text=True)
