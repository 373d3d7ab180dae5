"""Calibrated scores: the calibration error measured, and both tasks trained with a calibrated classifier."""

import pytest
from helpers.models import train
from sklearn.calibration import CalibratedClassifierCV

from moderation.lab.evaluation import binary_ece, top_label_ece
from moderation.ml.model_store import load_verified


def test_the_calibration_error_is_the_weighted_gap_between_confidence_and_accuracy():
    assert top_label_ece([0.95] * 20, [True] * 19 + [False]) == pytest.approx(0.0)
    # confident and right half the time: a gap of 0.4
    assert top_label_ece([0.9] * 10, [True, False] * 5) == pytest.approx(0.4)
    # two bins: 0.2 said, 0 right (gap 0.2); 0.8 said, all right (gap 0.2)
    assert binary_ece([0.2, 0.2, 0.8, 0.8], [False, False, True, True]) == pytest.approx(0.2)
    assert binary_ece([], []) == 0.0


@pytest.mark.parametrize("task", ["stance", "incivility"])
def test_both_tasks_are_trained_calibrated(tmp_path, task):
    meta = train(tmp_path, task, tmp_path / "models", encoder="off")
    assert meta["params"]["calibration"] == "temperature"
    model = load_verified(tmp_path / "models" / task, meta["version"])
    clf = model.estimator.named_steps["clf"]
    assert isinstance(clf, CalibratedClassifierCV) and clf.method == "temperature"
