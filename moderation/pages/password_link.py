"""The one-time link page: an invitee (or a moderator whose password an admin reset) chooses a
password under the usual rules and is signed in.  The link's token is in the path; the page
is never cached and sends no referrer elsewhere (``auth.after_request``)."""

from flask import Blueprint, flash, redirect, render_template, request, url_for

from moderation import vocabulary as vocab
from moderation.pages import wording
from moderation.pages.auth import after_request, check_csrf, sign_in
from moderation.storage import account_links, accounts, passwords
from moderation.web import service

bp = Blueprint("password_link", __name__)
bp.before_request(check_csrf)
bp.after_request(after_request)


def url_for_link(token: str) -> str:
    """The full link to hand to the account's owner."""
    return url_for("password_link.choose", token=token, _external=True)


@bp.route("/wachtwoord/<token>", methods=["GET", "POST"])
def choose(token):
    db = service.current().db
    try:
        link = account_links.peek(db, token)
    except account_links.LinkError as refused:
        return _refused(refused.reason)
    if request.method == "GET":
        return _page(link)
    password = request.form.get("password", "")
    error = None
    if password != request.form.get("password2", ""):
        error = "De twee wachtwoorden zijn niet gelijk."
    elif (code := passwords.problem_code(password, link["email"])) is not None:
        error = wording.PASSWORD_PROBLEMS[code]
    if error:
        return _page(link, error), 422
    try:
        moderator = account_links.redeem(db, token, password)
    except account_links.LinkError as refused:
        return _refused(refused.reason)
    except accounts.AccountError:  # the rules changed between the check and now: say it plainly
        return _page(link, wording.PASSWORD_PROBLEMS["common"]), 422
    sign_in(db, moderator)
    welcome = (
        "Welkom! Je wachtwoord is ingesteld."
        if link["purpose"] == vocab.LINK_INVITE
        else "Je nieuwe wachtwoord is ingesteld."
    )
    flash(welcome, "success")
    return redirect(url_for("dashboard.home"))


def _page(link, error=None):
    return render_template("password_link.html", link=link, error=error, min_length=passwords.MIN_LENGTH)


def _refused(reason):
    status = 404 if reason == account_links.UNKNOWN else 410
    return render_template("error.html", status=status, message=wording.LINK_REFUSALS[reason]), status
