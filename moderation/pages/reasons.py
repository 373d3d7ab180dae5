"""The reasons a moderator rejects with: the standard ones under the site's titles, and the
site's own (``storage.canned``), in the reject dialog and when a decision comes in."""

from flask import Blueprint

from moderation.pages import wording
from moderation.pages.auth import visible_site_ids
from moderation.storage import canned
from moderation.storage import comments as records
from moderation.storage import review_queue as review
from moderation.web import service

bp = Blueprint("reasons", __name__)


def chosen(ids, picked):
    """``(reason, the site's text or None)`` for what the moderator picked, when all these comments
    are of one site; for comments of several sites a standard reason with no text, and
    ``(None, None)`` for an own reason (it belongs to one site)."""
    db = service.current().db
    try:
        site_ids = {review.get(db, visible_site_ids(), cid)["site_id"] for cid in ids}
    except review.NotVisible:
        return picked, None  # the decision answers 404
    return canned.choose(db, site_ids.pop() if len(site_ids) == 1 else None, picked)


def reject_reasons() -> list[tuple[str, str, str]]:
    """``[(value, title, text)]`` for the reject dialog: the standard reasons (under the site's
    titles when the moderator sees one site), then the own reasons of the sites they see."""
    db, sites = service.current().db, visible_site_ids()
    single = sites[0] if sites is not None and len(sites) == 1 else None
    if single is None and sites is None:
        every = records.list_sites(db)
        single = every[0]["id"] if len(every) == 1 else None
    standard = canned.for_site(db, single, extra=False) if single is not None else None
    out = [
        (code, standard[i]["title"] if standard else name, standard[i]["text"] if standard else "")
        for i, (code, name) in enumerate(wording.REASONS.items())
    ]
    own = canned.own_reasons(db, sites)
    if len({r["site_id"] for r in own}) > 1:
        names = {s["id"]: s["name"] for s in records.list_sites(db)}
        out += [(r["code"], f"{r['title']} ({names.get(r['site_id'], '?')})", r["text"]) for r in own]
    else:
        out += [(r["code"], r["title"], r["text"]) for r in own]
    return out


@bp.app_context_processor
def _dialog():
    return {"reject_reasons": reject_reasons}
