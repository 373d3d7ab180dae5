"""The incivility plugin: model score, lexicon spans, categories and evidence combined."""

import json
from pathlib import Path

from plugins import incivility


def analyse(models, texts):
    return [
        f["incivility"] for f in incivility.moderation_analyze(comments=[{"text": t} for t in texts], models=models)
    ]


def test_a_lexicon_hit_makes_a_comment_uncivil_with_its_spans(shipped_models):
    [result] = analyse(shipped_models, ["Die regels zijn kut, laat mensen gewoon zelf beslissen"])
    assert result["uncivil"] and result["score"] >= incivility.LEXICON_CONFIDENCE["profanity"]
    assert result["categories"] == ["profanity"] and result["spans"][0]["text"] == "kut"
    assert result["evidence"] and all(e["weight"] > 0 for e in result["evidence"])


def test_a_civil_comment_has_no_spans_categories_or_evidence(shipped_models):
    [result] = analyse(shipped_models, ["Weet iemand waar het rapport over de gemeenschappelijke regeling staat?"])
    assert not result["uncivil"] and result["spans"] == [] and result["categories"] == []
    assert "evidence" not in result and result["score"] < 0.5


def test_above_the_doubt_band_the_category_model_names_the_category():
    spans = []
    result = incivility.verdict(0.95, spans, {"insult": 0.7, "profanity": 0.2, "threat": 0.1, "identity_attack": 0.0})
    assert result == {"uncivil": True, "score": 0.95, "model_score": 0.95, "categories": ["insult"], "spans": []}
    # no category above one half: the likeliest one
    result = incivility.verdict(0.92, spans, {"insult": 0.3, "profanity": 0.4, "threat": 0.1, "identity_attack": 0.0})
    assert result["categories"] == ["profanity"]
    assert incivility.verdict(0.2, spans, {})["categories"] == []


def test_a_model_only_flag_in_the_doubt_band_is_doubt_without_categories():
    scores = {"insult": 0.2, "profanity": 0.1, "threat": 0.9, "identity_attack": 0.0}
    result = incivility.verdict(0.8, [], scores)
    assert result["uncivil"] and result["doubt"] is True and result["categories"] == []
    # the band is configurable: with 0.5-0.7, 0.8 is above it and named
    assert incivility.verdict(0.8, [], scores, (0.5, 0.7))["categories"] == ["threat"]
    # a lexicon hit is evidence, not doubt
    span = {"start": 0, "end": 3, "text": "kut", "category": "profanity"}
    assert "doubt" not in incivility.verdict(0.8, [span], scores)


def test_the_doubt_band_comes_from_the_config(shipped_models):
    text = ["Die regels zijn kut, laat mensen gewoon zelf beslissen", "Wat een onzin is dit allemaal weer"]
    wide = incivility.moderation_analyze(
        comments=[{"text": t} for t in text], models=shipped_models, config={"DOUBT_BAND": (0.0, 1.0)}
    )
    assert "doubt" not in wide[0]["incivility"]  # the lexicon hit
    assert all(not f["incivility"]["categories"] for f in wide[1:] if f["incivility"].get("doubt"))


def test_threat_spans_name_their_target(shipped_models):
    [aimed, unaimed] = analyse(shipped_models, ["Ik weet waar je woont.", "Het gemeentehuis moet in de fik"])
    assert [s.get("target") for s in aimed["spans"] if s["category"] == "threat"] == ["je"]
    assert [s.get("target") for s in unaimed["spans"] if s["category"] == "threat"] == [None]


def test_spans_come_from_the_lexicon_only():
    span = {"start": 0, "end": 3, "text": "kut", "category": "profanity"}
    result = incivility.verdict(0.1, [span], {"insult": 0.9})
    assert result["uncivil"] and result["categories"] == ["profanity"] and result["spans"] == [span]


def test_harsh_criticism_stays_mostly_civil(shipped_models):
    """tests/data/harsh_civil.jsonl, 30 hand-written sharp but civil comments. The lexicon flags none;
    the model flags some by their angry register (docs/MODEL_CARD.md): a guard, not a target."""
    lines = (Path(__file__).parents[1] / "data" / "harsh_civil.jsonl").read_text(encoding="utf-8").splitlines()
    results = analyse(shipped_models, [json.loads(line)["text"] for line in lines])
    assert all(r["spans"] == [] for r in results)
    assert sum(r["uncivil"] for r in results) <= 12
