"""Moderator sign-in: the login page, sessions, CSRF tokens and page security headers.

Sessions are Flask's signed cookies: HttpOnly, SameSite=Lax, and Secure unless
the page is served over plain http to localhost (``SECURE_COOKIES``: "auto",
or "1"/"0" to force).  Every state-changing request to the moderator pages
carries the session's CSRF token, as a form field or an ``X-CSRF-Token`` header.
"""

import functools
import hmac
import secrets
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, g, jsonify, redirect, render_template, request, session, url_for
from flask.sessions import SecureCookieSessionInterface

from moderation import vocabulary as vocab
from moderation.storage import accounts
from moderation.web import service

bp = Blueprint("auth", __name__)

LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
SESSION_LIFETIME = timedelta(hours=12)  # a working day; then log in again
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
        moderator_id = session.get("moderator_id")
        if moderator_id is not None:
            moderator = accounts.get(service.current().db, moderator_id)
            if moderator is None or not hmac.compare_digest(moderator["password_stamp"], session.get("stamp", "")):
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
    default = url_for("queue.pending")
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
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
    moderator, locked_until = accounts.authenticate(service.current().db, email, request.form.get("password", ""))
    if moderator is None:
        if locked_until is not None:
            minutes = max(1, round((locked_until - datetime.now(UTC)).total_seconds() / 60))
            message = (
                f"Te veel mislukte pogingen. Dit account is tijdelijk geblokkeerd; probeer het over "
                f"{minutes} {'minuut' if minutes == 1 else 'minuten'} opnieuw."
            )
            status = 429
        else:
            message, status = "Dit e-mailadres en wachtwoord horen niet bij elkaar.", 401
        current_app.logger.warning("failed moderator login for %r", accounts.normalise_email(email)[:320])
        return render_template("login.html", next=next_url, email=email, error=message), status
    session.clear()  # a fresh session on sign-in: no fixation
    session.permanent = True
    session.update(moderator_id=moderator["id"], stamp=moderator["password_stamp"], csrf=secrets.token_urlsafe(32))
    return redirect(next_url)


@bp.post("/logout")
def logout():
    session.clear()
    flash("Je bent uitgelogd.", "info")
    return redirect(url_for("auth.login"))


def require_admin():
    if (current_moderator() or {}).get("role") != vocab.ADMIN:
        abort(403)
