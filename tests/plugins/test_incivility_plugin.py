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


def test_without_a_span_the_category_model_names_the_category():
    spans = []
    result = incivility.verdict(0.8, spans, {"insult": 0.7, "profanity": 0.2, "threat": 0.1, "identity_attack": 0.0})
    assert result == {"uncivil": True, "score": 0.8, "model_score": 0.8, "categories": ["insult"], "spans": []}
    # no category above one half: the likeliest one
    result = incivility.verdict(0.6, spans, {"insult": 0.3, "profanity": 0.4, "threat": 0.1, "identity_attack": 0.0})
    assert result["categories"] == ["profanity"]
    assert incivility.verdict(0.2, spans, {})["categories"] == []


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
