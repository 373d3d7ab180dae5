"""Scoring texts with a model: probabilities and, in the same pass, evidence.

Works on the served form (moderation.ml.linear: numpy only) and on a fitted
scikit-learn pipeline (training, evaluation, the older pickled artefacts);
scikit-learn is imported only for the latter, so serving never loads it.
"""

import numpy as np

from moderation.ml import evidence
from moderation.ml.features import Rows, featurize


def probabilities(model, x: Rows):
    """One row per text, columns in ``model.classes_`` order.  For logistic regression
    computed directly (softmax, or the logistic function for two classes), which
    skips scikit-learn's per-call checks; tests hold it equal to ``predict_proba``."""
    direct = getattr(model, "probabilities", None)
    if direct is not None:
        return direct(x)
    from sklearn.linear_model import LogisticRegression

    clf = model.named_steps["clf"]
    if type(clf) is not LogisticRegression:
        return clf.predict_proba(x.csr())
    scores = x.dot(clf.coef_) + clf.intercept_
    if scores.shape[1] == 1:
        positive = 1.0 / (1.0 + np.exp(-scores[:, 0]))
        return np.column_stack([1.0 - positive, positive])
    scores = np.exp(scores - scores.max(axis=1, keepdims=True))
    return scores / scores.sum(axis=1, keepdims=True)


def predict(model, texts: list[str], evidence_for=None, k: int = 5):
    """Probabilities (one row per text, columns in ``classes_`` order) and, for the
    texts whose index is in ``evidence_for`` (default: all), the words that pushed
    each towards its predicted label; the texts are featurised once."""
    x = featurize(model, texts)
    probs = probabilities(model, x)
    wanted = range(len(texts)) if evidence_for is None else evidence_for
    return probs, evidence.evidence_rows(model, texts, x, np.argmax(probs, axis=1), wanted, k)
