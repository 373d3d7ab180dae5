"""A site asks about itself: ``GET /api/v1/sites/me/status`` (are comments open, in which mode,
until when: its weekly schedule, ``moderation.schedule``) and ``GET /api/v1/sites/me/stats``
(the dashboard's figures for its own monitoring, ``storage.site_stats``).  API key auth; a site
sees only itself."""

from flask import Blueprint, jsonify

from moderation import schedule
from moderation.storage import site_stats
from moderation.web import service
from moderation.web.api import authenticated_site, iso

bp = Blueprint("site_api", __name__)


@bp.get("/api/v1/sites/me/status")
def site_status():
    """Are comments open now, in which mode, and until when (the site's weekly schedule)."""
    site = authenticated_site()
    state = schedule.state(site["policy"], service.now())
    plan = site["policy"].get("schedule") or {}
    return jsonify(
        {
            "site": site["name"],
            "comments_open": state.comments_open,
            "mode": state.mode,
            "until": iso(state.until),
            "within_hours": state.scheduled,
            "schedule": plan.get("hours"),
            "outside": plan.get("outside"),
            "timezone": plan.get("timezone"),
        }
    )


@bp.get("/api/v1/sites/me/stats")
def site_stats_view():
    """This site's queues, waiting times and decisions today and this week (the dashboard's figures)."""
    site = authenticated_site()
    [figures] = site_stats.for_sites(service.current().db, [site["id"]], service.now())
    return jsonify(figures)
