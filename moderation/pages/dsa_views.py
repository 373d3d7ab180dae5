"""The DSA pages: Gemeld (reported comments, by weight) and Bezwaren (appeals) for moderators;
canned reasons, the DSA role and the transparency report for admins.

Like the queue, plain forms do everything and static/queue.js adds the keys
(``a`` dismisses the notices or approves, ``r`` upholds or rejects)."""

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from moderation.dsa import report as dsa_figures
from moderation.dsa import roles
from moderation.pages import wording
from moderation.pages.auth import (
    after_request,
    check_csrf,
    current_moderator,
    failure,
    login_required,
    require_admin,
    visible_site_ids,
)
from moderation.pages.queue import _answer
from moderation.pages.reasons import chosen as _chosen
from moderation.storage import access, appeals, canned, dsa_report, explanations, notices
from moderation.storage import comments as records
from moderation.storage import review_queue as review
from moderation.storage import sites as site_settings
from moderation.web import service

bp = Blueprint("dsa_pages", __name__)
bp.before_request(check_csrf)
bp.after_request(after_request)


def _db():
    return service.current().db


def _sites():
    return visible_site_ids()


def _actor():
    return current_moderator()["email"]


@bp.app_context_processor
def _dsa_counts():
    """Gemeld and Bezwaren counts for the navigation, on every page a moderator sees."""
    moderator = current_moderator() if request.endpoint and not request.endpoint.startswith("static") else None
    if not moderator:
        return {"dsa_counts": None}
    site_ids = moderator["site_ids"]
    return {"dsa_counts": {"gemeld": notices.count(_db(), site_ids), "bezwaren": appeals.count(_db(), site_ids)}}


def _canned_by_site(items):
    return {site_id: canned.for_site(_db(), site_id) for site_id in {i["site_id"] for i in items}}


@bp.get("/gemeld")
@login_required
def gemeld():
    result = notices.gemeld(_db(), _sites(), page=request.args.get("pagina", 1, type=int))
    return render_template(
        "gemeld.html",
        view="gemeld",
        page=result,
        canned=_canned_by_site(result["items"]),
        counts=review.counts(_db(), _sites()),
        here=request.full_path.rstrip("?"),
    )


@bp.get("/bezwaren")
@login_required
def bezwaren():
    result = appeals.bezwaren(_db(), _sites(), _actor())
    return render_template(
        "bezwaren.html",
        view="bezwaren",
        page=result,
        canned=_canned_by_site(result["items"]),
        counts=review.counts(_db(), _sites()),
        here=request.full_path.rstrip("?"),
    )


def _form_decision(ids):
    """action, reason and the writer's explanation (typed, else the site's canned text)."""
    form = request.form
    action = form.get("action")
    reason, canned_text = form.get("reason") or form.get("canned") or None, None
    if action == "reject":  # a standard reason, or one of the site's own (storage.canned)
        reason, canned_text = _chosen(ids, reason)
    if action == "reject" and reason not in wording.REASONS:
        return None, _answer(400, "Kies een reden om af te wijzen (een eigen reden hoort bij één site).")
    try:
        explanation = explanations.clean(form.get("explanation")) if action == "reject" else None
    except ValueError as exc:
        return None, _answer(400, f"De uitleg kan zo niet mee: {exc}.")
    if action == "reject" and not explanation:
        explanation = canned_text
    note = (form.get("note") or "").strip()[:2000] or None
    return (action, reason, explanation, note), None


def _decision_form(wrong_action: str):
    """``(ids, (action, reason, explanation, note), None)``, or an answer saying what is missing."""
    ids = _ids()
    if not ids:
        return ids, None, _answer(400, "Selecteer eerst een of meer reacties.")
    parsed, error = _form_decision(ids)
    if error:
        return ids, None, error
    if parsed[0] not in ("approve", "reject"):
        return ids, None, _answer(400, wrong_action)
    return ids, parsed, None


def _ids():
    if request.view_args.get("comment_id") is not None:
        return [request.view_args["comment_id"]]
    return [int(v) for v in request.form.getlist("ids") if v.isdigit()][:200]


@bp.post("/gemeld/<int:comment_id>/decision")
@bp.post("/gemeld/decisions")
@login_required
def decide_notices(comment_id=None):
    ids, parsed, error = _decision_form(
        "In Gemeld: a (meldingen afwijzen, reactie blijft) of r (melding toekennen, afwijzen)."
    )
    if error:
        return error
    action, reason, explanation, note = parsed
    try:
        result = notices.decide(_db(), _sites(), ids, action, _actor(), reason, note, explanation)
    except review.NotVisible:
        abort(404)
    done = result["done"]
    what = "meldingen afgewezen; de reactie blijft staan" if action == "approve" else "melding toegekend; afgewezen"
    message = f"Reactie #{done[0]}: {what}." if len(done) == 1 else f"{len(done)} reacties: {what}."
    return _answer(200, message if done else "Niets meer te beslissen.", done=done, skipped=result["skipped"])


