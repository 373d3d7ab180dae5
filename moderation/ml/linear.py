"""The serving form of a text model: plain numpy arrays, no scikit-learn, no pickle.

A trained tf-idf + logistic-regression model is written as one ``<version>.npz``
(``numpy.savez``, read back with ``allow_pickle=False``): the feature names in
column order (one UTF-8 blob, newline-separated), the idf, the analyzer's
settings, the classes, the coefficients and intercepts, and for incivility the
one-vs-rest category models.  The model store checks its sha256 before reading
it (model_store.py), exactly as for the older joblib pickles, which still load.

``FeatureSpace`` is the analyzer, the vocabulary and the idf.  Models trained
on the same texts with the same settings share one space (the model store
reuses it when the space's fingerprint matches), and a space keeps the rows of
the last batch it featurised per thread: stance, incivility, its categories and
evidence all read one tf-idf matrix per comment, built in one pass.
"""

import hashlib
import json
import threading
from collections import Counter

import numpy as np

from moderation.ml.features import Rows, Tokens

FORMAT = "linear-npz/1"


class FeatureSpace:
    def __init__(self, analyzer: Tokens, names: list[str], idf: np.ndarray, fingerprint: str = ""):
        self.analyzer = analyzer
        self.names = names
        self.idf = np.asarray(idf, dtype=np.float64)
        self.vocabulary = dict(zip(names, range(len(names))))
        self.fingerprint = fingerprint
        self._last = threading.local()

    def rows(self, texts) -> Rows:
        """The tf-idf rows (sublinear tf, idf, l2) of ``texts``; the last batch is kept per thread."""
        texts = tuple(texts)
        last = getattr(self._last, "batch", None)
        if last is not None and last[0] == texts:
            return last[1]
        rows = self._featurize(texts)
        self._last.batch = (texts, rows)
        return rows

    def _featurize(self, texts) -> Rows:
        columns_of, vocabulary = self.analyzer.columns, self.vocabulary
        indices, counts, indptr = [], [], [0]
        for text in texts:
            row = Counter(columns_of(text, vocabulary))
            indices += row.keys()
            counts += row.values()
            indptr.append(len(indices))
        columns = np.asarray(indices, dtype=np.int32)
        data = (np.log(np.asarray(counts, dtype=np.float64)) + 1.0) * self.idf[columns]
        rows = np.repeat(np.arange(len(texts)), np.diff(indptr))
        norms = np.sqrt(np.bincount(rows, weights=data * data, minlength=len(texts)))
        data /= np.where(norms > 0, norms, 1.0)[rows]
        return Rows(np.asarray(indptr, dtype=np.int64), columns, data, len(self.names))


class LinearModel:
    """A logistic regression on a feature space; ``category_scores`` for incivility's categories.

    Answers like the fitted scikit-learn pipeline it was exported from
    (``classes_``, ``predict_proba``), to the same figures."""

    def __init__(self, space, classes, coef, intercept, category_names=(), categories=None):
        self.space = space
        self.classes_ = np.asarray(classes)
        self.coef_ = np.asarray(coef, dtype=np.float64)
        self.intercept_ = np.asarray(intercept, dtype=np.float64)
        self.category_names = list(category_names)
        self.categories = categories or {}  # name: (coef (n,), intercept)
        self._evidence_weights = None

    def probabilities(self, x: Rows) -> np.ndarray:
        return _logistic(x.dot(self.coef_) + self.intercept_)

    def predict_proba(self, texts) -> np.ndarray:
        return self.probabilities(self.space.rows(list(texts)))

    def category_scores(self, x: Rows) -> list[dict]:
        """``{category: probability}`` per row of ``x`` (0.0 for a category training never showed)."""
        names = [n for n in self.category_names if n in self.categories]
        scores = {}
        if names:
            coef = np.vstack([self.categories[n][0] for n in names])
            intercept = np.asarray([self.categories[n][1] for n in names])
            z = x.dot(coef) + intercept
            scores = {n: 1.0 / (1.0 + np.exp(-z[:, k])) for k, n in enumerate(names)}
        return [
            {n: float(scores[n][i]) if n in scores else 0.0 for n in self.category_names} for i in range(x.shape[0])
        ]

    def evidence_weights(self) -> np.ndarray:
        """Per label, each feature's weight towards it (see evidence.py)."""
        if self._evidence_weights is None:
            coef = self.coef_
            weights = np.vstack([-coef[0], coef[0]]) if coef.shape[0] == 1 else coef - coef.mean(axis=0)
            self._evidence_weights = weights.astype(np.float32)
        return self._evidence_weights


