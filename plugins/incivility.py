"""Built-in plugin: incivility, from a model score plus lexicon spans and categories.

The lexicon finds the offending words (with categories, through obfuscation);
the model scores the whole comment.  A lexicon hit makes the comment uncivil
with at least the hit's confidence; without one, the model alone decides and
the category list stays empty until a moderator names it.
"""
from moderation import hookimpl
from moderation.textmodel import evidence
from plugins import lexicon

LEXICON_CONFIDENCE = {"threat": 0.97, "identity_attack": 0.97, "insult": 0.92, "profanity": 0.9}
THRESHOLD = 0.5


@hookimpl
def moderation_analyze(comments, models):
    model = models.get("incivility")
    if model is None:
        raise RuntimeError(f"no incivility model is being served: {models.errors.get('incivility', 'none loaded')}")
    texts = [c["text"] for c in comments]
    find = lexicon.load().find
    model_scores = [s["uncivil"] for s in model.predict_proba(texts)]
    findings, uncivil_texts, uncivil_results = [], [], []
    for text, model_score in zip(texts, model_scores):
        spans = find(text)
        score = max([model_score] + [LEXICON_CONFIDENCE[s["category"]] for s in spans])
        uncivil = score >= THRESHOLD
        result = {"uncivil": uncivil, "score": round(score, 4), "model_score": round(model_score, 4),
                  "categories": sorted({s["category"] for s in spans}) if uncivil else [],
                  "spans": spans if uncivil else []}
        if uncivil:
            uncivil_texts.append(text)
            uncivil_results.append(result)
        findings.append({"incivility": result, "models": {"incivility": model.version}})
    if uncivil_texts:
        for result, ev in zip(uncivil_results, evidence(model.estimator, uncivil_texts, ["uncivil"] * len(uncivil_texts))):
            result["evidence"] = ev
    return findings
