"""``moderation dsa submit``: statements of reasons from the outbox to the Transparency Database.

For each due statement of the sites whose DSA role asks for submission, the puid is
looked up first (a statement the database already has is marked sent, never sent
twice); the rest go in batches of at most 100.  A batch refused with 422 has its bad
statements (``errors`` keyed ``statements.<i>.<field>``) parked as ``rejected`` with
the database's errors, and the others go again (one by one when the answer does not
say which were bad).  A connection error, timeout or 5xx is retried at once a few
times, then later (exponential backoff), and parked after ``max_attempts``.  A refused
token (401/403) stops the run (``client.Refused``) and changes nothing.
"""

import json
import time

from sqlalchemy import select

from moderation.dsa import roles
from moderation.dsa.client import MAX_BATCH, Client, Transient
from moderation.storage import statements
from moderation.storage.comments import list_sites
from moderation.storage.tables import Site


def submitting_sites(db, names=None) -> list[dict]:
    """Sites whose role asks for submission (``names``: only these)."""
    with db.session() as s:
        dsa = dict(s.execute(select(Site.id, Site.dsa)).all())
    return [
        site
        for site in list_sites(db)
        if roles.duties(dsa.get(site["id"]))["submission"] and (not names or site["name"] in names)
    ]


def _retrying(call, tries, pause, sleep):
    for attempt in range(tries):
        try:
            return call()
        except Transient:
            if attempt == tries - 1:
                raise
            sleep(pause * 2**attempt)
    raise AssertionError("unreachable")


def submit(
    db,
    client: Client,
    site_ids: list[int],
    *,
    batch_size: int = MAX_BATCH,
    tries: int = 3,
    pause: float = 1.0,
    max_attempts: int = 10,
    backoff_seconds: float = 300,
    sleep=time.sleep,
) -> dict:
    """Send what is due; returns counts: submitted, already_there, rejected, retry_later."""
    batch_size = min(batch_size, MAX_BATCH)
    done = {"submitted": 0, "already_there": 0, "rejected": 0, "retry_later": 0}

    def later(row, error):
        statements.mark_failed(
            db, row["id"], error, final=False, max_attempts=max_attempts, backoff_seconds=backoff_seconds
        )
        done["retry_later"] += 1

    while site_ids:
        rows = statements.claim(db, site_ids, batch_size)
        if not rows:
            break
        fresh = []
        for row in rows:
            try:
                known = _retrying(lambda row=row: client.exists(row["puid"]), tries, pause, sleep)
            except Transient as exc:
                later(row, str(exc))
                continue
            if known:
                statements.mark_submitted(db, [row["id"]])
                done["already_there"] += 1
            else:
                fresh.append(row)
        if not fresh:
            continue
        try:
            status, body = _retrying(
                lambda fresh=fresh: client.send_batch([r["body"] for r in fresh]), tries, pause, sleep
            )
        except Transient as exc:
            for row in fresh:
                later(row, str(exc))
            continue
        if 200 <= status < 300:
            statements.mark_submitted(db, [r["id"] for r in fresh])
            done["submitted"] += len(fresh)
            continue
        bad = _refused(body, len(fresh))
        if bad:  # the database named the bad statements: park them, send the rest again
            for i, errors in bad.items():
                error = f"HTTP {status}: {json.dumps(errors, ensure_ascii=False)[:3000]}"
                statements.mark_failed(
                    db, fresh[i]["id"], error, final=True, max_attempts=max_attempts, backoff_seconds=0
                )
                done["rejected"] += 1
            continue  # the others are still pending and are claimed again at once
        for row in fresh:  # refused as a whole without saying which: one by one
            try:
                status, body = _retrying(lambda row=row: client.send_one(row["body"]), tries, pause, sleep)
            except Transient as exc:
                later(row, str(exc))
                continue
            if 200 <= status < 300:
                statements.mark_submitted(db, [row["id"]])
                done["submitted"] += 1
            else:
                error = f"HTTP {status}: {json.dumps(body, ensure_ascii=False)[:3000]}"
                statements.mark_failed(db, row["id"], error, final=True, max_attempts=max_attempts, backoff_seconds=0)
                done["rejected"] += 1
    return done


def _refused(body, size) -> dict[int, dict]:
    """``{index: {field: messages}}`` from a 422's ``errors`` keyed ``statements.<i>.<field>``
    (empty when the answer does not say which statements are bad)."""
    errors = body.get("errors") if isinstance(body, dict) else None
    if not isinstance(errors, dict) or not errors:
        return {}
    out = {}
    for key, messages in errors.items():
        parts = str(key).split(".", 2)
        if len(parts) != 3 or parts[0] != "statements" or not parts[1].isdigit() or int(parts[1]) >= size:
            return {}
        out.setdefault(int(parts[1]), {})[parts[2]] = messages
    return out
