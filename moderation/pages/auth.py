"""Moderator sign-in: the login page, sessions, CSRF tokens and page security headers.

The session cookie (Flask's signed cookie: HttpOnly, SameSite=Lax, and Secure
unless the page is served over plain http to localhost; ``SECURE_COOKIES``:
"auto", or "1"/"0" to force) carries a random token of a server-side session
(``storage.sessions``): logout, a password change and "sign out everywhere" end
it, and it ends ``SESSION_LIFETIME`` after sign-in however active it is.
Wrong passwords are slowed per client, per account and per (account, client)
(``storage.login_throttle``) without locking the account: the owner signing in
from another client is not refused because of a stranger's guesses.  Every state-changing request to the moderator pages
carries the session's CSRF token, as a form field or an ``X-CSRF-Token`` header.
"""

import functools
import hmac
import secrets
from datetime import timedelta
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, g, jsonify, redirect, render_template, request, session, url_for
from flask.sessions import SecureCookieSessionInterface

from moderation import vocabulary as vocab
from moderation.storage import accounts, login_throttle, sessions
from moderation.web import service

bp = Blueprint("auth", __name__)

LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
SESSION_LIFETIME = timedelta(hours=12)  # a working day; then log in again
# (key kind, attempts before a block, seconds blocked; then one attempt per block)
THROTTLES = (("client", 20, 60.0), ("pair", 5, 60.0), ("account", 50, 60.0))
THROTTLED = "Te veel pogingen om in te loggen. Wacht een minuut en probeer het dan opnieuw."
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


class ModeratorSessions(SecureCookieSessionInterface):
    def get_cookie_secure(self, app):
        mode = str(app.config.get("SECURE_COOKIES", "auto")).strip().lower()
        if mode in ("1", "true", "yes", "on"):
            return True
        if mode in ("0", "false", "no", "off"):
            return False
        return request.is_secure or _hostname(request.host) not in LOCAL_HOSTS


def _hostname(host: str) -> str:
    if host.startswith("["):
        return host[1 : host.find("]")]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def init_app(app):
    app.session_interface = ModeratorSessions()
    app.config.update(
        SESSION_COOKIE_NAME="moderation_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=SESSION_LIFETIME,
    )
    app.jinja_env.globals["csrf_token"] = csrf_token
    app.register_blueprint(bp)


# --- CSRF ----------------------------------------------------------------------


def csrf_token() -> str:
    token = session.get("csrf")
    if not token:
        token = session["csrf"] = secrets.token_urlsafe(32)
    return token


def check_csrf():
    """``before_request`` of every moderator blueprint."""
    if request.method in SAFE_METHODS:
        return None
    sent = request.headers.get("X-CSRF-Token") or request.form.get("csrf_token") or ""
    expected = session.get("csrf") or ""
    if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        return failure(
            400, "Het formulier is verlopen of komt niet van deze site. Laad de pagina opnieuw en probeer het nog eens."
        )
    return None


def after_request(response):
    """Security headers of every moderator page."""
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if request.endpoint != "static":
        response.headers.setdefault("Cache-Control", "no-store")
    return response


bp.before_request(check_csrf)
bp.after_request(after_request)


def wants_json() -> bool:
    return request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json"


def failure(status, message):
    if wants_json():
        return jsonify({"ok": False, "error": message}), status
    return render_template("error.html", status=status, message=message), status


# --- who is signed in ----------------------------------------------------------------


def current_moderator() -> dict | None:
    if "moderator" not in g:
        moderator = None
        if session.get("sid") is not None or session.get("moderator_id") is not None:
            db = service.current().db
            moderator_id = sessions.moderator_of(db, session.get("sid"))
            if moderator_id is not None and moderator_id == session.get("moderator_id"):
                moderator = accounts.get(db, moderator_id)
            if (
                moderator is None
                or moderator["disabled"]
                or not hmac.compare_digest(moderator["password_stamp"], session.get("stamp", ""))
            ):
                session.clear()
                moderator = None
        g.moderator = moderator
    return g.moderator


