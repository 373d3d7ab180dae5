"""Statements of reasons to the Transparency Database: the batches `moderation dsa statements`
prints pass a stand-in server that enforces the database's rules, and `dsa submit` sends each
statement once, retrying, in batches of at most 100, only for sites whose role asks for it."""

import json
import urllib.request

from click.testing import CliRunner
from helpers.review import db_of, seed
from helpers.tdb import StandIn, validate

from moderation.cli.main import main
from moderation.delivery import statements as delivery
from moderation.dsa.client import Client
from moderation.storage import comments as records
from moderation.storage import sites, statements
from moderation.storage.dsa_tables import Statement


def _platform(app, name="krant", role="platform"):
    site = records.create_site(db_of(app), name)
    sites.update_dsa(db_of(app), name, role=role)
    return site


def _post(url, token, body):
    request = urllib.request.Request(
        url + "/api/v1/statements",
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status


def test_the_printed_batches_pass_the_stand_ins_validation(app, database_url):
    site = _platform(app)
    for i in range(130):
        seed(app, site, f"c{i}", status="rejected", score=0.95, categories=["insult"])
    result = CliRunner().invoke(main, ["dsa", "statements", "--site", "krant"], env={"DATABASE_URL": database_url})
    assert result.exit_code == 0, result.output
    batches = [json.loads(line) for line in result.output.splitlines()]
    assert [len(b["statements"]) for b in batches] == [100, 30]
    with StandIn() as tdb:
        for batch in batches:
            assert _post(tdb.url, tdb.token, batch) == 201
        assert len(tdb.statements) == 130
    first = batches[0]["statements"][0]
    assert first["automated_decision"] == "AUTOMATED_DECISION_FULLY" and first["automated_detection"] == "Yes"
    assert first["decision_visibility"] == ["DECISION_VISIBILITY_CONTENT_REMOVED"]
    assert first["content_type"] == ["CONTENT_TYPE_TEXT"] and first["territorial_scope"] == ["NL"]


def test_the_stand_in_refuses_what_the_database_refuses():
    good = {
        "decision_visibility": ["DECISION_VISIBILITY_CONTENT_REMOVED"],
        "decision_ground": "DECISION_GROUND_INCOMPATIBLE_CONTENT",
        "incompatible_content_ground": "Huisregels",
        "incompatible_content_explanation": "x",
        "category": "STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE",
        "content_type": ["CONTENT_TYPE_TEXT"],
        "content_date": "2026-11-22",
        "application_date": "2026-11-22",
        "decision_facts": "x",
        "source_type": "SOURCE_VOLUNTARY",
        "automated_detection": "No",
        "automated_decision": "AUTOMATED_DECISION_NOT_AUTOMATED",
        "puid": "comment-1-decision-2",
    }
    assert validate(good) == {}
    assert "puid" in validate({**good, "puid": "a b/c"})
    assert "category" in validate({**good, "category": "STATEMENT_CATEGORY_NOPE"})
    assert "application_date" in validate({**good, "application_date": "2019-12-31"})
    assert "content_date" in validate({**good, "content_date": "22-11-2026"})
    assert "decision_facts" in validate({**good, "decision_facts": "x" * 5001})
    assert "illegal_content_legal_ground" in validate({**good, "decision_ground": "DECISION_GROUND_ILLEGAL_CONTENT"})
    assert "automated_decision" in validate({k: v for k, v in good.items() if k != "automated_decision"})


def test_submit_sends_each_statement_once_with_retries_and_parks_a_refused_one(app):
    site = _platform(app)
    hosting = _platform(app, "nieuws", role="hosting")
    for i in range(105):
        seed(app, site, f"c{i}", status="rejected", score=0.95)
    seed(app, hosting, "h1", status="rejected", score=0.95)
    db = db_of(app)
    with db.session() as s:  # one statement spoiled, as a bug might: the database must refuse it
        bad = s.query(Statement).filter(Statement.site_id == site["id"]).order_by(Statement.id).first()
        bad.body = {**bad.body, "decision_facts": "x" * 6000}
    sleeps = []
    with StandIn() as tdb:
        first = statements.ready(db, site["id"])[1]
        tdb.statements[first["puid"]] = first  # sent before, by a run that crashed before it marked it
        tdb.fail_next = 1  # the first request fails: retried at once
        ids = [s["id"] for s in delivery.submitting_sites(db)]
        assert ids == [site["id"]]
        result = delivery.submit(db, Client(tdb.url, tdb.token), ids, pause=0.01, sleep=sleeps.append)
        assert result == {"submitted": 103, "already_there": 1, "rejected": 1, "retry_later": 0}
        assert sleeps == [0.01]
        assert len(tdb.statements) == 104
        posts = [p for m, p in tdb.requests if m == "POST"]
        # 99 refused for one bad statement, 98 again, then the last 5; never one by one
        assert posts == ["/api/v1/statements"] * 3
        again = delivery.submit(db, Client(tdb.url, tdb.token), ids, sleep=sleeps.append)
        assert again == {"submitted": 0, "already_there": 0, "rejected": 0, "retry_later": 0}
    assert statements.counts(db, site["id"]) == {
        "pending": 0,
        "submitted": 104,
        "rejected": 1,
        "parked": 0,
        "withdrawn": 0,
    }
    assert statements.counts(db, hosting["id"])["pending"] == 1
    with db.session() as s:
        refused = s.get(Statement, bad.id)
        assert refused.submit_state == "rejected" and "decision_facts" in refused.last_error


def test_an_unreachable_database_leaves_everything_to_retry_later(app):
    site = _platform(app)
    seed(app, site, "c1", status="rejected", score=0.95)
    db = db_of(app)
    with StandIn() as tdb:
        url = tdb.url
    result = delivery.submit(db, Client(url, "t", timeout=2), [site["id"]], tries=2, pause=0, sleep=lambda s: None)
    assert result["retry_later"] == 1
    assert statements.counts(db, site["id"])["pending"] == 1


def test_a_wrong_token_stops_the_run_and_changes_nothing(app, database_url):
    site = _platform(app)
    seed(app, site, "c1", status="rejected", score=0.95)
    with StandIn() as tdb:
        out = CliRunner().invoke(
            main, ["dsa", "submit", "--url", tdb.url, "--token", "wrong"], env={"DATABASE_URL": database_url}
        )
        assert out.exit_code == 1 and "MODERATION_TDB_TOKEN" in out.output
        assert statements.counts(db_of(app), site["id"])["pending"] == 1
        out = CliRunner().invoke(
            main,
            ["dsa", "submit", "--url", tdb.url, "--token", tdb.token, "--json"],
            env={"DATABASE_URL": database_url},
        )
        assert json.loads(out.output) == {"submitted": 1, "already_there": 0, "rejected": 0, "retry_later": 0}
        assert list(tdb.statements) == [statements.ready(db_of(app), site["id"])[0]["puid"]]
