"""The model building blocks: the serving shortcuts equal scikit-learn, evidence for every candidate."""

import pickle

import numpy as np
import pytest
from helpers.models import rows

from moderation.ml import evidence, textmodel
from moderation.ml import features as text_features

TEXTS = [
    "De raad beslist, beleid is bindend!",
    "",
    "!!!",
    "onbekendwoordxyz onbekendwoordxyz",
    "Laat de wijk zelf beslissen, meer ruimte voor bewoners en experimenten",
    "Wat een klotesysteem, stelletje idioten op het stadhuis. Stelletje IDIOTEN.",
]


def fitted(task="stance", **params):
    data = rows()
    labels = [r["stance"] if task == "stance" else ("uncivil" if r["uncivil"] else "civil") for r in data]
    return textmodel.prepare(textmodel.build(textmodel.params_for(task, params)).fit([r["text"] for r in data], labels))


@pytest.mark.parametrize("task", ["stance", "incivility"])
def test_the_serving_path_equals_scikit_learn(task):
    model = fitted(task)
    fast = text_features.featurize(model, TEXTS)
    slow = model.named_steps["features"].transform(TEXTS)
    assert abs(fast.csr() - slow).max() < 1e-6
    assert np.allclose(textmodel.probabilities(model, fast), model.predict_proba(TEXTS))


def test_features_include_stems_and_compound_parts():
    features = text_features.Tokens()("Klotesystemen en regeltjesneukers")
    assert {"klotesystemen", "~klotesystem", "klote-", "-ukers", "regel-", "klotesystemen en"} <= set(features)
    assert text_features.stem("gemeenten") == "gemeent" and text_features.stem("regeltjes") == "regel"


def test_the_word_cache_is_not_pickled():
    analyzer = text_features.Tokens()
    analyzer("een paar woorden")
    text_features.featurize(fitted(), ["een paar woorden"])
    assert analyzer.__dict__.get("_cache")
    assert "_cache" not in pickle.loads(pickle.dumps(analyzer)).__dict__


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"classifier": "svm", "C": 0.5},
        {"classifier": "sgd"},
        {"classifier": "cnb", "alpha": 0.3},
        {"vectorizer": "hashing"},
        {"char_ngrams": [3, 4]},
    ],
)
def test_every_candidate_predicts_with_evidence_from_the_text(params):
    model = fitted("stance", **params)
    probs, why = textmodel.predict(model, TEXTS)
    assert probs.shape == (len(TEXTS), 4) and np.allclose(probs.sum(axis=1), 1)
    words = set(" ".join(TEXTS).lower().replace(",", " ").replace("!", " ").replace(".", " ").split())
    assert why[0], params
    for ev in why:
        for item in ev:
            assert item["weight"] > 0 and set(item["term"].lower().split()) <= words, (params, item)


def test_evidence_points_at_what_made_a_comment_uncivil():
    model = fitted("incivility")
    [why] = evidence.evidence(model, ["stelletje idioten, wat een kut gemeente"], ["uncivil"])
    assert {"idioten", "kut"} & {w["term"] for w in why}
    assert evidence.evidence(model, ["iets"], ["no-such-label"]) == [[]]


def test_evidence_shows_no_bare_function_words(shipped_models):
    from moderation.ml.evidence import FUNCTION_WORDS, evidence

    model = shipped_models.get("incivility")
    text = "Die ambtenaren zijn echt zakkenvullers, schrap die hele afdeling maar. @Joke lees dit eens"
    [terms] = evidence(model.estimator, [text], ["uncivil"])
    assert terms and terms[0]["term"] == "zakkenvullers"
    assert not any(set(t["term"].split()) <= FUNCTION_WORDS for t in terms)
    [terms] = evidence(model.estimator, ["Wat een k*t gemeente, allemaal prutsers daar"], ["uncivil"])
    assert terms and not any(all(len(w) < 2 or w in FUNCTION_WORDS for w in t["term"].split()) for t in terms)
