"""The rows of the audit trail that the transparency report is computed from (``dsa.report``):
one site, one calendar year (UTC)."""

from datetime import UTC, datetime

from sqlalchemy import select

from moderation import vocabulary as vocab
from moderation.dsa import roles
from moderation.storage.dsa_tables import Appeal, Notice, Statement
from moderation.storage.tables import Decision, Site


def rows(db, site_name: str, year: int) -> dict:
    start, end = datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)
    with db.session() as s:
        site = s.scalar(select(Site).where(Site.name == site_name))
        if site is None:
            raise LookupError(f"no site named {site_name!r}; see 'moderation sites list'")
        dsa = site.dsa
        notices = [
            {
                "ground": n.ground,
                "category": n.category,
                "state": n.state,
                "automated": bool(n.automated),
                "received_at": n.received_at,
                "decided_at": n.decided_at,
            }
            for n in s.scalars(
                select(Notice).where(Notice.site_id == site.id, Notice.received_at >= start, Notice.received_at < end)
            )
        ]
        bodies = [
            b
            for b in s.scalars(select(Statement.body).where(Statement.site_id == site.id).order_by(Statement.id))
            if str(year) == b["application_date"][:4]
        ]
        appeals = [
            {
                "appellant": a.appellant,
                "state": a.state,
                "received_at": a.received_at,
                "decided_at": a.decided_at,
            }
            for a in s.scalars(
                select(Appeal).where(Appeal.site_id == site.id, Appeal.received_at >= start, Appeal.received_at < end)
            )
        ]
        automatic = [
            {"comment_id": cid, "status": status, "at": at}
            for cid, status, at in s.execute(
                select(Decision.comment_id, Decision.status, Decision.created_at).where(
                    Decision.site_id == site.id,
                    Decision.actor == vocab.BY_POLICY,
                    Decision.status.in_((vocab.APPROVED, vocab.REJECTED)),
                    Decision.created_at >= start,
                    Decision.created_at < end,
                )
            )
        ]
        overturned = set()
        if automatic:
            first = {a["comment_id"]: a["status"] for a in automatic}
            for cid, status in s.execute(
                select(Decision.comment_id, Decision.status)
                .where(Decision.comment_id.in_(list(first)), Decision.actor != vocab.BY_POLICY)
                .order_by(Decision.id)
            ):
                if status in (vocab.APPROVED, vocab.REJECTED) and status != first[cid]:
                    overturned.add(cid)
    return {
        "site": site_name,
        "year": year,
        "role": roles.settings(dsa)["role"],
        "report_required": roles.duties(dsa)["report"],
        "notices": notices,
        "statements": bodies,
        "appeals": appeals,
        "automatic": automatic,
        "overturned": overturned,
        "audit_sample": None,
    }
