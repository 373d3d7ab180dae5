"""The admin pages: per-site settings and the webhook events (parked ones to resend).

Only moderators with the admin role; an admin limited to some sites sees only those.
"""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for

from moderation import vocabulary as vocab
from moderation.delivery import probe, targets
from moderation.pages import wording
from moderation.pages.auth import (
    after_request,
    check_csrf,
    current_moderator,
    error_pages,
    login_required,
    require_admin,
    visible_site_ids,
)
from moderation.storage import access, audit_sample, labelled_examples, outbox
from moderation.storage import comments as records
from moderation.storage import sites as site_settings
from moderation.web import service

bp = Blueprint("admin", __name__, url_prefix="/admin")
bp.before_request(check_csrf)
bp.after_request(after_request)
error_pages(
    bp, "Deze pagina bestaat niet, of je hebt er geen toegang toe.", "Alleen beheerders kunnen deze pagina's gebruiken."
)
EVENT_STATES = wording.EVENT_STATES


@bp.before_request
def _admins_only():
    if current_moderator() is None:
        return None  # login_required on each view sends them to the login page
    require_admin()
    return None


def _db():
    return service.current().db


def _visible_sites() -> list[dict]:
    allowed = visible_site_ids()
    return [s for s in records.list_sites(_db()) if access.allows(allowed, s["id"])]


def _site(site_id) -> dict:
    for site in _visible_sites():
        if site["id"] == site_id:
            return site
    abort(404)


@bp.context_processor
def _rule_choices():
    """The choices of a tag rule, with their Dutch names."""
    reject = [(f"{vocab.RULE_REJECT}:{code}", f"Afwijzen: {name.lower()}") for code, name in wording.REASONS.items()]
    return {"rule_choices": [(vocab.RULE_HOLD, "Laten wachten op een moderator"), *reject]}


def _plugin_names() -> list[str]:
    return [name for name, plugin in service.current().pm.list_name_plugin() if plugin is not None]


@bp.get("/sites")
@login_required
def sites():
    visible = _visible_sites()
    rows = [site_settings.get(_db(), s["name"]) for s in visible]
    counts = outbox.count_by_state(_db(), site_ids=[s["id"] for s in visible])
    return render_template("admin_sites.html", sites=rows, counts=counts)


@bp.route("/sites/<int:site_id>", methods=["GET", "POST"])
@login_required
def site(site_id):
    name = _site(site_id)["name"]
    if request.method == "GET":
        return render_template("admin_site.html", site=site_settings.get(_db(), name), plugins=_plugin_names())
    form = request.form
    try:
        chosen = form.getlist("plugins")
        view = site_settings.update(
            _db(),
            name,
            webhook_url=form.get("webhook_url", "").strip() or None,
            known_plugins=_plugin_names(),
            url_check=targets.checker(current_app.config["WEBHOOK_ALLOW_HOSTS"]),
            approve_below=_number(form, "approve_below"),
            reject_above=_number(form, "reject_above"),
            mode=form.get("mode") or None,
            plugins="all" if set(chosen) >= set(_plugin_names()) else chosen,
            # the form's rules replace the site's; a form without the rule rows leaves them
            tag_rules=(
                {"*": None, **site_settings.parse_tag_rules(_tag_rule_lines(form))}
                if any(key.startswith("tag-") for key in form)
                else None
            ),
            schedule=_schedule(form),
            target_minutes=_minutes(form),
            suspended_comments=form.get("suspended_comments") or None,
            first_comments_held=_count(form, "first_comments_held"),
            hold_repeats=_count(form, "hold_repeats"),
        )
    except ValueError as exc:
        return render_template(
            "admin_site.html",
            site={**site_settings.get(_db(), name), **_echo(form)},
            plugins=_plugin_names(),
            error=str(exc),
        ), 422
    flash(f"De instellingen van {name} zijn opgeslagen.", "success")
    if view.get("webhook_secret"):
        return render_template("admin_site.html", site=view, plugins=_plugin_names(), secret=view["webhook_secret"])
    return redirect(url_for("admin.site", site_id=site_id))


def _number(form, key):
    raw = (form.get(key) or "").strip().replace(",", ".")
    if not raw:
        return None
    try:
        return float(raw)
    except ValueError:
        raise ValueError(f"{key} moet een getal van 0 tot 1 zijn, niet {raw!r}") from None


def _tag_rule_lines(form) -> list[str]:
    """The rule rows of the form (``tag-N`` and ``action-N``), as ``TAG=ACTION``; an empty tag is no rule."""
    lines = []
    for key in form:
        if key.startswith("tag-") and form.get(key, "").strip():
            action = form.get("action-" + key[4:], "") or "none"
            lines.append(f"{form[key].strip()}={action}")
    return lines


