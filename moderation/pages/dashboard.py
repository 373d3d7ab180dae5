"""The home page after sign-in: per site the moderator may see, the queues, the oldest
waiting comment, the time to a decision against the site's target, decisions per moderator
and the share decided automatically (``storage.site_stats``; the same figures a site reads
from ``GET /api/v1/sites/me/stats``)."""

from flask import Blueprint, render_template

from moderation.pages.auth import after_request, login_required, visible_site_ids
from moderation.storage import review_queue as review
from moderation.storage import site_stats
from moderation.web import service

bp = Blueprint("dashboard", __name__)
bp.after_request(after_request)


@bp.get("/")
@login_required
def home():
    db = service.current().db
    return render_template(
        "dashboard.html",
        sites=site_stats.for_sites(db, visible_site_ids(), service.now()),
        counts=review.counts(db, visible_site_ids()),
    )


@bp.app_template_filter("duration")
def duration(seconds) -> str:
    """``754`` -> ``"12 min 34 s"``; ``None`` -> ``"–"``: in Dutch, for the dashboard."""
    if seconds is None:
        return "–"
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60} s" if seconds < 600 else f"{seconds // 60} min"
    if seconds < 48 * 3600:
        return f"{seconds // 3600} u {seconds % 3600 // 60} min"
    return f"{seconds // 86400} dagen"
