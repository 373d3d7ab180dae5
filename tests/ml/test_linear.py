"""The served model form (numpy arrays, no pickle): same answers as the scikit-learn model,
one feature space shared by the tasks, one featurisation per comment, no scikit-learn at serving."""

import subprocess
import sys

import numpy as np
from helpers.models import corpus, train

from moderation import vocabulary as vocab
from moderation.ml import corpus as ml_corpus
from moderation.ml import linear, textmodel
from moderation.ml.features import featurize
from moderation.ml.model_store import ModelStore, load_verified

TEXTS = ["wat een kut gemeente, stelletje idioten", "laat de wijk zelf beslissen", "de raad beslist vandaag"]


def test_the_served_form_answers_as_the_fitted_pipeline(tmp_path):
    data = corpus(tmp_path)
    texts, labels, _ = ml_corpus.labelled([data], "incivility")
    fitted = textmodel.WithCategories(textmodel.build(textmodel.params_for("incivility")), vocab.CATEGORIES)
    fitted.fit(texts, labels, ml_corpus.categories_of([data]))
    textmodel.prepare(fitted)
    linear.save(fitted, tmp_path / "m.npz")
    served = linear.load(tmp_path / "m.npz")
    assert list(served.classes_) == [str(c) for c in fitted.classes_]
    assert np.allclose(served.predict_proba(TEXTS), fitted.predict_proba(TEXTS), atol=1e-9)
    x_served, x_fitted = featurize(served, TEXTS), featurize(fitted, TEXTS)
    for mine, theirs in zip(served.category_scores(x_served), fitted.category_scores(x_fitted)):
        assert mine.keys() == theirs.keys() and all(abs(mine[k] - theirs[k]) < 1e-9 for k in mine)
    # the file holds no pickle: numpy reads it with pickles refused
    with np.load(tmp_path / "m.npz", allow_pickle=False) as npz:
        assert "coef" in npz.files and npz["coef"].dtype == np.float64


def test_training_writes_npz_and_the_tasks_share_one_feature_space(tmp_path):
    models_dir = tmp_path / "models"
    data = corpus(tmp_path)
    stance = train(tmp_path, "stance", models_dir, data=data)
    incivility = train(tmp_path, "incivility", models_dir, data=data)
    assert stance["format"] == incivility["format"] == linear.FORMAT and stance["file"].endswith(".npz")
    store = ModelStore(models_dir)
    store.poll(force=True)
    a, b = store.get("stance").estimator, store.get("incivility").estimator
    assert a.space is b.space
    # alone, each loads its own space (verification does not depend on sharing)
    assert load_verified(models_dir / "stance", stance["version"]).estimator.space is not a.space


def test_a_comment_is_featurised_once_for_all_tasks(tmp_path, monkeypatch):
    models_dir = tmp_path / "models"
    data = corpus(tmp_path)
    train(tmp_path, "stance", models_dir, data=data)
    train(tmp_path, "incivility", models_dir, data=data)
    monkeypatch.setenv("MODERATION_MODELS_DIR", str(models_dir))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite'}")
    from moderation.app import create_app

    app = create_app({"TESTING": True})
    pipeline = app.extensions["moderation"].pipeline
    space = app.extensions["moderation"].models.get("stance").estimator.space
    calls = []
    original = space._featurize
    monkeypatch.setattr(space, "_featurize", lambda texts: calls.append(len(texts)) or original(texts))
    [analysis] = pipeline.analyze([{"text": "wat een kut gemeente, stelletje idioten"}])
    assert analysis["stance"] and analysis["incivility"]["uncivil"] and analysis["incivility"]["evidence"]
    assert calls == [1]
    pipeline.analyze([{"text": t} for t in TEXTS])
    assert calls == [1, 3]


def test_serving_imports_neither_scikit_learn_nor_joblib(tmp_path):
    models_dir = tmp_path / "models"
    data = corpus(tmp_path)
    train(tmp_path, "stance", models_dir, data=data)
    train(tmp_path, "incivility", models_dir, data=data)
    code = (
        "import sys\n"
        "from moderation.app import create_app\n"
        "app = create_app()\n"
        "[(a, d)] = app.extensions['moderation'].pipeline.run([{'text': 'stelletje idioten', 'site': 's'}], {})\n"
        "assert a['stance'] and a['incivility'] and not a['errors'], a\n"
        "print(sorted(m for m in ('sklearn', 'joblib', 'scipy') if m in sys.modules))\n"
    )
    env = {"MODERATION_MODELS_DIR": str(models_dir), "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}"}
    out = subprocess.run(
        [sys.executable, "-c", code], env={**__import__("os").environ, **env}, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "[]"
