"""Built-in plugin: the writer's stance in the rules-versus-society debate."""
import numpy as np

from moderation import hookimpl
from moderation.evidence import evidence_rows
from moderation.textmodel import featurize, probabilities


@hookimpl
def moderation_analyze(comments, models):
    model = models.get("stance")
    if model is None:
        raise RuntimeError(f"no stance model is being served: {models.errors.get('stance', 'none loaded')}")
    texts = [c["text"] for c in comments]
    x = featurize(model.estimator, texts)
    probs = probabilities(model.estimator, x)
    best = np.argmax(probs, axis=1)
    why = evidence_rows(model.estimator, texts, x, best, range(len(texts)))
    classes = [str(c) for c in model.estimator.classes_]
    column = [classes.index(label) for label in model.labels]
    return [{"stance": {"label": classes[b],
                        "scores": {label: round(float(row[j]), 4) for label, j in zip(model.labels, column)},
                        "evidence": ev},
             "models": {"stance": model.version}}
            for row, b, ev in zip(probs.tolist(), best.tolist(), why)]
