"""Undo and the live counters of the moderator pages.

``POST /decisions/undo`` undoes the moderator's own last decision on one or more comments
within ``UNDO_SECONDS`` (storage/undo.py says what an undo does); the queue's toast and
the key ``u`` post it, and a plain form after a decision without JavaScript does too.
``GET /queue/tellers`` gives the navigation's counts as JSON, for the queue to refresh
them after a decision without reloading the page.
"""

import time

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, request, session

from moderation.pages import wording
from moderation.pages.auth import (
    after_request,
    check_csrf,
    current_moderator,
    failure,
    login_required,
    safe_next,
    visible_site_ids,
    wants_json,
)
from moderation.storage import appeals, notices
from moderation.storage import review_queue as review
from moderation.storage import undo as undoing
from moderation.web import service
from moderation.web.routing import MAX_ID

bp = Blueprint("live", __name__)
bp.before_request(check_csrf)
bp.after_request(after_request)
LAST = "undo"  # the session key of the last decision, for the plain "Ongedaan maken" form

REFUSED = {
    undoing.NOT_DECIDED: "Reactie #{id}: er is geen beslissing van jou om ongedaan te maken.",
    undoing.NOT_YOURS: "Reactie #{id} is daarna door {by} beslist; niets veranderd.",
    undoing.TOO_LATE: "Reactie #{id}: ongedaan maken kan tot {minutes} na de beslissing. "
    "Wijzig haar in Goedgekeurd of Afgewezen.",
    undoing.ANSWERED: "Reactie #{id}: deze beslissing beantwoordde een melding of bezwaar; wijzig haar via "
    "Gemeld of Bezwaren.",
}
BACK = {"pending": "terug in de wachtrij", "escalated": "terug bij Geëscaleerd"}


def _db():
    return service.current().db


def window() -> float:
    return float(current_app.config.get("UNDO_SECONDS", 120))


def remember(done: list[int]) -> None:
    """A plain form's decision: offer to undo it on the next page (without JavaScript)."""
    session[LAST] = {"ids": done[:200], "until": time.time() + window()} if done else None


@bp.app_context_processor
def _undo_offer():
    offer = session.get(LAST) if request.endpoint and not request.endpoint.startswith("static") else None
    if not offer or offer.get("until", 0) < time.time():
        return {"undo_offer": None}
    return {"undo_offer": offer}


@bp.post("/decisions/undo")
@login_required
def undo():
    ids = [int(v) for v in request.form.getlist("ids") if v.isascii() and v.isdigit() and int(v) <= MAX_ID]
    if not ids:
        return _answer(400, "Welke beslissing wil je ongedaan maken?")
    if len(ids) > 200:
        return _answer(400, "Maak hoogstens 200 beslissingen tegelijk ongedaan.")
    try:
        result = undoing.undo(_db(), visible_site_ids(), ids, current_moderator()["email"], window())
    except undoing.NotVisible:
        abort(404)
    session.pop(LAST, None)
    done = result["done"]
    messages = []
    if done:
        where = [BACK.get("escalated" if d["escalated"] else d["status"]) for d in done]
        back = where[0] if len(set(where)) == 1 and where[0] else None
        if back is None:
            back = "weer " + wording.label_of("status", done[0]["status"]).lower()
        subject = f"Reactie #{done[0]['id']}" if len(done) == 1 else wording.comments(len(done)).capitalize()
        messages.append(f"{subject} ongedaan gemaakt: {back}.")
    minutes = f"{round(window() / 60)} minuten" if window() >= 120 else f"{round(window())} seconden"
    for refusal in result["refused"]:
        messages.append(REFUSED[refusal["why"]].format(id=refusal["id"], by=refusal["by"], minutes=minutes))
    status = 200 if done else 409
    return _answer(
        status,
        " ".join(messages),
        done=[d["id"] for d in done],
        refused=result["refused"],
        category="success" if done else "warning",
    )


@bp.get("/queue/tellers")
@login_required
def counters():
    site_ids = visible_site_ids()
    found = review.counts(_db(), site_ids)
    return jsonify({**found, "gemeld": notices.count(_db(), site_ids), "bezwaren": appeals.count(_db(), site_ids)})


def _answer(status, message, category=None, **extra):
    if wants_json():
        return jsonify({"ok": status < 400, "message": message, **extra}), status
    if status >= 400 and status != 409:
        return failure(status, message)
    flash(message, category or "success")
    return redirect(safe_next(request.form.get("next")))
