"""Training: the artefact and its metadata, the test split kept out, promotion only when not worse."""

import json
from pathlib import Path

import pytest
from helpers.models import corpus, rows, train, write_jsonl

from moderation.lab import training
from moderation.ml import corpus as corpus_module
from moderation.ml.model_store import load_verified, sha256_file


def test_metadata_describes_the_artefact(tmp_path):
    data = corpus(tmp_path)
    test = corpus(tmp_path, n_per_label=3, shift=7, name="test.jsonl")
    meta = training.train("incivility", [data], test, tmp_path / "models", cv_folds=3, progress=lambda _: None)
    task_dir = tmp_path / "models" / "incivility"
    on_disk = json.loads((task_dir / f"{meta['version']}.json").read_text(encoding="utf-8"))
    assert on_disk == meta
    assert meta["sha256"] == sha256_file(task_dir / meta["file"])
    assert meta["labels"] == ["civil", "uncivil"]
    assert meta["sklearn_version"] and meta["python_version"] and meta["dependencies"]["numpy"]
    [source] = meta["training_files"]
    assert source["rows"] == 32 and source["sha256"] == corpus_module.file_sha256(data)
    assert meta["test_file"]["sha256"] == corpus_module.file_sha256(test)
    assert meta["params"]["classifier"] == "lr"
    assert meta["metrics"]["cross_validation"]["n"] == 32
    assert meta["metrics"]["test"]["n"] == 12 and "f1_uncivil" in meta["metrics"]["test"]
    assert meta["promoted"] and meta["size_bytes"] > 0 and meta["train_seconds"] >= 0
    for canary in meta["canaries"]:
        assert canary["expected"] in meta["labels"]
    assert load_verified(task_dir, meta["version"]).version == meta["version"]


def test_the_incivility_model_names_categories(tmp_path):
    meta = train(tmp_path, "incivility", tmp_path / "models")
    model = load_verified(tmp_path / "models" / "incivility", meta["version"])
    from moderation.ml.textmodel import featurize

    [scores] = model.estimator.category_scores(featurize(model.estimator, ["stelletje idioten, prutsers"]))
    assert set(scores) == {"insult", "profanity", "threat", "identity_attack"}
    assert max(scores, key=scores.get) == "insult"


def test_the_test_split_is_never_trained_on(tmp_path):
    data = corpus(tmp_path)
    with pytest.raises(corpus_module.DataError, match="test split"):
        training.train("stance", [data], data, tmp_path / "models", cv_folds=0, progress=lambda _: None)


def test_several_data_files_train_together(tmp_path):
    first = corpus(tmp_path, name="a.jsonl")
    feedback = write_jsonl(
        tmp_path / "feedback.jsonl", [{"text": r["text"], "uncivil": r["uncivil"]} for r in rows(2, shift=4)]
    )
    meta = training.train(
        "incivility", [first, feedback], None, tmp_path / "models", cv_folds=0, progress=lambda _: None
    )
    assert [f["rows"] for f in meta["training_files"]] == [32, 8]
    # a file without the task's label adds nothing to that task
    meta = training.train("stance", [first, feedback], None, tmp_path / "models", cv_folds=0, progress=lambda _: None)
    assert [f["rows"] for f in meta["training_files"]] == [32, 0]


def test_one_label_only_is_an_error(tmp_path):
    data = write_jsonl(tmp_path / "one.jsonl", [{"text": f"tekst {i}", "uncivil": False} for i in range(10)])
    with pytest.raises(corpus_module.DataError, match="no comments labelled uncivil"):
        training.train("incivility", [data], None, tmp_path / "models", cv_folds=0, progress=lambda _: None)


def test_a_file_missing_a_stance_says_to_train_with_the_corpus(tmp_path):
    """A moderator feedback export alone rarely has every stance: a clear error, not a crash."""
    data = write_jsonl(
        tmp_path / "feedback.jsonl",
        [{"text": f"tekst {i}", "stance": ["neutral", "hostile"][i % 2]} for i in range(10)],
    )
    with pytest.raises(corpus_module.DataError, match="pro-participation, pro-policy.*--data training_data"):
        training.train("stance", [data], None, tmp_path / "models", cv_folds=0, progress=lambda _: None)


def test_a_worse_model_is_not_promoted_unless_forced(tmp_path):
    models = tmp_path / "models"
    test = corpus(tmp_path, n_per_label=3, shift=7, name="test.jsonl")
    good = training.train("stance", [corpus(tmp_path)], test, models, cv_folds=0, progress=lambda _: None)
    assert good["promoted"]
    # the same texts with their stance labels rotated: a model that is wrong on the test split
    rotated = rows()
    labels = [r["stance"] for r in rotated]
    for r, label in zip(rotated, labels[1:] + labels[:1]):
        r["stance"] = label
    bad_data = write_jsonl(tmp_path / "rotated.jsonl", rotated)
    bad = training.train("stance", [bad_data], test, models, cv_folds=0, progress=lambda _: None)
    assert not bad["promoted"] and "not promoted" in bad["promotion_note"]
    assert json.loads((models / "stance" / "current.json").read_text())["version"] == good["version"]
    forced = training.train("stance", [bad_data], test, models, force=True, cv_folds=0, progress=lambda _: None)
    assert forced["promoted"] and "forced" in forced["promotion_note"]
    assert json.loads((models / "stance" / "current.json").read_text())["version"] == forced["version"]


def test_progress_is_reported_on_the_long_steps(tmp_path):
    said = []
    training.train("stance", [corpus(tmp_path)], None, tmp_path / "models", cv_folds=3, progress=said.append)
    text = "\n".join(said)
    assert "cross-validation" in text and "fitting on all 32" in text and "fitted" in text


def test_evidence_names_words_of_the_comment(tmp_path):
    meta = train(tmp_path, "stance", tmp_path / "models")
    model = load_verified(tmp_path / "models" / "stance", meta["version"])
    from moderation.ml.textmodel import predict

    text = "De raad beslist, beleid is bindend"
    probs, [why] = predict(model.estimator, [text])
    assert why and all(w["weight"] > 0 for w in why)
    assert all(w["term"].split()[0] in text.lower() for w in why)


@pytest.mark.slow
def test_the_real_corpus_reaches_the_quality_targets(tmp_path):
    """Both tasks on the real training files, scored on the test split as drawn in November (b01-b08,
    where the targets were set; a few seconds each).  The 120 rows of b10 that joined the split in
    December are real-comment kinds (mostly hostile and neutral, minimal pairs); their figures are
    reported separately in docs/MODEL_CARD.md."""
    from moderation.ml.datasets import default_test_split, default_training_files

    lines = Path(default_test_split()).read_text(encoding="utf-8").splitlines()
    november = tmp_path / "test_november.jsonl"
    november.write_text("\n".join(line for line in lines if not json.loads(line)["id"].startswith("b10-")) + "\n")
    assert len(november.read_text().splitlines()) == 571
    for task, headline, target in (("stance", "macro_f1", 0.80), ("incivility", "f1_uncivil", 0.90)):
        meta = training.train(
            task,
            default_training_files(),
            str(november),
            tmp_path / "models",
            cv_folds=0,
            progress=lambda _: None,
        )
        assert meta["metrics"]["test"][headline] >= target, (task, meta["metrics"]["test"][headline])
        assert meta["size_bytes"] < 20e6
