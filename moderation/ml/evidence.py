"""Evidence: the words of a comment whose weights pushed the prediction.

Contribution of a feature = its tf-idf value x the linear model's weight for the
label (for a binary model the positive class's weight, negated for the other
class; otherwise the label's weight minus the mean over labels).  Each feature's
contribution goes to the word of the comment it came from, and the words with
the largest positive sums are the evidence the moderator queue shows.
"""

import numpy as np

from moderation.analysis import Evidence
from moderation.ml.features import WORD, analyzer_of, feature_index, feature_names, featurize

# Dutch function words: they carry weight in the model but tell a moderator nothing,
# so a term made only of them is not shown as evidence.
FUNCTION_WORDS = frozenset(
    """
de het een die dat deze dit en of maar want dus ook nog al wel niet geen is zijn was waren ben bent
wordt worden werd heeft hebben had hij zij ze wij we jij je u ik mij me ons onze jullie hun hem haar
er hier daar in op aan van voor met bij naar om tot uit over door als dan te zo hoe wat wie waar nu
toch even hele heel echt gewoon eens zou zouden kan kunnen moet moeten mag wil men iets wat
""".split()
)


def _shown(per_word, k):
    """The ``k`` heaviest terms that are not only function words or lone letters
    (the pieces of a masked k*t are not evidence anyone can read)."""
    best = sorted(per_word.items(), key=lambda kv: kv[1], reverse=True)
    return [
        (term, weight)
        for term, weight in best
        if weight > 0 and not all(w in FUNCTION_WORDS or len(w) < 2 for w in term.lower().split())
    ][:k]


def evidence(model, texts: list[str], labels: list[str], k: int = 5) -> list[list[Evidence]]:
    """For each text, the words that pushed it most towards ``labels[i]``."""
    classes = [str(c) for c in model.classes_]
    x = featurize(model, texts)
    wanted = [i for i, label in enumerate(labels) if label in classes]
    return evidence_rows(
        model, texts, x, [classes.index(label) if label in classes else 0 for label in labels], wanted, k
    )


def evidence_rows(model, texts, x, label_indices, wanted, k=5) -> list[list[Evidence]]:
    """Evidence for the rows ``wanted`` of ``x``, each towards ``label_indices[row]``, in one pass:
    the positive contributions of each row, best first, ``3 * k`` at most, credited to their words."""
    out: list[list[Evidence]] = [[] for _ in texts]
    wanted = np.asarray(list(wanted), dtype=np.int64)
    analyzer = analyzer_of(model)
    if not len(wanted) or analyzer is None:  # not built by moderation.ml.textmodel: no evidence
        return out
    if hasattr(model, "space"):  # a served model (moderation.ml.linear)
        names, weights = model.space.names, model.evidence_weights()
    else:
        names = feature_names(model.named_steps["features"])
        weights = _evidence_weights(model.named_steps["clf"])
    if weights is None:
        return out
    if names is None:
        for i in wanted:
            start, end = x.indptr[i], x.indptr[i + 1]
            columns = x.indices[start:end]
            value = x.data[start:end] * weights[int(label_indices[i]), columns]
            out[i] = _evidence_by_pairs(model, texts[i], dict(zip(columns.tolist(), value.tolist())), k)
        return out
    sub = x.take(wanted)
    rows = sub.row_ids()
    contributions = sub.data * weights[np.asarray(label_indices)[wanted][rows], sub.indices]
    keep = contributions > 0
    rows, columns, contributions = rows[keep], sub.indices[keep], contributions[keep]
    order = np.lexsort((-contributions, rows))
    rows, columns, contributions = rows[order], columns[order], contributions[order]
    rank = np.arange(len(rows)) - np.searchsorted(rows, rows)
    top = rank < 3 * k
    per_row = {}
    for r, j, c in zip(rows[top].tolist(), columns[top].tolist(), contributions[top].tolist()):
        per_row.setdefault(r, []).append((str(names[j]), c))
    for r, terms in per_row.items():
        i = int(wanted[r])
        words, per_word = None, {}
        for name, c in terms:
            if name[:1] in "~-" or name[-1:] == "-" or analyzer.char_ngrams:
                if words is None:
                    words = WORD.findall(texts[i].lower())
                    present = set(words)
                name = analyzer.origin(name, words, present)
            per_word[name] = per_word.get(name, 0.0) + c
        out[i] = [{"term": term, "weight": round(weight, 4)} for term, weight in _shown(per_word, k)]
    return out


def _evidence_weights(clf):
    """Per label, each feature's weight towards it: for a binary model the positive
    class's weights (negated for the other class), otherwise a label's weights minus
    the mean over labels.  Computed once per loaded model and kept on it."""
    cached = clf.__dict__.get("_evidence_weights")
    if cached is not None:
        return cached
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.naive_bayes import ComplementNB

    if isinstance(clf, CalibratedClassifierCV):
        coefs = [c.estimator.coef_ for c in clf.calibrated_classifiers_ if hasattr(c.estimator, "coef_")]
        coef = np.mean(coefs, axis=0) if coefs else None
    elif isinstance(clf, ComplementNB):
        coef = clf.feature_log_prob_ if len(clf.classes_) > 2 else clf.feature_log_prob_[1:] - clf.feature_log_prob_[:1]
    else:
        coef = getattr(clf, "coef_", None)
    if coef is None:
        return None
    weights = np.vstack([-coef[0], coef[0]]) if coef.shape[0] == 1 else coef - coef.mean(axis=0)
    clf.__dict__["_evidence_weights"] = weights = weights.astype(np.float32)
    return weights


def _evidence_by_pairs(model, text, value, k):
    """Evidence for a hashing model (no feature names): re-analyse the text, word by word."""
    index = feature_index(model.named_steps["features"])
    per_word, shown, seen = {}, {}, set()
    for feature, surface in analyzer_of(model).pairs(text):
        j = index(feature)
        word = surface.lower()
        if j is None or (feature, word) in seen:
            continue
        seen.add((feature, word))
        shown.setdefault(word, surface)
        per_word[word] = per_word.get(word, 0.0) + value.get(j, 0.0)
    return [{"term": shown[word], "weight": round(weight, 4)} for word, weight in _shown(per_word, k)]
