"""Built-in plugin: the writer's stance in the rules-versus-society debate."""

from moderation import hookimpl
from moderation.analysis import Finding
from moderation.ml.scoring import predict
from moderation.vocabulary import STANCE


@hookimpl
def moderation_analyze(comments, models) -> list[Finding]:
    model = models.get(STANCE)
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
