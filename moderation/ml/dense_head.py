"""The stance model's encoder head as numpy arrays: a multinomial logistic regression on
sentence embeddings, saved with ``numpy.savez`` and read back with ``allow_pickle=False``, so
serving it needs neither unpickling nor scikit-learn (the import alone costs a worker a second)."""

import numpy as np

FORMAT = "dense-head-npz/1"


class DenseHead:
    """Answers like the fitted ``LogisticRegression`` it was exported from (``classes_``, ``predict_proba``)."""

    def __init__(self, classes, coef, intercept):
        self.classes_ = np.asarray(classes)
        self.coef_ = np.asarray(coef, dtype=np.float64)
        self.intercept_ = np.asarray(intercept, dtype=np.float64)

    def predict_proba(self, x) -> np.ndarray:
        scores = np.asarray(x, dtype=np.float64) @ self.coef_.T + self.intercept_
        if scores.shape[1] == 1:  # two classes: scikit-learn keeps one row of weights
            positive = 1.0 / (1.0 + np.exp(-scores[:, 0]))
            return np.column_stack([1.0 - positive, positive])
        scores -= scores.max(axis=1, keepdims=True)
        exp = np.exp(scores)
        return exp / exp.sum(axis=1, keepdims=True)


def save(head, path) -> None:
    """Write a fitted head (anything with ``classes_``, ``coef_`` and ``intercept_``)."""
    with open(path, "wb") as f:
        np.savez(
            f,
            format=np.asarray(FORMAT),
            classes=np.asarray([str(c) for c in head.classes_]),
            coef=np.asarray(head.coef_, dtype=np.float64),
            intercept=np.asarray(head.intercept_, dtype=np.float64),
        )


def load(path) -> DenseHead:
    with np.load(path, allow_pickle=False) as npz:
        if str(npz["format"]) != FORMAT:
            raise ValueError(f"not a {FORMAT} file")
        return DenseHead([str(c) for c in npz["classes"]], npz["coef"], npz["intercept"])
