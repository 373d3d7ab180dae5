"""The encoder head served from numpy arrays: same probabilities as scikit-learn, no unpickling."""

import json
import subprocess
import sys

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from moderation.ml import dense_head
from moderation.ml.artefacts import ModelError, encoder_head, sha256_file


@pytest.mark.parametrize("n_classes", [2, 4])
def test_the_arrays_answer_like_the_fitted_regression(tmp_path, n_classes):
    rng = np.random.default_rng(7)
    x, y = rng.normal(size=(300, 16)), np.asarray([f"c{i % n_classes}" for i in range(300)])
    fitted = LogisticRegression(max_iter=500).fit(x + (np.arange(300) % n_classes)[:, None], y)
    dense_head.save(fitted, tmp_path / "head.npz")
    served = dense_head.load(tmp_path / "head.npz")
    probe = rng.normal(size=(50, 16))
    assert list(served.classes_) == list(fitted.classes_)
    np.testing.assert_allclose(served.predict_proba(probe), fitted.predict_proba(probe), rtol=1e-9, atol=1e-12)


def _meta(tmp_path, sha):
    return {"labels": ["a", "b", "c"], "encoder": {"file": "v.encoder.npz", "sha256": sha}}


def test_a_head_whose_hash_does_not_match_is_refused(tmp_path):
    head = dense_head.DenseHead(["a", "b", "c"], np.ones((3, 4)), np.zeros(3))
    dense_head.save(head, tmp_path / "v.encoder.npz")
    good = sha256_file(tmp_path / "v.encoder.npz")
    assert list(encoder_head(tmp_path, _meta(tmp_path, good)).classes_) == ["a", "b", "c"]
    with pytest.raises(ModelError, match="sha256"):
        encoder_head(tmp_path, _meta(tmp_path, "0" * 64))


def test_the_shipped_stance_head_loads_without_scikit_learn():
    script = (
        "import sys, json; from pathlib import Path; from moderation.ml.artefacts import encoder_head\n"
        "d = Path('models/stance'); v = json.loads((d / 'current.json').read_text())['version']\n"
        "meta = json.loads((d / f'{v}.json').read_text())\n"
        "assert meta['encoder']['file'].endswith('.npz'), meta['encoder']['file']\n"
        "head = encoder_head(d, meta)\n"
        "print(json.dumps({'sklearn': 'sklearn' in sys.modules, 'classes': sorted(map(str, head.classes_))}))\n"
    )
    out = json.loads(subprocess.run([sys.executable, "-c", script], check=True, capture_output=True, text=True).stdout)
    assert out == {"sklearn": False, "classes": ["hostile", "neutral", "pro-participation", "pro-policy"]}
