"""The author page: one author's comments on one site with their decisions, and the moderator's
actions on the author (pre-moderation, suspension, block and hide all; ``storage.authors``).

A moderator only sees authors of their own sites: another site's author is a 404.
"""

from datetime import UTC, datetime, time, timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from moderation import vocabulary as vocab
from moderation.pages import wording
from moderation.pages.auth import (
    after_request,
    check_csrf,
    current_moderator,
    error_pages,
    failure,
    login_required,
    visible_site_ids,
)
from moderation.storage import authors
from moderation.storage import review_queue as review
from moderation.web import service

bp = Blueprint("authors", __name__)
bp.before_request(check_csrf)
bp.after_request(after_request)
error_pages(bp, "Deze schrijver bestaat niet, of je hebt er geen toegang toe.", "Daar heb je geen toegang toe.")
MAX_AUTHOR_ID = 200
MAX_REASON = 1000


def _db():
    return service.current().db


def _author_id(author_id: str) -> str:
    if not author_id or len(author_id) > MAX_AUTHOR_ID:
        abort(404)
    return author_id


@bp.get("/sites/<int:site_id>/authors/<path:author_id>")
@login_required
def author(site_id, author_id):
    try:
        view = authors.profile(_db(), visible_site_ids(), site_id, _author_id(author_id))
    except authors.NotVisible:
        abort(404)
    return render_template(
        "author.html",
        author=view,
        rules=_site_rules(view["site"]["policy"]),
        counts=review.counts(_db(), visible_site_ids()),
        default_until=(datetime.now(wording.LOCAL) + timedelta(days=7)).date().isoformat(),
    )


def _site_rules(policy: dict) -> dict:
    return {key: policy.get(key, default) for key, default in vocab.AUTHOR_RULE_DEFAULTS.items()}


@bp.post("/sites/<int:site_id>/authors/<path:author_id>")
@login_required
def act(site_id, author_id):
    author_id = _author_id(author_id)
    action = request.form.get("action")
    reason = (request.form.get("reason") or "").strip()[:MAX_REASON] or None
    actor, sites = current_moderator()["email"], visible_site_ids()
    try:
        if action in (vocab.AUTHOR_PREMODERATE, vocab.AUTHOR_END_PREMODERATION):
            done = authors.set_premoderation(
                _db(), sites, site_id, author_id, action == vocab.AUTHOR_PREMODERATE, actor, reason
            )
        elif action == vocab.AUTHOR_SUSPEND:
            until = _end_date(request.form.get("until"))
            if until is None:
                return failure(400, "Kies een einddatum in de toekomst voor de schorsing.")
            if not reason:
                return failure(400, "Geef een reden voor de schorsing; de schrijver krijgt die te lezen.")
            done = authors.suspend(_db(), sites, site_id, author_id, until, reason, actor)
        elif action == vocab.AUTHOR_UNSUSPEND:
            done = authors.unsuspend(_db(), sites, site_id, author_id, actor, reason)
        elif action == vocab.AUTHOR_BLOCK:
            done = authors.block(_db(), sites, site_id, author_id, actor, reason)
        elif action == vocab.AUTHOR_UNBLOCK:
            done = authors.unblock(_db(), sites, site_id, author_id, actor, reason)
        else:
            return failure(400, "Onbekende actie.")
    except authors.NotVisible:
        abort(404)
    except ValueError:
        return failure(400, "Kies een einddatum in de toekomst voor de schorsing.")
    if done is None:
        flash("Er was geen schorsing om op te heffen.", "warning")
    else:
        what = wording.label_of("author_action", action)
        changed = f" ({wording.comments(done['comments_changed'])})" if done["comments_changed"] else ""
        flash(f"{what}{changed}. Uitleg voor de schrijver: {done['explanation']}", "success")
    return redirect(url_for("authors.author", site_id=site_id, author_id=author_id))


def _end_date(raw: str | None) -> datetime | None:
    """A date (YYYY-MM-DD) from the form: the suspension ends at the start of that day, Dutch time."""
    try:
        day = datetime.strptime((raw or "").strip(), "%Y-%m-%d").date()
    except ValueError:
        return None
    until = datetime.combine(day, time(0, 0), tzinfo=wording.LOCAL).astimezone(UTC)
    return until if until > datetime.now(UTC) else None