def _schedule(form):
    """The schedule fields: "" (no schedule) when the hours are empty."""
    if "schedule_hours" not in form:
        return None  # not on this form: unchanged
    hours = (form.get("schedule_hours") or "").strip()
    if not hours:
        return ""
    return {"hours": hours, "outside": form.get("schedule_outside") or None, "timezone": form.get("timezone") or None}


def _minutes(form):
    raw = (form.get("target_minutes") or "").strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise ValueError(f"het doel is een heel aantal minuten, niet {raw!r}")
    return int(raw)


def _count(form, key):
    raw = (form.get(key) or "").strip()
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit()):
        raise ValueError(f"{key} moet een heel getal van 0 tot 1000 zijn, niet {raw!r}")
    return int(raw)


def _echo(form) -> dict:
    return {
        "webhook_url": form.get("webhook_url"),
        "mode": form.get("mode"),
        "approve_below": form.get("approve_below"),
        "reject_above": form.get("reject_above"),
        "target_minutes": form.get("target_minutes"),
        "suspended_comments": form.get("suspended_comments"),
        "first_comments_held": form.get("first_comments_held"),
        "hold_repeats": form.get("hold_repeats"),
    }


@bp.post("/sites/<int:site_id>/secret")
@login_required
def rotate_secret(site_id):
    name = _site(site_id)["name"]
    grace = 0 if request.form.get("grace") == "0" else 24
    out = site_settings.rotate_secret(_db(), name, grace_hours=grace)
    return render_template(
        "admin_site.html",
        site=site_settings.get(_db(), name),
        plugins=_plugin_names(),
        secret=out["webhook_secret"],
        previous_until=out["previous_secret_valid_until"],
    )


@bp.post("/sites/<int:site_id>/test-event")
@login_required
def test_event(site_id):
    """Send the site a signed ``test`` event now (the normal delivery path) and show the answer."""
    name = _site(site_id)["name"]
    try:
        result = probe.send_test_event(_db(), current_app.config, name)
    except ValueError:
        result = {"no_webhook": True}
    return render_template(
        "admin_site.html", site=site_settings.get(_db(), name), plugins=_plugin_names(), test_result=result
    ), 422 if result.get("no_webhook") else 200


@bp.get("/events")
@login_required
def events():
    state = request.args.get("staat", vocab.PARKED)
    state = state if state in EVENT_STATES else vocab.PARKED
    site_ids = [s["id"] for s in _visible_sites()]
    rows = [e for e in outbox.list_events(_db(), state=state, limit=200, site_ids=site_ids)]
    return render_template(
        "admin_events.html",
        events=rows,
        state=state,
        states=EVENT_STATES,
        counts=outbox.count_by_state(_db(), site_ids=site_ids),
    )


@bp.get("/events/<int:event_id>")
@login_required
def event(event_id):
    return render_template("admin_event.html", event=_event(event_id))


def _event(event_id) -> dict:
    """An event of a site this admin may see, else 404."""
    found = outbox.get_event(_db(), event_id)
    if found is None or found["site"] not in {s["name"] for s in _visible_sites()}:
        abort(404)
    return found


@bp.post("/events/<int:event_id>/resend")
@login_required
def resend(event_id):
    _event(event_id)
    if outbox.resend(_db(), ids=[event_id]):
        flash(f"Gebeurtenis #{event_id} staat weer klaar; de worker verstuurt hem bij de volgende ronde.", "success")
    else:
        flash(f"Gebeurtenis #{event_id} wacht al op verzending.", "warning")
    return redirect(url_for("admin.event", event_id=event_id))


# --- the quality of automatic decisions and what the models learn from --------------------------


def _allowed_ids():
    allowed = visible_site_ids()
    return None if allowed is None else [s["id"] for s in _visible_sites()]


@bp.get("/steekproef")
@login_required
def audit_sample_report():
    """Error rate of the automatic decisions per site and month, from the labelled audit sample."""
    return render_template("admin_sample.html", rows=audit_sample.report(_db(), _allowed_ids()))


@bp.get("/training")
@login_required
def training_review():
    """What would enter training (moderator-labelled examples), with moderators' conflicting labels."""
    allowed = _allowed_ids()
    rows = (
        labelled_examples.examples(_db())
        if allowed is None
        else [r for sid in allowed for r in labelled_examples.examples(_db(), sid)]
    )
    tasks = {}
    for task in vocab.TASKS:
        counts = {}
        for r in rows:
            label = labelled_examples.label_of(r, task)
            if label is not None:
                counts[(r["source"], label)] = counts.get((r["source"], label), 0) + 1
        tasks[task] = {"counts": sorted(counts.items()), "conflicts": labelled_examples.conflicts(rows, task)[:50]}
    return render_template("admin_training.html", total=len(rows), tasks=tasks)
