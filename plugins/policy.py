"""Built-in plugin: the threshold policy that turns an analysis into a status.

``trylast``, so any installed plugin can decide first.  Per site (``policy``):
``approve_below`` (incivility score under which a civil comment goes online),
``reject_above`` (score at or above which it is refused) and ``mode`` ("pre":
a human looks at everything in between; "post": in-between comments go online
and wait for a human afterwards).  Threats always wait for a human; urgently only
when a threat span is aimed at a person, never on a model score alone: the
built-in lexicon gives each threat span a ``target`` (None when it names
nobody); a span from a plugin that gives no ``target`` at all counts as aimed.  A model-only verdict in the doubt
band (``incivility["doubt"]``) is never decided automatically: it waits for a
human ("pre") or goes online and waits ("post"), whatever the thresholds.
"""

from moderation import hookimpl
from moderation.config import DEFAULT_POLICY

SEVERITY = ("threat", "identity_attack", "insult", "profanity")  # the reason a rejection names


@hookimpl(trylast=True)
def moderation_decide(analysis, policy):
    policy = dict(DEFAULT_POLICY, **(policy or {}))
    incivility = analysis.get("incivility") or {}
    if analysis.get("errors") or not incivility or not analysis.get("stance"):
        return {"status": "pending", "urgent": False, "reason": "analysis incomplete"}
    categories = incivility.get("categories") or []
    score = float(incivility.get("score", 0.0))
    if "threat" in categories:
        aimed = any(_aimed(s) for s in incivility.get("spans") or [] if s.get("category") == "threat")
        return {"status": "pending", "urgent": aimed, "reason": "threat"}
    if incivility.get("doubt"):
        status = "approved" if policy["mode"] == "post" else "pending"
        return {"status": status, "urgent": False, "reason": "in doubt"}
    if score >= policy["reject_above"]:
        reason = next((c for c in SEVERITY if c in categories), "uncivil")
        return {"status": "rejected", "urgent": False, "reason": reason}
    if score < policy["approve_below"] and not incivility.get("uncivil"):
        return {"status": "approved", "urgent": False, "reason": None}
    status = "approved" if policy["mode"] == "post" else "pending"
    return {"status": status, "urgent": False, "reason": "in doubt"}


def _aimed(span: dict) -> bool:
    """A threat span aimed at a person: its ``target``, or no ``target`` key (a plugin that does not say)."""
    return "target" not in span or bool(span["target"])
