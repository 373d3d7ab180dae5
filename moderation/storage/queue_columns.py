"""The columns the queue sorts and filters on, copied out of an analysis (on intake and
when the pending queue is re-scored after a promotion)."""

from moderation import vocabulary as vocab
from moderation.storage.tables import pack_labels


def denormalised(analysis) -> dict:
    stance = analysis.get("stance") or {}
    incivility = analysis.get("incivility") or {}
    return {
        "stance": stance.get("label"),
        "uncivil": incivility.get("uncivil"),
        "incivility_score": float(incivility.get("score") or 0.0),
        "hostility": float((stance.get("scores") or {}).get(vocab.HOSTILE) or 0.0),
        "categories": pack_labels(incivility.get("categories")),
        "tags": pack_labels(analysis.get("tags")),
        "doubt": doubt(analysis),
    }


def doubt(analysis) -> float:
    """How unsure the models are, 0 (sure) to 1 (a coin toss): the larger of the incivility
    doubt (the served score's nearness to 0.5) and the stance doubt (one minus the margin
    between its two likeliest labels)."""
    incivility = analysis.get("incivility") or {}
    stance_scores = sorted(((analysis.get("stance") or {}).get("scores") or {}).values(), reverse=True)
    found = []
    if incivility.get("score") is not None:
        found.append(1.0 - abs(float(incivility["score"]) - 0.5) * 2)
    if len(stance_scores) >= 2:
        found.append(1.0 - (float(stance_scores[0]) - float(stance_scores[1])))
    return round(max(found), 4) if found else 0.0
