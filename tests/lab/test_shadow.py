"""The shadow evaluation and its promotion rule; training with feedback on tiny data; models compare."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner
from helpers.models import corpus, rows, train, write_jsonl

from moderation.cli.main import main
from moderation.lab import compare, feedback_training, shadow
from moderation.ml.corpus import DataError
from moderation.ml.model_store import load_verified

T0 = datetime(2025, 1, 1, tzinfo=UTC)


def figures(held, test):
    return {"version": "v", "held_out": {"headline": held}, "test": {"headline": test}}


def test_the_newest_fifth_is_held_out():
    examples = [{"text": str(i), "at": T0 + timedelta(days=i)} for i in range(10)]
    older, held = shadow.split_by_time(list(reversed(examples)))
    assert [r["text"] for r in held] == ["8", "9"] and len(older) == 8
    older, held = shadow.split_by_time(examples, share=0.05)  # never less than 20%
    assert len(held) == 2
    assert shadow.split_by_time(examples[:3])[1] == [examples[2]]


def test_the_promotion_rule():
    assert shadow.decide("stance", figures(0.8, 0.83), figures(0.7, 0.84))[0] is True  # within the margin
    ok, note = shadow.decide("stance", figures(0.8, 0.80), figures(0.7, 0.84))
    assert not ok and "more than 0.02 below" in note
    ok, note = shadow.decide("stance", figures(0.7, 0.9), figures(0.7, 0.84))
    assert not ok and "not better" in note
    assert shadow.decide("stance", figures(0.1, 0.1), None)[0] is True


def dated(items, start=0):
    return [{**r, "at": T0 + timedelta(hours=start + i), "source": "import", "site": "s"} for i, r in enumerate(items)]


def test_a_candidate_that_is_not_better_is_not_promoted(tmp_path):
    models = tmp_path / "models"
    data = corpus(tmp_path)
    test = corpus(tmp_path, n_per_label=2, shift=5, name="test.jsonl")
    current = train(tmp_path, "stance", models, data=data)
    # feedback that is the corpus itself: the candidate learns nothing new
    meta = feedback_training.train(
        "stance", [data], test, models, dated(rows()), weight=1, min_examples=1, progress=lambda _: None
    )
    assert meta["promoted"] is False and "not better" in meta["promotion_note"]
    assert json.loads((models / "stance" / "current.json").read_text())["version"] == current["version"]
    report = feedback_training.report(meta)
    assert report["current"]["version"] == current["version"] and report["candidate"]["held_out"]["n"] == 7
    assert report["compared"]["test_margin"] == shadow.TEST_MARGIN


def test_a_site_needs_enough_examples_and_no_feedback_trains_as_usual(tmp_path):
    data = corpus(tmp_path)
    with pytest.raises(DataError, match="needs 300"):
        feedback_training.train("stance", [data], None, tmp_path / "m", dated(rows(2)), site="s", min_examples=300)
    assert feedback_training.train("stance", [data], None, tmp_path / "m", [], site="s") is None


def test_train_feedback_without_examples_trains_on_the_corpus(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite'}")
    monkeypatch.setenv("MODERATION_MODELS_DIR", str(tmp_path / "models"))
    runner = CliRunner()
    assert runner.invoke(main, ["db", "upgrade"]).exit_code == 0
    data = corpus(tmp_path)
    result = runner.invoke(main, ["train", "--task", "stance", "--feedback", "--data", data, "--json"])
    assert result.exit_code == 0, result.output
    assert "no moderator-labelled examples yet" in result.stderr and json.loads(result.stdout)["promoted"] is True
    refused = runner.invoke(main, ["train", "--task", "stance", "--site", "x", "--data", data])
    assert refused.exit_code != 0 and "add --feedback" in refused.output


def test_compare_shows_per_class_confusion_difference_and_flips(tmp_path, monkeypatch):
    models = tmp_path / "models"
    a = train(tmp_path, "stance", models, data=corpus(tmp_path, n_per_label=2, name="a.jsonl"))
    b = train(tmp_path, "stance", models, data=corpus(tmp_path, n_per_label=8, shift=2, name="b.jsonl"), force=True)
    test_rows = rows(3, shift=6)
    result = compare.compare(
        load_verified(models / "stance", a["version"]), load_verified(models / "stance", b["version"]), test_rows
    )
    assert result["a"]["version"] == a["version"] and result["n"] == len(test_rows)
    assert set(result["per_class"]) == {"pro-participation", "pro-policy", "hostile", "neutral"}
    assert sum(map(sum, result["confusion_difference"]["matrix"])) == 0  # same rows: B moves verdicts around
    flips = result["flips"]
    assert flips["total"] == len(flips["examples"]) or len(flips["examples"]) == 10
    for flip in flips["examples"]:
        assert flip["a"] != flip["b"]
    monkeypatch.setenv("MODERATION_MODELS_DIR", str(models))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite'}")
    data = write_jsonl(tmp_path / "eval.jsonl", test_rows)
    out = CliRunner().invoke(main, ["models", "compare", a["version"], b["version"], "--data", data, "--json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["b"]["version"] == b["version"]
    text = CliRunner().invoke(main, ["models", "compare", a["version"], b["version"], "--data", data]).output
    assert "confusion B - A" in text and "verdicts flip" in text
    missing = CliRunner().invoke(main, ["models", "compare", "nope", b["version"]])
    assert missing.exit_code != 0 and "no model version nope" in missing.output
