"""Calibrated scores: temperature scaling on out-of-fold scores, and the calibration error measured."""

import numpy as np
import pytest
from helpers.models import corpus, train

from moderation.lab import training
from moderation.lab.evaluation import binary_ece, top_label_ece
from moderation.ml import calibration
from moderation.ml.model_store import load_verified


def test_the_calibration_error_is_the_weighted_gap_between_confidence_and_accuracy():
    assert top_label_ece([0.95] * 20, [True] * 19 + [False]) == pytest.approx(0.0)
    # confident and right half the time: a gap of 0.4
    assert top_label_ece([0.9] * 10, [True, False] * 5) == pytest.approx(0.4)
    # two bins: 0.2 said, 0 right (gap 0.2); 0.8 said, all right (gap 0.2)
    assert binary_ece([0.2, 0.2, 0.8, 0.8], [False, False, True, True]) == pytest.approx(0.2)
    assert binary_ece([], []) == 0.0


def test_temperature_scaling_undoes_overconfidence():
    rng = np.random.default_rng(7)
    true = rng.normal(0, 1.5, 4000)
    y = (rng.random(4000) < 1 / (1 + np.exp(-true))).astype(int)
    beta = calibration.fit_temperature(4 * true, y)  # scores four times too confident
    assert beta == pytest.approx(0.25, abs=0.05)
    before = binary_ece(calibration.probabilities(4 * true)[:, 1], y == 1)
    after = binary_ece(calibration.probabilities(4 * true, beta)[:, 1], y == 1)
    assert after < before / 2
    many = np.column_stack([4 * true, np.zeros(4000)])
    assert calibration.fit_temperature(many, 1 - y) == pytest.approx(0.25, abs=0.05)


@pytest.mark.parametrize("task", ["stance", "incivility"])
def test_training_calibrates_without_moving_any_verdict(tmp_path, task):
    data = corpus(tmp_path, n_per_label=10)
    meta = training.train(
        task, [data], None, tmp_path / "calibrated", cv_folds=3, progress=lambda _: None, encoder="off"
    )
    assert meta["calibration"]["method"] == "temperature" and meta["calibration"]["inverse_temperature"] > 0
    assert "ece" in meta["metrics"]["cross_validation"]
    plain = train(tmp_path, task, tmp_path / "plain", data=data)
    assert plain["calibration"] is None
    calibrated = load_verified(tmp_path / "calibrated" / task, meta["version"]).estimator
    uncalibrated = load_verified(tmp_path / "plain" / task, plain["version"]).estimator
    texts = ["laat de wijk zelf beslissen", "stelletje idioten", "wanneer is de vergadering", "de raad beslist"]
    p, q = calibrated.predict_proba(texts), uncalibrated.predict_proba(texts)
    assert (p.argmax(axis=1) == q.argmax(axis=1)).all()
    if meta["calibration"]["inverse_temperature"] != 1.0:
        assert not np.allclose(p, q)
