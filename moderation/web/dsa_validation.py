"""Validation of the DSA bodies: notices (Art. 16) and appeals (Art. 20)."""

import re

from moderation import vocabulary as vocab
from moderation.dsa.mapping import CATEGORIES
from moderation.web.validation import _string

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
GROUNDS = vocab.NOTICE_GROUNDS
APPELLANTS = vocab.APPELLANTS
MAX_EXPLANATION = 5000


def _body(data) -> list[dict]:
    if not isinstance(data, dict):
        return [{"field": "body", "message": f"must be a JSON object, not {type(data).__name__}"}]
    return []


def _text(errors, field, value, max_length):
    return _string(errors, field, value, required=True, max_length=max_length, allow_newlines=True)


def notice(data) -> tuple[dict, list[dict]]:
    errors = _body(data)
    if errors:
        return {}, errors
    out = {
        "comment_external_id": _string(errors, "comment_external_id", data.get("comment_external_id"), required=True)
    }
    ground = data.get("ground")
    if ground not in GROUNDS:
        errors.append(
            {
                "field": "ground",
                "message": "must be 'illegal' (name the law in legal_ground) or 'terms' "
                "(name the house rule in terms_ground)",
            }
        )
    out["ground"] = ground
    if ground == vocab.GROUND_ILLEGAL:
        out["legal_ground"] = _string(errors, "legal_ground", data.get("legal_ground"), required=True, max_length=500)
        if data.get("terms_ground") is not None:
            errors.append({"field": "terms_ground", "message": "goes with ground 'terms', not 'illegal'"})
    elif ground == vocab.GROUND_TERMS:
        out["terms_ground"] = _string(errors, "terms_ground", data.get("terms_ground"), required=True, max_length=500)
        if data.get("legal_ground") is not None:
            errors.append({"field": "legal_ground", "message": "goes with ground 'illegal', not 'terms'"})
    category = data.get("category")
    if category not in CATEGORIES:
        errors.append(
            {
                "field": "category",
                "message": "must be a Transparency Database category, one of " + ", ".join(CATEGORIES),
            }
        )
    out["category"] = category
    out["explanation"] = _text(errors, "explanation", data.get("explanation"), MAX_EXPLANATION)
    notifier = data.get("notifier")
    if notifier is not None and not isinstance(notifier, dict):
        errors.append({"field": "notifier", "message": f"must be an object, not {type(notifier).__name__}"})
        notifier = None
    notifier = notifier or {}
    out["notifier"] = {
        "name": _string(errors, "notifier.name", notifier.get("name"), max_length=500),
        "email": _string(errors, "notifier.email", notifier.get("email"), max_length=320),
    }
    if out["notifier"]["email"] and not EMAIL.match(out["notifier"]["email"]):
        errors.append({"field": "notifier.email", "message": "is not an e-mail address"})
    if data.get("bona_fide") is not True:
        errors.append(
            {
                "field": "bona_fide",
                "message": "must be true: the notifier confirms the notice is "
                "accurate and complete in good faith (Art. 16(2)(d) DSA)",
            }
        )
    out["bona_fide"] = data.get("bona_fide") is True
    return out, errors


def appeal(data) -> tuple[dict, list[dict]]:
    errors = _body(data)
    if errors:
        return {}, errors
    out = {
        "comment_external_id": _string(errors, "comment_external_id", data.get("comment_external_id"), required=True)
    }
    appellant = data.get("appellant")
    if appellant not in APPELLANTS:
        errors.append({"field": "appellant", "message": "must be 'author' or 'notifier'"})
    out["appellant"] = appellant
    notice_id = data.get("notice_id")
    if isinstance(notice_id, float) and notice_id.is_integer():  # JSON has one number type: 12.0 is 12
        notice_id = int(notice_id)
    if appellant == vocab.APPELLANT_NOTIFIER:
        if isinstance(notice_id, bool) or not isinstance(notice_id, int) or not 1 <= notice_id <= 2**63 - 1:
            errors.append(
                {"field": "notice_id", "message": "is required for a notifier: the id POST /api/v1/notices gave"}
            )
    elif notice_id is not None:
        errors.append({"field": "notice_id", "message": "goes with appellant 'notifier' only"})
    out["notice_id"] = notice_id if appellant == vocab.APPELLANT_NOTIFIER else None
    out["text"] = _text(errors, "text", data.get("text"), MAX_EXPLANATION)
    return out, errors
