"""Built-in plugin: the threshold policy that turns an analysis into a status.

``trylast``, so any installed plugin can decide first.  Per site (``policy``):
``approve_below`` (incivility score under which a civil comment goes online),
``reject_above`` (score at or above which it is refused) and ``mode`` ("pre":
a human looks at everything in between; "post": in-between comments go online
and wait for a human afterwards).  Threats always wait for a human, urgently.
"""

from moderation import hookimpl
from moderation import vocabulary as vocab
from moderation.analysis import Analysis, Decision
from moderation.vocabulary import DEFAULT_POLICY

SEVERITY = (vocab.THREAT, vocab.IDENTITY_ATTACK, vocab.INSULT, vocab.PROFANITY)  # the reason a rejection names


@hookimpl(trylast=True)
def moderation_decide(analysis: Analysis, policy: dict) -> Decision:
    policy = dict(DEFAULT_POLICY, **(policy or {}))
    incivility = analysis.get("incivility") or {}
    if analysis.get("errors") or not incivility or not analysis.get("stance"):
        return {"status": vocab.PENDING, "urgent": False, "reason": vocab.REASON_ANALYSIS_INCOMPLETE}
    categories = incivility.get("categories") or []
    score = float(incivility.get("score", 0.0))
    if vocab.THREAT in categories:
        return {"status": vocab.PENDING, "urgent": True, "reason": vocab.THREAT}
    if score >= policy["reject_above"]:
        reason = next((c for c in SEVERITY if c in categories), vocab.UNCIVIL)
        return {"status": vocab.REJECTED, "urgent": False, "reason": reason}
    if score < policy["approve_below"] and not incivility.get("uncivil"):
        return {"status": vocab.APPROVED, "urgent": False, "reason": None}
    status = vocab.APPROVED if policy["mode"] == vocab.MODE_POST else vocab.PENDING
    return {"status": status, "urgent": False, "reason": vocab.REASON_IN_DOUBT}
