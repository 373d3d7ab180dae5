"""What ``moderation evaluate`` adds to accuracy and F1: how far the served score can be
trusted (calibration) and what the automatic decisions would get wrong under a site's policy.

- **Calibration error** (expected calibration error, 10 equal-width bins): for
  incivility the served score against the share of comments in the bin that
  are uncivil; for stance the winning label's probability against the share
  that is right.  0 means a score of 0.8 is right 80% of the time.
- **Automatic decisions** under a policy (a site's, or the default): of the
  comments the policy would approve on its own, the share that are uncivil
  (wrong approvals); of those it would reject on its own, the share that are
  civil (wrong rejections); and how many go to a person.  Judged with the
  incivility label, as the audit sample is.
"""

from moderation import vocabulary as vocab
from moderation.vocabulary import DEFAULT_POLICY

BINS = 10


def calibration_error(confidences, correct, bins=BINS) -> dict:
    """Expected calibration error and the per-bin figures."""
    rows = []
    total = len(confidences)
    ece = 0.0
    for b in range(bins):
        low, high = b / bins, (b + 1) / bins
        members = [i for i, c in enumerate(confidences) if low <= c < high or (b == bins - 1 and c == 1.0)]
        if not members:
            continue
        mean_conf = sum(confidences[i] for i in members) / len(members)
        share = sum(bool(correct[i]) for i in members) / len(members)
        ece += len(members) / total * abs(mean_conf - share)
        rows.append(
            {"bin": [low, high], "n": len(members), "mean_score": round(mean_conf, 4), "share": round(share, 4)}
        )
    return {"ece": round(ece, 4) if total else None, "bins": rows}


def served_calibration(task, analyses, gold) -> dict:
    if task == vocab.INCIVILITY:
        scores = [float(a["incivility"]["score"]) for a in analyses]
        return calibration_error(scores, [g == vocab.UNCIVIL for g in gold])
    confidences, right = [], []
    for a, g in zip(analyses, gold):
        scores = a["stance"]["scores"]
        label = a["stance"]["label"]
        confidences.append(float(scores.get(label, 0.0)))
        right.append(label == g)
    return calibration_error(confidences, right)


def automatic_decisions(analyses, uncivil_gold, policy=None) -> dict:
    """The policy's own decisions on served incivility, judged with the incivility labels."""
    policy = dict(DEFAULT_POLICY, **(policy or {}))
    approved = rejected = wrong_approved = wrong_rejected = threats = 0
    for a, uncivil in zip(analyses, uncivil_gold):
        found = a["incivility"]
        score = float(found["score"])
        if "threat" in (found.get("categories") or []):
            threats += 1  # always a person, urgently
        elif score >= policy["reject_above"]:
            rejected += 1
            wrong_rejected += not uncivil
        elif score < policy["approve_below"] and not found.get("uncivil"):
            approved += 1
            wrong_approved += bool(uncivil)
    n = len(analyses)
    return {
        "policy": {k: policy[k] for k in ("approve_below", "reject_above")},
        "n": n,
        "auto_approved": approved,
        "auto_rejected": rejected,
        "to_a_person": n - approved - rejected,
        "wrong_approvals": wrong_approved,
        "wrong_rejections": wrong_rejected,
        "wrong_approval_share": round(wrong_approved / approved, 4) if approved else None,
        "wrong_rejection_share": round(wrong_rejected / rejected, 4) if rejected else None,
    }
