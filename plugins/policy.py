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

from collections.abc import Mapping

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
        aimed = any(_aimed(s) for s in incivility.get("spans") or [] if s.get("category") == vocab.THREAT)
        return {"status": vocab.PENDING, "urgent": aimed, "reason": vocab.THREAT}
    if incivility.get("doubt"):
        status = vocab.APPROVED if policy["mode"] == vocab.MODE_POST else vocab.PENDING
        return {"status": status, "urgent": False, "reason": vocab.REASON_IN_DOUBT}
    if score >= policy["reject_above"]:
        reason = next((c for c in SEVERITY if c in categories), vocab.UNCIVIL)
        return {"status": vocab.REJECTED, "urgent": False, "reason": reason}
    if score < policy["approve_below"] and not incivility.get("uncivil"):
        return {"status": vocab.APPROVED, "urgent": False, "reason": None}
    status = vocab.APPROVED if policy["mode"] == vocab.MODE_POST else vocab.PENDING
    return {"status": status, "urgent": False, "reason": vocab.REASON_IN_DOUBT}


def _aimed(span: Mapping) -> bool:
    """A threat span aimed at a person: its ``target``, or no ``target`` key (a plugin that does not say)."""
    return "target" not in span or bool(span["target"])
