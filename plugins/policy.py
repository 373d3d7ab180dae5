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

Tag rules (``policy["tag_rules"]``, ``{tag: "hold" | "reject" | "reject:<reason>"}``) act on the
analysis's tags after the threat check: a reject rule refuses the comment at once with its reason
(a bare "reject" takes ``vocabulary.TAG_REJECT_REASONS``' reason for the tag, else "other"); a
hold rule keeps a comment the thresholds would publish offline for a human, with the reason
``tag:<tag>``.  Either way the decision carries ``rule: "tag:<tag>"``.  A rejection by the
thresholds stands over a hold rule.
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
    rejecting, holding = _tag_rules(analysis.get("tags") or [], policy.get("tag_rules") or {})
    if rejecting:
        tag, reason = rejecting
        return {"status": vocab.REJECTED, "urgent": False, "reason": reason, "rule": vocab.TAG_RULE_PREFIX + tag}
    decision = _by_thresholds(incivility, categories, score, policy)
    if holding and decision["status"] != vocab.REJECTED:
        rule = vocab.TAG_RULE_PREFIX + holding
        return {"status": vocab.PENDING, "urgent": False, "reason": rule, "rule": rule}
    return decision


def _by_thresholds(incivility: Mapping, categories: list, score: float, policy: dict) -> Decision:
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


def _tag_rules(tags: list, rules: Mapping) -> tuple[tuple[str, str] | None, str | None]:
    """``((tag, reason) of the first reject rule, tag of the first hold rule)`` among the tags."""
    rejecting = holding = None
    for tag in tags:
        action = rules.get(tag)
        if not isinstance(action, str):
            continue
        verb, _, reason = action.partition(":")
        if verb == vocab.RULE_REJECT and rejecting is None:
            reason = reason if reason in vocab.REJECT_REASONS else vocab.TAG_REJECT_REASONS.get(tag, vocab.OTHER)
            rejecting = (tag, reason)
        elif verb == vocab.RULE_HOLD and holding is None:
            holding = tag
    return rejecting, holding


def _aimed(span: Mapping) -> bool:
    """A threat span aimed at a person: its ``target``, or no ``target`` key (a plugin that does not say)."""
    return "target" not in span or bool(span["target"])
