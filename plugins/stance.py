"""Built-in plugin: the writer's stance in the rules-versus-society debate."""
from moderation import hookimpl
from moderation.textmodel import evidence


@hookimpl
def moderation_analyze(comments, models):
    model = models.get("stance")
    if model is None:
        raise RuntimeError(f"no stance model is being served: {models.errors.get('stance', 'none loaded')}")
    texts = [c["text"] for c in comments]
    all_scores = model.predict_proba(texts)
    labels = [max(scores, key=scores.get) for scores in all_scores]
    why = evidence(model.estimator, texts, labels)
    return [{"stance": {"label": label, "scores": {k: round(v, 4) for k, v in scores.items()}, "evidence": ev},
             "models": {"stance": model.version}}
            for label, scores, ev in zip(labels, all_scores, why)]
