"""A statement of reasons (DSA Art. 17) in the Transparency Database's schema.

``build`` is a pure function of the decision's facts; it never sees the
comment's text or the writer's name, so ``decision_facts`` holds no personal
data and no quotes.  Field names and values are the Transparency Database
API's (``mapping``).
"""

from datetime import date
from typing import Any

from moderation import vocabulary as vocab
from moderation.dsa import mapping

KINDS = ("removed", "withheld", "reinstated")
PUID_CHARACTERS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")


def puid(comment_id: int, decision_id: int) -> str:
    """The platform's unique id for a statement: unique per site (decision ids are unique)."""
    return f"comment-{comment_id}-decision-{decision_id}"


def automated_decision(actor: str, flagged: bool) -> str:
    """FULLY for a policy decision, PARTIALLY when a moderator confirmed what the models flagged."""
    if actor == vocab.BY_POLICY:
        return "AUTOMATED_DECISION_FULLY"
    return "AUTOMATED_DECISION_PARTIALLY" if flagged else "AUTOMATED_DECISION_NOT_AUTOMATED"


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def build(
    *,
    puid: str,
    kind: str,
    reason: str | None,
    actor: str,
    flagged: bool,
    notices: list[dict],
    content_date: date,
    application_date: date,
    settings: dict,
    after_appeal: bool = False,
) -> dict:
    """The statement for one decision.  ``notices``: the notices the decision answers
    (``ground``, ``legal_ground``, ``terms_ground``, ``category``); ``flagged``: the
    models sent the comment to a person (automated detection)."""
    if kind not in KINDS:
        raise ValueError(f"unknown statement kind {kind!r}")
    terms = mapping.for_reason(reason)
    illegal = [n for n in notices if n.get("ground") == vocab.GROUND_ILLEGAL and n.get("legal_ground")]
    ordered = illegal + [n for n in notices if n not in illegal]
    category = ordered[0]["category"] if ordered and ordered[0].get("category") else terms["category"]
    additions = sorted({n["category"] for n in ordered if n.get("category") and n["category"] != category})
    how = {
        "AUTOMATED_DECISION_FULLY": "Decided automatically by the site's moderation policy on the score of a "
        "text classifier.",
        "AUTOMATED_DECISION_PARTIALLY": "Flagged by a text classifier and decided by a human moderator.",
        "AUTOMATED_DECISION_NOT_AUTOMATED": "Decided by a human moderator.",
    }[automated_decision(actor, flagged)]
    source = (
        f" Reported by {len(notices)} notice{'s' if len(notices) != 1 else ''} under Art. 16 DSA." if notices else ""
    )
    what = {
        "removed": "A reader comment under a news article was removed.",
        "withheld": "A reader comment under a news article was withheld from publication pending review.",
        "reinstated": "A reader comment that had been removed was reinstated after an internal complaint "
        "(Art. 20 DSA).",
    }[kind]
    facts = " ".join(
        part
        for part in (
            what,
            terms["facts"] if kind != "reinstated" else "",
            how + source,
            "Decided after an internal complaint." if after_appeal and kind != "reinstated" else "",
        )
        if part
    )
    statement: dict[str, Any] = {
        "decision_visibility": [
            {
                "removed": "DECISION_VISIBILITY_CONTENT_REMOVED",
                "withheld": "DECISION_VISIBILITY_CONTENT_DISABLED",
                "reinstated": "DECISION_VISIBILITY_OTHER",
            }[kind]
        ],
    }
    if kind == "reinstated":
        statement["decision_visibility_other"] = "Restriction lifted: content reinstated after an internal complaint"
        statement["end_date_visibility_restriction"] = application_date.isoformat()
    if illegal:
        statement["decision_ground"] = "DECISION_GROUND_ILLEGAL_CONTENT"
        statement["illegal_content_legal_ground"] = _clip(
            "; ".join(dict.fromkeys(n["legal_ground"] for n in illegal)), 500
        )
        statement["illegal_content_explanation"] = _clip(facts, 2000)
    else:
        rules = [n["terms_ground"] for n in notices if n.get("terms_ground")]
        statement["decision_ground"] = "DECISION_GROUND_INCOMPATIBLE_CONTENT"
        statement["incompatible_content_ground"] = _clip("; ".join(dict.fromkeys(rules or [terms["house_rule"]])), 500)
        statement["incompatible_content_explanation"] = _clip(facts, 2000)
    statement["category"] = category
    if additions:
        statement["category_addition"] = additions
    if terms["category_specification"] and category == terms["category"]:
        statement["category_specification"] = terms["category_specification"]
    statement.update(
        {
            "content_type": ["CONTENT_TYPE_TEXT"],
            "content_language": settings.get("content_language") or "NL",
            "territorial_scope": list(settings.get("territorial_scope") or ["NL"]),
            "content_date": content_date.isoformat(),
            "application_date": application_date.isoformat(),
            "decision_facts": _clip(facts, 5000),
            "source_type": "SOURCE_ARTICLE_16" if notices else "SOURCE_VOLUNTARY",
            "automated_detection": "Yes" if flagged else "No",
            "automated_decision": automated_decision(actor, flagged),
            "puid": puid,
        }
    )
    return statement