@bp.post("/bezwaren/<int:comment_id>/decision")
@bp.post("/bezwaren/decisions")
@login_required
def decide_appeals(comment_id=None):
    ids, parsed, error = _decision_form("Bij een bezwaar: a (goedkeuren) of r (afwijzen).")
    if error:
        return error
    action, reason, explanation, _note = parsed
    reply = (request.form.get("reply") or "").strip()[:2000] or None
    try:
        result = appeals.decide(_db(), _sites(), ids, action, _actor(), reply, reason, explanation)
    except review.NotVisible:
        abort(404)
    except appeals.SameModerator as exc:
        return _answer(
            403, f"Reactie #{exc.args[0]}: jij nam de oorspronkelijke beslissing; een collega beoordeelt dit bezwaar."
        )
    done = result["done"]
    message = f"Bezwaar bij reactie #{done[0]} beslist." if len(done) == 1 else f"{len(done)} bezwaren beslist."
    return _answer(200, message if done else "Niets meer te beslissen.", done=done, skipped=result["skipped"])


# --- admin: DSA role, canned reasons, the transparency report -------------------------------------


def _admin_site(site_id) -> dict:
    require_admin()
    allowed = visible_site_ids()
    for site in records.list_sites(_db()):
        if site["id"] == site_id and access.allows(allowed, site_id):
            return site
    abort(404)


@bp.route("/admin/sites/<int:site_id>/dsa", methods=["GET", "POST"])
@login_required
def site_dsa(site_id):
    site = _admin_site(site_id)
    error = None
    if request.method == "POST":
        form = request.form
        try:
            months = form.get("appeal_months", "").strip()
            if months and not months.isdigit():
                raise ValueError(f"de bezwaartermijn is een aantal maanden, niet {months!r}")
            site_settings.update_dsa(
                _db(),
                site["name"],
                role=form.get("dsa_role") or None,
                small_enterprise=form.get("small_enterprise") == "ja",
                appeal_months=int(months) if months else None,
            )
            entries = {
                code: (form.get(f"title-{code}", ""), form.get(f"text-{code}", ""))
                for code in canned.DEFAULT_TITLES
                if f"title-{code}" in form
            }
            if entries:
                canned.save(_db(), site_id, entries)
            flash(f"De DSA-instellingen van {site['name']} zijn opgeslagen.", "success")
            return redirect(url_for("dsa_pages.site_dsa", site_id=site_id))
        except ValueError as exc:
            error = str(exc)
    return _dsa_page(site, error)


def _dsa_page(site, error=None):
    return render_template(
        "admin_dsa.html",
        site=site_settings.get(_db(), site["name"]),
        roles=roles.ROLES,
        reasons=canned.for_site(_db(), site["id"], extra=False),
        own=canned.own_reasons(_db(), [site["id"]]),
        bases=wording.REASONS,
        error=error,
    ), 422 if error else 200


@bp.post("/admin/sites/<int:site_id>/redenen")
@bp.post("/admin/sites/<int:site_id>/redenen/<code>")
@login_required
def own_reason(site_id, code=None):
    """Add an own reason, or change (``action=save``) or remove (``action=remove``) one."""
    site = _admin_site(site_id)
    form = request.form
    try:
        if code is None:
            canned.add_own(_db(), site_id, form.get("base", ""), form.get("title", ""), form.get("text", ""))
            flash("De eigen reden is toegevoegd.", "success")
        elif form.get("action") == "remove":
            if not canned.remove_own(_db(), site_id, code):
                abort(404)
            flash("De eigen reden is verwijderd.", "success")
        else:
            canned.update_own(_db(), site_id, code, form.get("base", ""), form.get("title", ""), form.get("text", ""))
            flash("De eigen reden is opgeslagen.", "success")
    except LookupError:
        abort(404)
    except ValueError as exc:
        return _dsa_page(site, str(exc))
    return redirect(url_for("dsa_pages.site_dsa", site_id=site_id) + "#eigen-redenen")


@bp.get("/admin/sites/<int:site_id>/report")
@login_required
def site_report(site_id):
    site = _admin_site(site_id)
    year = request.args.get("jaar", date.today().year, type=int)
    if not 2020 <= year <= 2100:
        abort(404)
    figures = dsa_figures.compute(dsa_report.rows(_db(), site["name"], year))
    return render_template("admin_report.html", site=site, figures=figures, year=year)


@bp.errorhandler(404)
def _not_found(_exc):
    return failure(404, "Deze pagina of reactie bestaat niet, of je hebt er geen toegang toe.")


@bp.errorhandler(403)
def _forbidden(_exc):
    return failure(403, "Alleen beheerders kunnen deze pagina's gebruiken.")
