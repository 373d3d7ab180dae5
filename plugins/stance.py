"""Built-in plugin: the writer's stance in the rules-versus-society debate."""

from moderation import hookimpl
from moderation.analysis import Finding
from moderation.ml.scoring import predict
from moderation.ml.site_scope import by_site, lookup
from moderation.vocabulary import SCOPE, STANCE


@hookimpl
def moderation_analyze(comments, models) -> list[Finding]:
    """Each site's comments are scored by the model that site is served (its own or the shared one)."""
    results: dict[int, Finding] = {}
    for site, rows in by_site(comments).items():
        model, scope = lookup(models, STANCE, site)
        for i, finding in zip(rows, _analyze(model, [comments[i] for i in rows], models)):
            finding["models"][SCOPE] = {STANCE: scope}
            results[i] = finding
    return [results[i] for i in range(len(comments))]


def _analyze(model, comments, models) -> list[Finding]:
    if model is None:
        raise RuntimeError(f"no stance model is being served: {models.errors.get(STANCE, 'none loaded')}")
    probs, why = predict(model.estimator, [c["text"] for c in comments])
    classes = [str(c) for c in model.estimator.classes_]
    column = [classes.index(label) for label in model.labels]
    return [
        {
            "stance": {
                "label": classes[max(range(len(row)), key=row.__getitem__)],
                "scores": {label: round(float(row[j]), 4) for label, j in zip(model.labels, column)},
                "evidence": ev,
            },
            "models": {STANCE: model.version},
        }
        for row, ev in zip(probs.tolist(), why)
    ]