def error_pages(bp, not_found: str, forbidden: str):
    """A blueprint's 404 and 403 answers: the page (or JSON) with a Dutch message."""
    bp.register_error_handler(404, lambda _exc: failure(404, not_found))
    bp.register_error_handler(403, lambda _exc: failure(403, forbidden))


def visible_site_ids() -> list[int] | None:
    """The sites the signed-in moderator may see (None: every site), for ``storage.access``.
    Only behind ``login_required``; without a moderator it refuses rather than show all."""
    moderator = current_moderator()
    if moderator is None:
        abort(401)
    return moderator["site_ids"]


def login_required(view):
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if current_moderator() is None:
            if request.method in SAFE_METHODS and not wants_json():
                return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
            return failure(401, "Je sessie is verlopen. Log opnieuw in.")
        return view(*args, **kwargs)

    return wrapped


def safe_next(target: str | None) -> str:
    """Only a path on this site: never another host, scheme or a protocol-relative URL."""
    default = url_for("dashboard.home")
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    if any(ord(c) < 0x21 or ord(c) == 0x7F for c in target):  # CR/LF, spaces, controls: never into a header
        return default
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else default


@bp.app_context_processor
def _template_globals():
    return {"moderator": current_moderator() if "moderator_id" in session else None}


# --- pages -----------------------------------------------------------------------------


@bp.route("/login", methods=["GET", "POST"])
def login():
    next_url = safe_next(request.values.get("next"))
    if request.method == "GET":
        if current_moderator() is not None:
            return redirect(next_url)
        return render_template("login.html", next=next_url, email="")
    email = request.form.get("email", "")
    password = request.form.get("password", "")
    db = service.current().db
    address = accounts.normalise_email(email)[:320]
    if not _may_try(db, address):
        accounts.spend_a_hash_check(password)  # as long as a real attempt: a block tells nothing
        current_app.logger.warning("throttled moderator login for %r from %s", address, request.remote_addr)
        return render_template("login.html", next=next_url, email=email, error=THROTTLED), 429
    moderator = accounts.authenticate(db, email, password)
    if moderator is None:
        current_app.logger.warning("failed moderator login for %r from %s", address, request.remote_addr)
        message = "Dit e-mailadres en wachtwoord horen niet bij elkaar."
        return render_template("login.html", next=next_url, email=email, error=message), 401
    login_throttle.clear(db, *(key for key, _, _ in _throttle_keys(address) if not key.startswith("client:")))
    sign_in(db, moderator)
    return redirect(next_url)


def sign_in(db, moderator):
    """A fresh server-side session for ``moderator`` (no fixation), and the time of it."""
    session.clear()
    session.permanent = True
    session.update(
        sid=sessions.start(db, moderator["id"], SESSION_LIFETIME),
        moderator_id=moderator["id"],
        stamp=moderator["password_stamp"],
        csrf=secrets.token_urlsafe(32),
    )
    g.pop("moderator", None)
    accounts.record_sign_in(db, moderator["id"])


def _throttle_keys(address):
    client = request.remote_addr or "?"
    keys = {"client": f"client:{client}", "pair": f"pair:{address}|{client}", "account": f"account:{address}"}
    return [(keys[kind], limit, block) for kind, limit, block in THROTTLES]


def _may_try(db, address) -> bool:
    """Counts this attempt against every key, atomically per key; False when one is blocked."""
    return all([login_throttle.reserve(db, key, limit, block) for key, limit, block in _throttle_keys(address)])


@bp.post("/logout")
def logout():
    sessions.end(service.current().db, session.get("sid"))
    session.clear()
    flash("Je bent uitgelogd.", "info")
    return redirect(url_for("auth.login"))


@bp.post("/logout/everywhere")
@login_required
def logout_everywhere():
    """End every session of the signed-in moderator, on every device."""
    ended = sessions.end_all(service.current().db, current_moderator()["id"])
    session.clear()
    flash(f"Je bent overal uitgelogd ({ended} {'sessie' if ended == 1 else 'sessies'}).", "info")
    return redirect(url_for("auth.login"))


def require_admin():
    if (current_moderator() or {}).get("role") != vocab.ADMIN:
        abort(403)
