"""Built-in plugin: incivility, from a calibrated model score plus lexicon spans and categories.

The lexicon finds the offending words (with categories, through obfuscation);
the model scores the whole comment, calibrated by cross-validation so its score
is a probability.  A lexicon hit makes the comment uncivil with at least the
hit's confidence (lower for reported speech, quotes, news of violence and
threats not aimed at a person: ``plugins.lexicon_context``).  Without one, the model alone decides, and the model alone
is often wrong on real comments in the middle of its range: a model-only score
in the doubt band (``DOUBT_BAND``, default 0.5 to 0.9, ``MODERATION_DOUBT_BAND``)
is uncivil but in doubt (``"doubt": true``): no categories, so no automatic
rejection reason or urgent threat; the policy sends it to a human.  Above the
band the one-vs-rest category model names the categories (the spans stay empty:
only the lexicon points at words).  A threat span carries ``target``, the
person it is aimed at, when the lexicon finds one (see plugins/policy.py:
a threat with ``"target": null`` is not urgent).  Evidence (the words that pushed the model
towards "uncivil") is given for uncivil comments.
"""

from moderation import hookimpl
from moderation import vocabulary as vocab
from moderation.analysis import Finding, Incivility, Span
from moderation.ml.evidence import evidence_rows
from moderation.ml.features import featurize
from moderation.ml.scoring import probabilities
from moderation.ml.site_scope import by_site, lookup
from plugins import lexicon
from plugins.lexicon_context import CONFIDENCE as LEXICON_CONFIDENCE

THRESHOLD = 0.5
CATEGORY_THRESHOLD = 0.5
DOUBT_BAND = (0.5, 0.9)


def verdict(model_score: float, spans: list[Span], category_scores: dict, band=DOUBT_BAND) -> Incivility:
    """Combine the model's score, the lexicon's spans and the category model into the finding."""
    confidences = [s.get("confidence", LEXICON_CONFIDENCE[s["category"]]) for s in spans]
    score = max([model_score] + confidences)
    uncivil = score >= THRESHOLD
    # a span the lexicon doubts (reported speech, a metaphor) names a category only with the model's support
    spans = [s for s, c in zip(spans, confidences) if c >= THRESHOLD or model_score >= THRESHOLD]
    categories = sorted({s["category"] for s in spans})
    doubt = uncivil and not spans and band[0] <= model_score < band[1]
    if uncivil and not categories and category_scores and not doubt:
        categories = sorted(c for c, p in category_scores.items() if p >= CATEGORY_THRESHOLD) or [
            max(category_scores, key=category_scores.__getitem__)
        ]
    result: Incivility = {
        "uncivil": uncivil,
        "score": round(score, 4),
        "model_score": round(model_score, 4),
        "categories": categories if uncivil else [],
        "spans": spans if uncivil else [],
    }
    if doubt:
        result["doubt"] = True
    return result


def with_targets(text: str, spans: list[Span]) -> list[Span]:
    """Threat spans get ``target``: whom the lexicon sees the threat aimed at, or None for nobody."""
    for span in spans:
        if span["category"] == vocab.THREAT:
            span["target"] = lexicon.threat_target(text, span["start"], span["end"])
    return spans


@hookimpl
def moderation_analyze(comments, models, config=None) -> list[Finding]:
    """Each site's comments are scored by the model that site is served (its own or the shared one)."""
    band = tuple((config or {}).get("DOUBT_BAND") or DOUBT_BAND)
    results: dict[int, Finding] = {}
    for site, rows in by_site(comments).items():
        model, scope = lookup(models, vocab.INCIVILITY, site)
        for i, finding in zip(rows, _analyze(model, [comments[i] for i in rows], models, band)):
            finding["models"][vocab.SCOPE] = {vocab.INCIVILITY: scope}
            results[i] = finding
    return [results[i] for i in range(len(comments))]


def _analyze(model, comments, models, band) -> list[Finding]:
    if model is None:
        raise RuntimeError(f"no incivility model is being served: {models.errors.get(vocab.INCIVILITY, 'none loaded')}")
    estimator = model.estimator
    texts = [c["text"] for c in comments]
    x = featurize(estimator, texts)
    uncivil_column = [str(c) for c in estimator.classes_].index(vocab.UNCIVIL)
    scores = probabilities(estimator, x)[:, uncivil_column].tolist()
    find = lexicon.load().find
    spans = [with_targets(text, find(text)) for text in texts]
    unexplained = [i for i, (score, found) in enumerate(zip(scores, spans)) if score >= band[1] and not found]
    category_scores = dict(zip(unexplained, _category_scores(estimator, x, unexplained)))
    results = [
        verdict(score, found, category_scores.get(i, {}), band) for i, (score, found) in enumerate(zip(scores, spans))
    ]
    uncivil = [i for i, result in enumerate(results) if result["uncivil"]]
    why = evidence_rows(estimator, texts, x, [uncivil_column] * len(texts), uncivil)
    for i in uncivil:
        results[i]["evidence"] = why[i]
    return [{"incivility": result, "models": {vocab.INCIVILITY: model.version}} for result in results]


def _category_scores(estimator, x, rows):
    """The category model's probabilities for the uncivil rows the lexicon found nothing in."""
    if not rows or not hasattr(estimator, "category_scores"):
        return [{} for _ in rows]
    return estimator.category_scores(x.take(rows))
