"""The scikit-learn models behind the built-in plugins: how they are built and how they predict.

One place says how a text classifier is built (``build``: the features of
moderation.ml.features, then a linear classifier), which settings each task
uses by default (``TASK_PARAMS``, the winners of the cross-validated comparison
in bench/compare_models.py, see docs/MODEL_CARD.md) and how it predicts
(``probabilities``; ``predict`` adds the evidence of moderation.ml.evidence).
"""

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.naive_bayes import ComplementNB
from sklearn.pipeline import Pipeline
from sklearn.svm import LinearSVC

from moderation.ml import features as text_features
from moderation.ml.features import Tokens, featurize  # noqa: F401  (re-exported)
from moderation.ml.scoring import predict, probabilities  # noqa: F401  (re-exported)

BASE_PARAMS = {
    "vectorizer": "tfidf",  # "tfidf" (a vocabulary) or "hashing" (2**20 buckets, no vocabulary)
    "word_ngrams": 2,  # words, or words and bigrams
    "stem": True,  # a light Dutch suffix stripper per word
    "affixes": True,  # first and last 5 letters of words of 8 letters or more
    "char_ngrams": None,  # e.g. [2, 5]: char_wb n-grams as well (slow at serving time)
    "min_df": 1,
    "classifier": "lr",  # lr | svm (LinearSVC + sigmoid calibration) | sgd | cnb
    "C": 8.0,  # inverse regularisation (lr, svm)
    "balanced": True,  # class_weight="balanced" (probabilities then lean towards the rarer class)
    "alpha": 1e-5,  # regularisation (sgd) or smoothing (cnb)
}
# The defaults per task: the winners of the cross-validated comparison.
TASK_PARAMS = {
    "stance": dict(BASE_PARAMS),
    # unweighted: the probability must mean what it says, the plugin cuts at 0.5 and ORs the lexicon
    "incivility": dict(BASE_PARAMS, balanced=False),
}


def params_for(task: str | None, overrides: dict | None = None) -> dict:
    return dict(TASK_PARAMS.get(task or "", BASE_PARAMS), **(overrides or {}))


def build(params: dict | None = None) -> Pipeline:
    p = dict(BASE_PARAMS, **(params or {}))
    analyzer = Tokens(p["word_ngrams"], p["stem"], p["affixes"], p["char_ngrams"])
    if p["vectorizer"] == "hashing":
        features = Pipeline(
            [
                (
                    "hash",
                    HashingVectorizer(
                        analyzer=analyzer, n_features=2**20, alternate_sign=False, norm=None, dtype=np.float32
                    ),
                ),
                ("tfidf", TfidfTransformer(sublinear_tf=True)),
            ]
        )
    else:
        features = TfidfVectorizer(analyzer=analyzer, min_df=p["min_df"], sublinear_tf=True, dtype=np.float32)
    return Pipeline([("features", features), ("clf", _classifier(p))])


def fit(pipeline: Pipeline, texts, labels, space_texts=None) -> Pipeline:
    """Fit ``pipeline``; with ``space_texts``, its vocabulary and idf come from those texts
    (a feature space shared with the other task's model), the classifier from ``texts``."""
    if not space_texts:
        return pipeline.fit(texts, labels)
    features = pipeline.named_steps["features"].fit(space_texts)
    pipeline.named_steps["clf"].fit(features.transform(texts), labels)
    return pipeline


def _classifier(p):
    weight = "balanced" if p["balanced"] else None
    if p["classifier"] == "svm":
        return CalibratedClassifierCV(LinearSVC(C=p["C"], class_weight=weight), method="sigmoid", cv=3, ensemble=False)
    if p["classifier"] == "sgd":
        return SGDClassifier(
            loss="log_loss", alpha=p["alpha"], class_weight=weight, max_iter=50, tol=1e-4, random_state=13
        )
    if p["classifier"] == "cnb":
        return ComplementNB(alpha=p["alpha"])
    return LogisticRegression(C=p["C"], class_weight=weight, max_iter=3000)


class WithCategories:
    """The incivility model: a civil/uncivil pipeline plus a one-vs-rest model of the
    categories (insult, profanity, threat, identity_attack) on the same features,
    fitted on the uncivil training rows, so a comment the lexicon finds no words in
    still gets categories.  Behaves like the pipeline (``classes_``,
    ``predict_proba``, ``named_steps``)."""

    def __init__(self, pipeline: Pipeline, category_names=(), C=8.0):
        self.pipeline = pipeline
        self.category_names = list(category_names)
        self.C = C
        self.categories = None

    def fit(self, texts, labels, category_lists, space_texts=None):
        fit(self.pipeline, texts, labels, space_texts)
        rows = [i for i, cats in enumerate(category_lists) if cats]
        self.categories = {}
        if rows:
            x = self.pipeline.named_steps["features"].transform([texts[i] for i in rows])
            for name in self.category_names:
                y = [name in category_lists[i] for i in rows]
                if 0 < sum(y) < len(y):  # a category never (or always) seen cannot be learnt
                    self.categories[name] = LogisticRegression(C=self.C, class_weight="balanced", max_iter=3000).fit(
                        x, y
                    )
        return self

    @property
    def classes_(self):
        return self.pipeline.classes_

    @property
    def named_steps(self):
        return self.pipeline.named_steps

    def predict_proba(self, texts):
        return self.pipeline.predict_proba(texts)

    def category_scores(self, x) -> list[dict]:
        """``{category: probability}`` per row of the feature matrix ``x`` (0.0 for a category
        the training rows never showed)."""
        scores = {name: probabilities(_Single(clf), x)[:, 1] for name, clf in (self.categories or {}).items()}
        return [
            {name: float(scores[name][i]) if name in scores else 0.0 for name in self.category_names}
            for i in range(x.shape[0])
        ]


class _Single:
    """Lets ``probabilities`` score a bare classifier."""

    def __init__(self, clf):
        self.named_steps = {"clf": clf}


def prepare(model):
    """Ready a fitted model for serving (feature names for evidence); returns it."""
    text_features.feature_names(model.named_steps["features"])
    return model
