"""The scikit-learn pipelines behind the built-in plugins, and their evidence.

One place says how a text classifier is built (``build``) and how its decision
is explained (``evidence``: the words whose weights pushed the prediction).
"""
import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline

DEFAULT_PARAMS = {
    "word_ngrams": (1, 2),
    "char_ngrams": (2, 5),
    "min_df": 1,
    "C": 8.0,
    "max_features": 120_000,
}
WORD_TOKEN = r"(?u)\b[^\W\d_][^\W_]+\b|[@#]\w+"


def build(params: dict | None = None) -> Pipeline:
    p = dict(DEFAULT_PARAMS, **(params or {}))
    features = FeatureUnion([
        ("words", TfidfVectorizer(ngram_range=tuple(p["word_ngrams"]), min_df=p["min_df"], sublinear_tf=True,
                                  lowercase=True, token_pattern=WORD_TOKEN, max_features=p["max_features"],
                                  dtype=np.float32)),
        ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=tuple(p["char_ngrams"]), min_df=p["min_df"],
                                  sublinear_tf=True, lowercase=True, max_features=p["max_features"],
                                  dtype=np.float32)),
    ])
    clf = LogisticRegression(C=p["C"], class_weight="balanced", max_iter=3000)
    return Pipeline([("features", features), ("clf", clf)])


def evidence(pipeline: Pipeline, texts: list[str], labels: list[str], k: int = 5) -> list[list[dict]]:
    """For each text, the word n-grams that pushed it most towards its label.

    Contribution = tf-idf value x the linear model's weight for the label (for a
    binary model, the weight of the positive class, negated for the other).
    """
    try:
        words = pipeline.named_steps["features"].transformer_list[0][1]
        clf = pipeline.named_steps["clf"]
    except (AttributeError, KeyError, IndexError):
        return [[] for _ in texts]
    classes = [str(c) for c in clf.classes_]
    x = words.transform(texts).tocsr()
    n_words = x.shape[1]
    names = _feature_names(words)
    out = []
    for i, label in enumerate(labels):
        if label not in classes:
            out.append([])
            continue
        if clf.coef_.shape[0] == 1:
            weights = clf.coef_[0][:n_words] * (1 if classes.index(label) == 1 else -1)
        else:
            weights = clf.coef_[classes.index(label)][:n_words]
        row = x.getrow(i)
        contributions = sorted(((float(v * weights[j]), j) for j, v in zip(row.indices, row.data)), reverse=True)
        out.append([{"term": str(names[j]), "weight": round(w, 4)} for w, j in contributions[:k] if w > 0])
    return out


def _feature_names(vectorizer):
    cached = getattr(vectorizer, "_evidence_names", None)
    if cached is None:
        cached = vectorizer.get_feature_names_out()
        vectorizer._evidence_names = cached
    return cached
