"""``moderation feedback import``: a site's history as moderator-labelled examples, idempotent, all or nothing."""

import json

from click.testing import CliRunner
from helpers.models import write_jsonl
from helpers.review import db_of, seed

from moderation.cli.main import main
from moderation.lab import feedback_import
from moderation.storage import labelled_examples
from moderation.storage import review_queue as review
from moderation.storage.tables import LabelledExample

GOOD = [
    {
        "text": "jaja samen beslissen 🙄",
        "stance": "hostile",
        "decision": "approved",
        "decided_at": "2025-03-01T10:00:00Z",
    },
    {"text": "Wat een <b>prutsers</b>", "uncivil": True, "categories": ["insult"], "spans": [[15, 23, "insult"]]},
    {"text": "Alleen een besluit", "decision": "rejected", "reason": "spam"},
    {"text": "Gewoon een vraag?", "stance": "neutral", "uncivil": False, "tags": ["question"]},
]


def _count(app):
    with db_of(app).session() as s:
        return s.query(LabelledExample).count()


def _cli(database_url, *args):
    return CliRunner().invoke(main, list(args), env={"DATABASE_URL": database_url}, catch_exceptions=False)


def test_import_stores_labels_once(app, site, database_url, tmp_path):
    path = write_jsonl(tmp_path / "history.jsonl", GOOD)
    first = _cli(database_url, "feedback", "import", path, "--site", "alpha", "--json")
    assert first.exit_code == 0, first.output
    counts = json.loads(first.output)
    assert counts == {
        "site": "alpha",
        "rows": 4,
        "added": 4,
        "duplicates": 0,
        "stance": 2,
        "incivility": 2,
        "decisions_only": 1,
    }
    again = json.loads(_cli(database_url, "feedback", "import", path, "--site", "alpha", "--json").output)
    assert (again["added"], again["duplicates"]) == (0, 4) and _count(app) == 4
    # the same rows for every site (no --site) are other examples
    assert json.loads(_cli(database_url, "feedback", "import", path, "--json").output)["added"] == 4
    rows = labelled_examples.examples(db_of(app), site["id"])
    assert [r["source"] for r in rows] == ["import"] * 4 and {r["site"] for r in rows} == {"alpha"}
    # a decision without a label is kept, but is no training label
    bare = [r for r in rows if r["text"] == "Alleen een besluit"][0]
    assert "stance" not in bare and "uncivil" not in bare
    # time: decided_at when given
    dated = [r for r in rows if r["text"].startswith("jaja")][0]
    assert dated["at"].isoformat().startswith("2025-03-01T10:00:00")


def test_a_bad_file_stores_nothing_and_says_where(app, site, database_url, tmp_path):
    path = tmp_path / "bad.jsonl"
    lines = [json.dumps(GOOD[0]), "{not json", json.dumps({"text": "x", "stance": "boos"})]
    lines += [json.dumps({"text": "", "decision": "maybe"}), json.dumps({"text": "kort", "spans": [[0, 99]]})]
    lines += [json.dumps({"text": "y", "categories": ["insult"]}), json.dumps({"text": "z", "decided_at": "gisteren"})]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = _cli(database_url, "feedback", "import", str(path), "--site", "alpha")
    assert result.exit_code != 0
    out = result.output
    assert "bad.jsonl:2: not JSON" in out
    assert "bad.jsonl:3: 'stance' must be one of" in out
    assert "bad.jsonl:4: 'text' must be a non-empty string" in out and "bad.jsonl:4: 'decision' must be" in out
    assert "bad.jsonl:5: span [0, 99] is outside the text" in out
    assert "bad.jsonl:6: 'categories' need 'uncivil': true" in out
    assert "bad.jsonl:7: 'decided_at' must be an ISO 8601 time" in out
    assert "nothing was imported" in out and _count(app) == 0
    as_json = _cli(database_url, "feedback", "import", str(path), "--json")
    errors = json.loads(as_json.stdout.splitlines()[0])["errors"]
    assert as_json.exit_code != 0 and [e["line"] for e in errors][:2] == [2, 3]


def test_csv_import_and_unknown_site(app, site, database_url, tmp_path):
    path = tmp_path / "history.csv"
    path.write_text(
        "text,stance,uncivil,categories,decision,decided_at\n"
        '"Die wethouder is een held",neutral,false,,approved,2025-01-02\n'
        '"stelletje zakkenvullers","hostile",true,insult,rejected,2025-01-03T08:00:00+01:00\n',
        encoding="utf-8",
    )
    counts = feedback_import.run(db_of(app), path, site["id"])
    assert counts["added"] == 2 and counts["incivility"] == 2
    rows = labelled_examples.examples(db_of(app), site["id"])
    assert [(r["uncivil"], r["categories"]) for r in rows] == [(False, []), (True, ["insult"])]
    unknown = _cli(database_url, "feedback", "import", str(path), "--site", "nope")
    assert unknown.exit_code != 0 and "no site named 'nope'" in unknown.output


def test_review_shows_what_enters_training_and_conflicts(app, site, database_url, tmp_path):
    feedback_import.run(
        db_of(app),
        write_jsonl(tmp_path / "h.jsonl", [{"text": "Die regels, pff!", "stance": "hostile", "uncivil": False}]),
        site["id"],
    )
    cid = seed(app, site, "c1", text="die regels pff", stance="pro-policy")
    review.correct(db_of(app), None, cid, "mod@example.org", stance="pro-policy", confirm=True)
    approved = seed(app, site, "c2", text="Gewoon goedgekeurd")
    review.decide(db_of(app), None, [approved], "approve", "mod@example.org")
    result = _cli(database_url, "feedback", "review", "--site", "alpha", "--json")
    out = json.loads(result.output)
    stance = out["tasks"]["stance"]
    assert stance["examples"] == 2 and stance["by_source_and_label"] == {
        "correction:pro-policy": 1,
        "import:hostile": 1,
    }
    [conflict] = stance["conflict_examples"]
    assert {x["label"] for x in conflict["labels"]} == {"hostile", "pro-policy"}
    assert "mod@example.org" in {x["actor"] for x in conflict["labels"]}
    # the bare approval enters nothing
    assert out["tasks"]["incivility"]["examples"] == 1
    text = _cli(database_url, "feedback", "review", "--site", "alpha").output
    assert "conflicts (same or near-same text, different labels): 1" in text
