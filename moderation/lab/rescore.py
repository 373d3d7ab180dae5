"""After a promotion: the pending queue re-scored with the models now served.

Bounded (``RESCORE_LIMIT``, default 5,000 newest pending comments, in batches of
200) and run by ``moderation train --feedback`` right after it promotes, or on
demand with ``moderation queue rescore``; a moderator's decision is never
changed, only the analysis and the queue's order (risk and doubt).
"""

from moderation.storage import rescoring

BATCH = 200


def rescore(service, site=None, limit=None) -> dict:
    """Re-score the pending comments (of ``site``, a name, when given); returns counts."""
    from moderation.storage import sites

    config = service.pipeline.config
    limit = config.get("RESCORE_LIMIT", 5000) if limit is None else limit
    site_id = sites.get(service.db, site)["id"] if site else None
    service.models.poll(force=True)
    rows = rescoring.pending(service.db, site_id, limit)
    done = 0
    for start in range(0, len(rows), BATCH):
        part = rows[start : start + BATCH]
        analyses = service.pipeline.analyze([{"text": r["text"], "site": r["site"]} for r in part])
        done += rescoring.apply(service.db, [(r["id"], a) for r, a in zip(part, analyses) if not a["errors"]])
    return {"pending": len(rows), "rescored": done, "limit": limit}


def rescore_after_promotion(service, site=None) -> dict:
    """The bounded re-score a promotion by ``moderation train --feedback`` runs: the
    command's last step, after the new model is active and reported."""
    return rescore(service, site)