def _logistic(scores):
    if scores.shape[1] == 1:
        positive = 1.0 / (1.0 + np.exp(-scores[:, 0]))
        return np.column_stack([1.0 - positive, positive])
    scores = np.exp(scores - scores.max(axis=1, keepdims=True))
    return scores / scores.sum(axis=1, keepdims=True)


def exportable(pipeline) -> bool:
    """Whether a fitted model (a pipeline or textmodel.WithCategories) has a serving form here."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    features, clf = pipeline.named_steps["features"], pipeline.named_steps["clf"]
    return (
        isinstance(features, TfidfVectorizer)
        and isinstance(features.analyzer, Tokens)
        and features.sublinear_tf
        and features.use_idf
        and features.norm == "l2"
        and type(clf) is LogisticRegression
    )


def save(pipeline, path) -> None:
    """Write a fitted, exportable model as ``path`` (an .npz)."""
    features, clf = pipeline.named_steps["features"], pipeline.named_steps["clf"]
    names = [str(n) for n in features.get_feature_names_out()]
    if any("\n" in n for n in names):
        raise ValueError("a feature name holds a newline; it cannot be exported")
    analyzer = features.analyzer
    settings = {
        "word_ngrams": analyzer.word_ngrams,
        "stem": analyzer.stem,
        "affixes": analyzer.affixes,
        "char_ngrams": list(analyzer.char_ngrams) if analyzer.char_ngrams else None,
    }
    categories = getattr(pipeline, "categories", None) or {}
    category_names = list(getattr(pipeline, "category_names", []))
    learnt = [n for n in category_names if n in categories]
    arrays = {
        "format": _blob(FORMAT),
        "analyzer": _blob(json.dumps(settings, sort_keys=True)),
        "features": _blob("\n".join(names)),
        "idf": np.asarray(features.idf_, dtype=np.float64),
        "classes": _blob("\n".join(str(c) for c in clf.classes_)),
        "coef": np.asarray(clf.coef_, dtype=np.float64),
        "intercept": np.asarray(clf.intercept_, dtype=np.float64),
        "category_names": _blob("\n".join(category_names)),
        "categories_learnt": _blob("\n".join(learnt)),
        "category_coef": np.vstack([categories[n].coef_[0] for n in learnt]) if learnt else np.zeros((0, len(names))),
        "category_intercept": np.asarray([categories[n].intercept_[0] for n in learnt], dtype=np.float64),
    }
    with open(path, "wb") as f:
        np.savez(f, **arrays)  # type: ignore[arg-type]


def load(path, spaces=None) -> LinearModel:
    """Read an .npz written by ``save`` (never unpickling); ``spaces``: a dict of feature spaces
    by fingerprint to share with models already loaded."""
    with np.load(path, allow_pickle=False) as npz:
        if _text(npz["format"]) != FORMAT:
            raise ValueError(f"format {_text(npz['format'])!r}, expected {FORMAT!r}")
        features_blob, idf, settings = npz["features"], npz["idf"], _text(npz["analyzer"])
        fingerprint = hashlib.sha256(features_blob.tobytes() + idf.tobytes() + settings.encode()).hexdigest()
        space = spaces.get(fingerprint) if spaces is not None else None
        if space is None:
            params = json.loads(settings)
            analyzer = Tokens(params["word_ngrams"], params["stem"], params["affixes"], params["char_ngrams"])
            names = _text(features_blob).split("\n")
            if len(names) != len(idf):
                raise ValueError(f"{len(names)} feature names for {len(idf)} idf values")
            space = FeatureSpace(analyzer, names, idf, fingerprint)
            if spaces is not None:
                spaces[fingerprint] = space
        coef = npz["coef"]
        if coef.shape[1] != len(space.names):
            raise ValueError(f"coefficients for {coef.shape[1]} features, the vocabulary has {len(space.names)}")
        learnt = _lines(npz["categories_learnt"])
        categories = {
            n: (npz["category_coef"][k].astype(np.float64), float(npz["category_intercept"][k]))
            for k, n in enumerate(learnt)
        }
        return LinearModel(
            space, _lines(npz["classes"]), coef, npz["intercept"], _lines(npz["category_names"]), categories
        )


def _blob(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-8"), dtype=np.uint8)


def _text(blob) -> str:
    return blob.tobytes().decode("utf-8")


def _lines(blob) -> list[str]:
    text = _text(blob)
    return text.split("\n") if text else []
