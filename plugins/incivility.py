"""Built-in plugin: incivility, from a model score plus lexicon spans and categories.

The lexicon finds the offending words (with categories, through obfuscation);
the model scores the whole comment.  A lexicon hit makes the comment uncivil
with at least the hit's confidence; without one, the model alone decides, and
its one-vs-rest category model names the categories (the spans stay empty:
only the lexicon points at words).  Evidence (the words that pushed the model
towards "uncivil") is given for uncivil comments.
"""

from moderation import hookimpl
from moderation.ml.evidence import evidence_rows
from moderation.ml.site_scope import by_site, lookup
from moderation.ml.textmodel import featurize, probabilities
from plugins import lexicon

LEXICON_CONFIDENCE = {"threat": 0.97, "identity_attack": 0.97, "insult": 0.92, "profanity": 0.9}
THRESHOLD = 0.5
CATEGORY_THRESHOLD = 0.5


def verdict(model_score: float, spans: list[dict], category_scores: dict) -> dict:
    """Combine the model's score, the lexicon's spans and the category model into the finding."""
    score = max([model_score] + [LEXICON_CONFIDENCE[s["category"]] for s in spans])
    uncivil = score >= THRESHOLD
    categories = sorted({s["category"] for s in spans})
    if uncivil and not categories and category_scores:
        categories = sorted(c for c, p in category_scores.items() if p >= CATEGORY_THRESHOLD) or [
            max(category_scores, key=category_scores.get)
        ]
    return {
        "uncivil": uncivil,
        "score": round(score, 4),
        "model_score": round(model_score, 4),
        "categories": categories if uncivil else [],
        "spans": spans if uncivil else [],
    }


@hookimpl
def moderation_analyze(comments, models):
    """Each site's comments are scored by the model that site is served (its own or the shared one)."""
    results = [None] * len(comments)
    for site, rows in by_site(comments).items():
        model, scope = lookup(models, "incivility", site)
        for i, finding in zip(rows, _analyze(model, [comments[i] for i in rows], models)):
            finding["models"]["scope"] = {"incivility": scope}
            results[i] = finding
    return results


def _analyze(model, comments, models):
    if model is None:
        raise RuntimeError(f"no incivility model is being served: {models.errors.get('incivility', 'none loaded')}")
    estimator = model.estimator
    texts = [c["text"] for c in comments]
    x = featurize(estimator, texts)
    uncivil_column = [str(c) for c in estimator.classes_].index("uncivil")
    scores = probabilities(estimator, x)[:, uncivil_column].tolist()
    find = lexicon.load().find
    spans = [find(text) for text in texts]
    unexplained = [i for i, (score, found) in enumerate(zip(scores, spans)) if score >= THRESHOLD and not found]
    category_scores = dict(zip(unexplained, _category_scores(estimator, x, unexplained)))
    results = [verdict(score, found, category_scores.get(i, {})) for i, (score, found) in enumerate(zip(scores, spans))]
    uncivil = [i for i, result in enumerate(results) if result["uncivil"]]
    why = evidence_rows(estimator, texts, x, [uncivil_column] * len(texts), uncivil)
    for i in uncivil:
        results[i]["evidence"] = why[i]
    return [{"incivility": result, "models": {"incivility": model.version}} for result in results]


def _category_scores(estimator, x, rows):
    """The category model's probabilities for the uncivil rows the lexicon found nothing in."""
    if not rows or not hasattr(estimator, "category_scores"):
        return [{} for _ in rows]
    return estimator.category_scores(x.take(rows))
