"""The moderator pages: the queue and the lists, decisions, corrections, audit log, articles.

Plain HTML forms do everything; static/queue.js adds keys and bulk actions on
top, posting the same forms with ``Accept: application/json``.
"""

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for

from moderation import vocabulary as vocab
from moderation.pages import flags, query, wording
from moderation.pages.auth import (
    after_request,
    check_csrf,
    current_moderator,
    error_pages,
    failure,
    login_required,
    safe_next,
    visible_site_ids,
    wants_json,
)
from moderation.pages.charts import chart_rows
from moderation.pages.highlight import highlight, safe_url
from moderation.pages.reasons import chosen as _chosen
from moderation.pages.undo_views import remember
from moderation.storage import audit as reports
from moderation.storage import explanations
from moderation.storage import review_queue as review
from moderation.web import service
from moderation.web.routing import MAX_ID

bp = Blueprint("queue", __name__)
bp.before_request(check_csrf)
bp.after_request(after_request)
error_pages(bp, "Deze pagina of reactie bestaat niet, of je hebt er geen toegang toe.", "Daar heb je geen toegang toe.")
for _name, _filter in wording.FILTERS.items():
    bp.add_app_template_filter(_filter, _name)
PAGE_SIZE = 25


@bp.app_template_global()
def url_with(**changes):
    """The current page's URL with some query arguments changed (None drops one)."""
    args = request.args.to_dict()
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = value
    return url_for(request.endpoint, **(request.view_args or {}), **args)


@bp.app_context_processor
def _helpers():
    return {"highlight": highlight, "safe_url": safe_url, "words": wording}


def _db():
    return service.current().db


def _sites():
    return visible_site_ids()


def _actor():
    return current_moderator()["email"]


@bp.get("/queue")
@login_required
def pending():
    return _listing(vocab.PENDING)


@bp.get("/queue/<any(escalated, approved, rejected):view>")
@login_required
def listing(view):
    return _listing(view)


@bp.get("/queue/steekproef")
@login_required
def sample():
    """The audit sample: automatic decisions drawn at random for a moderator to label."""
    return _listing(vocab.SAMPLE)


def _listing(view):
    filters = query.filters()
    result = review.page(
        _db(), view, _sites(), filters, after=request.args.get("na"), before=request.args.get("voor"), limit=PAGE_SIZE
    )
    article = review.article_ref(_db(), _sites(), filters.article_id) if filters.article_id else None
    return render_template(
        "queue.html",
        view=view,
        page=result,
        filters=filters,
        article=article,
        options=review.filter_options(_db(), _sites()),
        counts=review.counts(_db(), _sites()),
        here=request.full_path.rstrip("?"),
    )


@bp.get("/comments/<int:comment_id>")
@login_required
def comment(comment_id):
    try:
        item = review.get(_db(), _sites(), comment_id)
    except review.NotVisible:
        abort(404)
    history = reports.audit(_db(), _sites(), include_policy=True, limit=200, comment_id=comment_id)["entries"]
    return render_template(
        "comment.html",
        item=item,
        history=history,
        counts=review.counts(_db(), _sites()),
        here=request.full_path.rstrip("?"),
    )


# --- decisions ------------------------------------------------------------------------------


@bp.post("/comments/<int:comment_id>/decision")
@login_required
def decide_one(comment_id):
    return _decide([comment_id])


@bp.post("/decisions")
@login_required
def decide_many():
    ids = [int(v) for v in request.form.getlist("ids") if v.isascii() and v.isdigit() and int(v) <= MAX_ID]
    if not ids:
        return _answer(400, "Selecteer eerst een of meer reacties.")
    if len(ids) > 200:
        return _answer(400, "Beslis over hoogstens 200 reacties tegelijk.")
    return _decide(ids)


