"""The queue pages' query string: dates, ids and the list filters (``?van=``, ``?site=``, ...)."""

from datetime import UTC, date, datetime, time, timedelta

from flask import abort, make_response, request

from moderation.pages import wording
from moderation.pages.auth import failure
from moderation.storage import review_queue as review
from moderation.web.routing import MAX_ID

FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(9998, 12, 31)


def parse_day(value):
    try:
        day = date.fromisoformat(value) if value else None
    except ValueError:
        return None
    if day is not None and not FIRST_DAY <= day <= LAST_DAY:
        abort(make_response(failure(400, f"Kies een datum tussen {FIRST_DAY:%d-%m-%Y} en {LAST_DAY:%d-%m-%Y}.")))
    return day


def id_arg(name):
    """An id from the query string; one no id column can hold matches nothing, like an unknown one."""
    value = request.args.get(name, type=int)
    return value if value is None or 0 <= value <= MAX_ID else 0


def local_midnight(day):
    return datetime.combine(day, time(0), tzinfo=wording.LOCAL).astimezone(UTC)


def filters() -> review.Filters:
    a = request.args
    since, until = parse_day(a.get("van")), parse_day(a.get("tot"))
    return review.Filters(
        site_id=id_arg("site"),
        article_id=id_arg("artikel"),
        stance=a.get("stance") if a.get("stance") in wording.STANCES else None,
        uncivil={"ja": True, "nee": False}.get(a.get("onbeschoft", "")),
        category=a.get("categorie") if a.get("categorie") in wording.CATEGORIES else None,
        tag=(a.get("tag") or "").strip().lower()[:100] or None,
        since=local_midnight(since) if since else None,
        until=local_midnight(until + timedelta(days=1)) if until else None,
        q=(a.get("q") or "").strip()[:200] or None,
        order="doubt" if a.get("volgorde") == "onzeker" else "risk",
    )
