"""The DSA endpoints of the site API: notices (Art. 16) and appeals (Art. 20)."""

from flask import Blueprint, jsonify, request

from moderation.storage import appeals, notices
from moderation.web import dsa_validation, service, validation
from moderation.web.api import authenticated_site
from moderation.web.problems import Problem
from moderation.web.routing import MAX_ID

bp = Blueprint("dsa_api", __name__)


def _valid(check):
    data, errors = check(validation.json_body(request))
    if errors:
        raise Problem(422, validation.summarise(errors), "validation-failed", errors=errors)
    return data


@bp.post("/api/v1/notices")
def post_notice():
    """A reader's notice, forwarded by the site: ``201`` with the id and the time of receipt."""
    site = authenticated_site()
    data = _valid(dsa_validation.notice)
    try:
        view = notices.create(service.current().db, site["id"], data)
    except notices.UnknownComment:
        raise Problem(
            404,
            f"this site has no comment with external_id {data['comment_external_id']!r} (or it was erased); "
            "post the comment first",
            "not-found",
        ) from None
    return jsonify(view), 201


@bp.get("/api/v1/notices/<int:notice_id>")
def get_notice(notice_id):
    site = authenticated_site()
    found = notices.get(service.current().db, site["id"], notice_id) if notice_id <= MAX_ID else None
    if found is None:
        raise Problem(404, f"this site has no notice with id {notice_id}", "not-found")
    return jsonify(found)


@bp.post("/api/v1/appeals")
def post_appeal():
    """An internal complaint by the writer or a notifier: ``201`` with the id (``200``: already open)."""
    site = authenticated_site()
    data = _valid(dsa_validation.appeal)
    try:
        view, created = appeals.create(service.current().db, site["id"], data)
    except LookupError:
        raise Problem(
            404, f"this site has no comment with external_id {data['comment_external_id']!r}", "not-found"
        ) from None
    except appeals.AppealRefused as exc:
        raise Problem(409, str(exc), "appeal-refused") from None
    return jsonify(view), 201 if created else 200


@bp.get("/api/v1/appeals/<int:appeal_id>")
def get_appeal(appeal_id):
    site = authenticated_site()
    found = appeals.get(service.current().db, site["id"], appeal_id) if appeal_id <= MAX_ID else None
    if found is None:
        raise Problem(404, f"this site has no appeal with id {appeal_id}", "not-found")
    return jsonify(found)
