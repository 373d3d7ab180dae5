"""The transparency report's figures, computed from the audit trail, against a known set of decisions."""

import csv
import io
import json
from datetime import UTC, datetime, timedelta

from click.testing import CliRunner
from helpers.api import auth
from helpers.review import add_moderator, db_of, seed

from moderation.cli.main import main
from moderation.dsa import report
from moderation.storage import appeals, dsa_report, notices, review_queue, sites
from moderation.storage import comments as records
from moderation.storage.dsa_tables import Appeal, Notice
from moderation.storage.tables import utcnow

ILLEGAL = {
    "ground": "illegal",
    "legal_ground": "art. 261 Sr (smaad)",
    "category": "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH",
    "explanation": "Smaad.",
    "notifier": {"email": "anna@example.org"},
    "bona_fide": True,
}
TERMS = {
    "ground": "terms",
    "terms_ground": "Huisregel 4: blijf bij het onderwerp",
    "category": "STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE",
    "explanation": "Off-topic.",
    "notifier": {"email": "bob@example.org"},
    "bona_fide": True,
}


def _times(app, model, row_id, received, hours):
    with db_of(app).session() as s:
        row = s.get(model, row_id)
        row.received_at, row.decided_at = received, received + timedelta(hours=hours)


def test_the_report_matches_the_decisions_made(app, client, database_url):
    db = db_of(app)
    site = records.create_site(db, "krant")
    sites.update_dsa(db, "krant", role="platform")
    add_moderator(app, "first@example.org")
    add_moderator(app, "second@example.org")
    year = utcnow().year
    jan = datetime(year, 1, 5, 10, 0, tzinfo=UTC)

    a = seed(app, site, "A", status="rejected", score=0.97)  # automatic refusal; appeal upheld
    b = seed(app, site, "B", status="rejected", score=0.95)  # automatic refusal, overturned by a moderator
    review_queue.decide(db, None, [b], "approve", "first@example.org")
    c = seed(app, site, "C", status="approved", score=0.1)  # illegal notice upheld: overturned
    n_c = client.post("/api/v1/notices", json={**ILLEGAL, "comment_external_id": "C"}, headers=auth(site)).get_json()
    notices.decide(db, None, [c], "reject", "first@example.org", reason="insult")
    d = seed(app, site, "D", status="approved", score=0.1)  # terms notice dismissed
    n_d = client.post("/api/v1/notices", json={**TERMS, "comment_external_id": "D"}, headers=auth(site)).get_json()
    notices.decide(db, None, [d], "approve", "first@example.org")
    f = seed(app, site, "F", status="approved", score=0.1)  # dismissed, then the same notice again: automatic
    n_f1 = client.post("/api/v1/notices", json={**TERMS, "comment_external_id": "F"}, headers=auth(site)).get_json()
    notices.decide(db, None, [f], "approve", "first@example.org")
    n_f2 = client.post("/api/v1/notices", json={**TERMS, "comment_external_id": "F"}, headers=auth(site)).get_json()
    assert n_f2["state"] == "dismissed"
    e = seed(app, site, "E", status="pending", score=0.6)  # flagged, refused by a moderator; appeal reversed
    review_queue.decide(db, None, [e], "reject", "first@example.org", reason="spam")
    body = {"appellant": "author", "text": "Dit is geen spam."}
    ap_a = client.post("/api/v1/appeals", json={**body, "comment_external_id": "A"}, headers=auth(site)).get_json()
    ap_e = client.post("/api/v1/appeals", json={**body, "comment_external_id": "E"}, headers=auth(site)).get_json()
    appeals.decide(db, None, [a], "reject", "second@example.org")
    appeals.decide(db, None, [e], "approve", "second@example.org")
    for notice, hours in ((n_c, 2), (n_d, 4), (n_f1, 6), (n_f2, 0)):
        _times(app, Notice, notice["id"], jan, hours)
    _times(app, Appeal, ap_a["id"], jan, 24)
    _times(app, Appeal, ap_e["id"], jan, 48)

    figures = report.compute(dsa_report.rows(db, "krant", year))
    assert figures["notices"] == {
        "received": 4,
        "by_category": {
            "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH": 1,
            "STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE": 3,
        },
        "by_ground": {"illegal": 1, "terms": 3},
        "handled_by_automated_means": 1,
        "upheld": 1,
        "dismissed": 3,
        "open": 0,
        "median_hours_to_action": 3.0,
    }
    assert figures["own_initiative"] == {
        "total": 3,
        "by_type": {"DECISION_VISIBILITY_CONTENT_REMOVED": 3},
        "by_detection": {"automated": 3, "not_automated": 0},
        "by_decision": {"AUTOMATED_DECISION_FULLY": 2, "AUTOMATED_DECISION_PARTIALLY": 1},
        "by_ground": {"DECISION_GROUND_INCOMPATIBLE_CONTENT": 3},
        "by_category": {"STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE": 3},
    }
    assert figures["appeals"] == {
        "received": 2,
        "by_basis": {"author": 2},
        "by_outcome": {"reversed": 1, "upheld": 1},
        "median_hours_to_decide": 36.0,
        "reversed": 1,
    }
    assert figures["automated_means"] == {
        "automatic_decisions": 5,
        "overturned_by_moderators": 2,
        "accuracy": 0.6,
        "error_rate": 0.4,
        "audit_sample": None,
    }
    assert report.compute(dsa_report.rows(db, "krant", year - 1))["notices"]["received"] == 0

    runner = CliRunner()
    env = {"DATABASE_URL": database_url}
    out = runner.invoke(main, ["dsa", "report", "--site", "krant", "--year", str(year), "--format", "csv"], env=env)
    assert out.exit_code == 0, out.output
    rows = list(csv.DictReader(io.StringIO(out.output)))
    assert {
        "site": "krant",
        "year": str(year),
        "section": "appeals",
        "metric": "reversed",
        "key": "",
        "value": "1",
    } in rows
    out = runner.invoke(main, ["dsa", "report", "--site", "krant", "--year", str(year)], env=env)
    assert json.loads(out.output)["automated_means"]["accuracy"] == 0.6
    out = runner.invoke(main, ["dsa", "report", "--site", "nope", "--year", str(year)], env=env)
    assert out.exit_code != 0 and "no site named" in out.output
