"""Moderator-labelled examples: imported histories and the labels moderators gave in the queue.

Training reads labels, never bare decisions: an approval says "may stay online
under this site's rules", not "civil".  The labels come from

- ``import``: rows of a site's moderation history (``moderation feedback import``),
  stored in ``labelled_examples``;
- ``correction``: a moderator's label correction in the queue, and a label a
  moderator confirmed (a correction whose ``before`` equals its ``after``, e.g.
  "the flag was right" when approving a flagged comment).
"""

import hashlib
import json
import re
import unicodedata

from sqlalchemy import select

from moderation import vocabulary as vocab
from moderation.storage.tables import Comment, Correction, LabelledExample, Site

SOURCE_IMPORT = "import"
SOURCE_CORRECTION = "correction"
LABEL_FIELDS = ("stance", "stance_alt", "uncivil", "categories", "spans", "tags")


def fingerprint(site_id, row: dict) -> str:
    """The identity of an imported row: the same row for the same site is stored once."""
    key = [site_id, row["text"]] + [row.get(k) for k in LABEL_FIELDS + ("decision", "reason", "decided_at")]
    return hashlib.sha256(json.dumps(key, ensure_ascii=False, sort_keys=True, default=str).encode()).hexdigest()


def import_rows(db, site_id, rows: list[dict], imported_from=None) -> dict:
    """Store validated rows in one transaction; returns ``{"added", "duplicates"}``.

    Each row has ``text``, any of LABEL_FIELDS and optionally ``decision``,
    ``reason`` and ``decided_at`` (a datetime).  A row already stored (same
    fingerprint) is counted as a duplicate and not stored again."""
    prints = [fingerprint(site_id, r) for r in rows]
    with db.session() as s:
        known = set()
        for start in range(0, len(prints), 500):
            known |= set(
                s.scalars(
                    select(LabelledExample.fingerprint).where(
                        LabelledExample.fingerprint.in_(prints[start : start + 500])
                    )
                )
            )
        added = 0
        for row, fp in zip(rows, prints):
            if fp in known:
                continue
            known.add(fp)
            s.add(
                LabelledExample(
                    site_id=site_id,
                    source=SOURCE_IMPORT,
                    fingerprint=fp,
                    text=row["text"],
                    **{k: row.get(k) for k in LABEL_FIELDS},
                    decision=row.get("decision"),
                    reason=row.get("reason"),
                    decided_at=row.get("decided_at"),
                    imported_from=imported_from,
                )
            )
            added += 1
    return {"added": added, "duplicates": len(rows) - added}


def examples(db, site_id=None) -> list[dict]:
    """Every labelled example (of ``site_id`` only, when given), oldest first.

    One dict per example: ``text``, the labels it carries (``stance``,
    ``uncivil``, ``categories``), ``site``, ``source``, ``actor``, ``at``."""
    out = []
    with db.session() as s:
        names = dict(s.execute(select(Site.id, Site.name)).all())
        query = select(LabelledExample)
        if site_id is not None:
            query = query.where(LabelledExample.site_id == site_id)
        for e in s.scalars(query.order_by(LabelledExample.id)):
            row = {
                "text": e.text,
                "site": names.get(e.site_id),
                "source": SOURCE_IMPORT,
                "actor": e.imported_from,
                "at": e.decided_at or e.created_at,
                "decision": e.decision,
            }
            if e.stance:
                row["stance"] = e.stance
            if e.uncivil is not None:
                row["uncivil"] = bool(e.uncivil)
                row["categories"] = list(e.categories or []) if e.uncivil else []
            out.append(row)
        corrections = (
            select(Correction, Comment.text, Comment.site_id)
            .join(Comment, Comment.id == Correction.comment_id)
            .where(Comment.erased_at.is_(None), Comment.text.is_not(None))
        )
        if site_id is not None:
            corrections = corrections.where(Comment.site_id == site_id)
        latest = {}
        for c, text, sid in s.execute(corrections.order_by(Correction.id)):
            entry = latest.setdefault(c.comment_id, {"text": text, "site": names.get(sid), "at": None, "actors": []})
            after = c.after or {}
            if c.field == vocab.STANCE and after.get("stance"):
                entry["stance"] = after["stance"]
            elif c.field == vocab.INCIVILITY and after.get("uncivil") is not None:
                entry["uncivil"] = bool(after["uncivil"])
                entry["categories"] = list(after.get("categories") or []) if after["uncivil"] else []
            entry["at"] = c.created_at
            if c.actor not in entry["actors"]:
                entry["actors"].append(c.actor)
        for cid, entry in latest.items():
            if "stance" in entry or "uncivil" in entry:
                actors = entry.pop("actors")
                out.append({**entry, "source": SOURCE_CORRECTION, "actor": ", ".join(actors), "comment_id": cid})
    return sorted(out, key=lambda r: r["at"])


def near_key(text: str) -> str:
    """Texts that differ only in case, accents, punctuation and spacing share this key."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(re.findall(r"\w+", text))


def label_of(row: dict, task: str):
    if task == vocab.STANCE:
        return row.get("stance")
    value = row.get("uncivil")
    return None if value is None else (vocab.UNCIVIL if value else vocab.CIVIL)


def conflicts(rows: list[dict], task: str) -> list[dict]:
    """Groups of the same or near-same text that were given different labels for ``task``."""
    groups = {}
    for row in rows:
        label = label_of(row, task)
        if label is not None:
            groups.setdefault(near_key(row["text"]), []).append(row)
    out = []
    for members in groups.values():
        labels = {label_of(r, task) for r in members}
        if len(labels) > 1:
            out.append(
                {
                    "text": members[0]["text"],
                    "labels": [
                        {"label": label_of(r, task), "source": r["source"], "actor": r.get("actor"), "site": r["site"]}
                        for r in members
                    ],
                }
            )
    return out
