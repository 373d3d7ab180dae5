"""The admin's Moderatoren page: invite moderators, change their role and sites, disable,
enable, reset a password, remove; each account's last sign-in and history.

Only admins; an admin limited to some sites sees and manages only accounts within those
sites (the rules are in ``storage.account_admin``).  A link (invitation or reset) is shown
once, to the admin, who sends it on; only its hash is stored.
"""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from moderation.pages import wording
from moderation.pages.auth import (
    after_request,
    check_csrf,
    current_moderator,
    error_pages,
    login_required,
    require_admin,
)
from moderation.pages.password_link import url_for_link
from moderation.storage import account_admin, account_events, account_links, accounts
from moderation.storage import comments as records
from moderation.web import service

bp = Blueprint("moderators", __name__, url_prefix="/admin/moderators")
bp.before_request(check_csrf)
bp.after_request(after_request)
error_pages(
    bp, "Deze moderator bestaat niet, of valt niet onder de sites die jij beheert.", "Alleen beheerders kunnen dit."
)


@bp.before_request
def _admins_only():
    if current_moderator() is not None:
        require_admin()


def _db():
    return service.current().db


def _me() -> dict:
    return current_moderator() or abort(401)


def _sites() -> list[dict]:
    """The sites this admin may hand out."""
    mine = _me()["site_ids"]
    return [s for s in records.list_sites(_db()) if mine is None or s["id"] in mine]


def _site_choice(form):
    """The sites ticked on a form: None for every site."""
    if form.get("alle_sites") == "ja":
        return None
    try:
        return [int(v) for v in form.getlist("site")]
    except ValueError:
        abort(400)


def _listing(status=200, **extra):
    db = _db()
    found = account_admin.manageable(db, _me())
    ids = [m["id"] for m in found]
    scope = None if _me()["site_ids"] is None else ids
    return render_template(
        "admin_moderators.html",
        moderators=found,
        links=account_links.open_links(db, ids),
        sites=_sites(),
        site_names={s["id"]: s["name"] for s in records.list_sites(db)},
        events=account_events.entries(db, limit=50, moderator_ids=scope),
        form=extra.pop("form", {}),
        **extra,
    ), status


@bp.get("")
@login_required
def listing():
    return _listing()


@bp.post("/uitnodigen")
@login_required
def invite():
    form = request.form
    try:
        made = account_admin.invite(_db(), _me(), form.get("email", ""), form.get("role", ""), _site_choice(form))
    except account_admin.Refused as refused:
        return _listing(422, error=wording.ACCOUNT_REFUSALS[refused.code], form=form)
    return _listing(link=_shown_link(made, "invite"))


def _shown_link(made, purpose) -> dict:
    return {
        "url": url_for_link(made["token"]),
        "email": made["moderator"]["email"],
        "expires_at": made["expires_at"],
        "purpose": purpose,
    }


def _account(moderator_id) -> dict:
    found = accounts.get(_db(), moderator_id)
    if found is None or not account_admin.may_manage(_me(), found["site_ids"]):
        abort(404)
    return found


def _detail(moderator_id, status=200, **extra):
    account = _account(moderator_id)
    return render_template(
        "admin_moderator.html",
        account=account,
        link_open=account_links.open_links(_db(), [moderator_id]).get(moderator_id),
        sites=_sites(),
        site_names={s["id"]: s["name"] for s in records.list_sites(_db())},
        events=account_events.entries(_db(), limit=100, moderator_ids=[moderator_id]),
        **extra,
    ), status


@bp.get("/<int:moderator_id>")
@login_required
def detail(moderator_id):
    return _detail(moderator_id)


def _change(moderator_id, change, done: str):
    """Apply ``change`` (a call of account_admin); a refusal is shown on the account's page."""
    _account(moderator_id)
    try:
        result = change()
    except account_admin.Refused as refused:
        if refused.code == "not_yours":
            abort(404)
        return _detail(moderator_id, 422, error=wording.ACCOUNT_REFUSALS[refused.code])
    except account_links.LinkError as refused:
        return _detail(moderator_id, 422, error=wording.LINK_REFUSALS[refused.reason])
    if isinstance(result, dict) and "token" in result:
        return _detail(moderator_id, link=_shown_link(result, "reset"))
    flash(done, "success")
    if current_moderator_gone():
        return redirect(url_for("auth.login"))
    return redirect(url_for("moderators.detail", moderator_id=moderator_id))


def current_moderator_gone() -> bool:
    """After changing their own account an admin may have lost it (disabled, removed)."""
    me = accounts.get(_db(), _me()["id"])
    return me is None or me["disabled"]


@bp.post("/<int:moderator_id>/toegang")
@login_required
def access(moderator_id):
    role, sites = request.form.get("role", ""), _site_choice(request.form)
    email = _account(moderator_id)["email"]
    return _change(
        moderator_id,
        lambda: account_admin.set_access(_db(), _me(), moderator_id, role, sites),
        f"Rol en sites van {email} zijn opgeslagen.",
    )


@bp.post("/<int:moderator_id>/uitschakelen")
@login_required
def disable(moderator_id):
    email = _account(moderator_id)["email"]
    return _change(
        moderator_id,
        lambda: account_admin.disable(_db(), _me(), moderator_id),
        f"{email} is uitgeschakeld; open sessies zijn beëindigd.",
    )


@bp.post("/<int:moderator_id>/inschakelen")
@login_required
def enable(moderator_id):
    email = _account(moderator_id)["email"]
    return _change(
        moderator_id, lambda: account_admin.enable(_db(), _me(), moderator_id), f"{email} kan weer inloggen."
    )


@bp.post("/<int:moderator_id>/wachtwoord")
@login_required
def reset(moderator_id):
    return _change(moderator_id, lambda: account_admin.reset(_db(), _me(), moderator_id), "")


@bp.post("/<int:moderator_id>/verwijderen")
@login_required
def remove(moderator_id):
    _account(moderator_id)
    if request.form.get("zeker") != "ja":
        return _detail(moderator_id, 422, error="Vink aan dat je het account echt wilt verwijderen.")
    try:
        gone = account_admin.remove(_db(), _me(), moderator_id)
    except account_admin.Refused as refused:
        return _detail(moderator_id, 422, error=wording.ACCOUNT_REFUSALS[refused.code])
    flash(f"Het account van {gone['email']} is verwijderd.", "success")
    if current_moderator_gone():
        return redirect(url_for("auth.login"))
    return redirect(url_for("moderators.listing"))