def _decide(ids):
    action = request.form.get("action")
    if action not in review.ACTIONS:
        return _answer(400, "Kies goedkeuren, afwijzen of escaleren.")
    reason, canned_text = request.form.get("reason") or None, None
    if action == "reject":  # a standard reason, or one of the site's own (storage.canned)
        reason, canned_text = _chosen(ids, reason)
    if action == "reject" and reason not in wording.REASONS:
        return _answer(400, "Kies een reden om af te wijzen (een eigen reden hoort bij één site).")
    note = (request.form.get("note") or "").strip()[:2000] or None
    try:  # the statement of reasons the writer gets; empty: the drafted one
        explanation = explanations.clean(request.form.get("explanation")) if action == "reject" else None
    except ValueError as exc:
        return _answer(400, f"De uitleg kan zo niet mee: {exc}.")
    if action == "reject" and not explanation:  # the site's canned text for this reason, if it wrote one
        explanation = canned_text
    expected = request.form.get("expected") if request.form.get("expected") in wording.STATUSES else None
    flag = request.form.get("vlag") if action == "approve" and len(ids) == 1 else None
    try:
        result = review.decide(
            _db(), _sites(), ids, action, _actor(), reason=reason, note=note, expected=expected, explanation=explanation
        )
        if flag in flags.FLAG_ANSWERS and result["done"]:
            flags.label_flag(_db(), _sites(), _actor(), ids[0], flag)
    except review.NotVisible:
        abort(404)
    done = result["done"]
    if not wants_json():  # the next page offers "Ongedaan maken" (with JavaScript: the toast does)
        remember(done)
    messages = []
    if done:
        what = wording.ACTIONS_DONE[action]
        subject = f"Reactie #{done[0]}" if len(done) == 1 else wording.comments(len(done)).capitalize()
        messages.append(f"{subject} {what}" + (f" ({wording.REASONS[reason].lower()})." if action == "reject" else "."))
    for skip in result["skipped"]:
        by = f" door {skip['by']}" if skip["by"] and skip["by"] != _actor() else ""
        messages.append(
            f"Reactie #{skip['id']} was al {wording.label_of('status', skip['status']).lower()}{by}; niets veranderd."
        )
    return _answer(
        200, " ".join(messages), done=done, skipped=result["skipped"], category="success" if done else "warning"
    )


def _answer(status, message, category=None, **extra):
    if wants_json():
        return jsonify({"ok": status < 400, "message": message, **extra}), status
    if status >= 400:
        return failure(status, message)
    flash(message, category or "success")
    return redirect(safe_next(request.form.get("next")))


@bp.post("/comments/<int:comment_id>/correction")
@login_required
def correct(comment_id):
    form = request.form
    stance = form.get("stance") or None
    if stance is not None and stance not in wording.STANCES:
        return _answer(400, "Onbekend standpunt.")
    uncivil = {"ja": True, "nee": False}.get(form.get("onbeschoft"))
    categories = [c for c in form.getlist("categories") if c in wording.CATEGORIES]
    if uncivil and not categories:
        return _answer(400, "Kies bij een onbeschofte reactie minstens één categorie.")
    confirm = form.get("bevestig") == "1"  # the audit sample: a label given is stored even when it was already so
    try:
        made = review.correct(
            _db(),
            _sites(),
            comment_id,
            _actor(),
            stance=stance,
            uncivil=uncivil,
            categories=categories,
            confirm=confirm,
        )
    except review.NotVisible:
        abort(404)
    if confirm and made and all(c["before"] == c["after"] for c in made):
        return _answer(200, f"Reactie #{comment_id}: labels bevestigd.", corrections=made)
    if not made:
        return _answer(
            200, f"Reactie #{comment_id}: de labels waren al zo; niets veranderd.", category="info", corrections=[]
        )
    fields = " en ".join("standpunt" if c["field"] == "stance" else "onbeschoftheid" for c in made)
    return _answer(200, f"Reactie #{comment_id}: {fields} gecorrigeerd.", corrections=made)


# --- audit log and articles ---------------------------------------------------------------------


@bp.get("/audit")
@login_required
def audit():
    actor = request.args.get("door") or None
    # changes to accounts: for an admin of every site (a site-limited admin sees theirs on Moderatoren)
    accounts_too = current_moderator()["role"] == vocab.ADMIN and _sites() is None
    result = reports.audit(
        _db(),
        _sites(),
        before=request.args.get("na"),
        actor=actor,
        include_policy=request.args.get("automatisch") == "ja",
        include_accounts=accounts_too,
    )
    return render_template(
        "audit.html",
        result=result,
        actor=actor,
        actors=reports.audit_actors(_db(), _sites(), include_accounts=accounts_too),
        counts=review.counts(_db(), _sites()),
    )


@bp.get("/articles")
@login_required
def articles():
    result = reports.articles(_db(), _sites(), before=query.id_arg("voor"))
    return render_template("articles.html", result=result, counts=review.counts(_db(), _sites()))


@bp.get("/articles/<int:article_id>")
@login_required
def article(article_id):
    stats = reports.article_stats(_db(), _sites(), article_id)
    if stats is None:
        abort(404)
    return render_template(
        "article.html", article=stats, chart=chart_rows(stats), counts=review.counts(_db(), _sites())
    )
