"""A site's canned reasons: per decision reason a title moderators pick and the text the writer
gets.  A site that has not written its own sees the defaults (the drafted explanations).

Beside the standard reasons (``DEFAULT_TITLES``, one per ``vocabulary.REJECT_REASONS``) a site
keeps its own (code ``own-N``): each stands for a standard reason, its ``base`` (the decision's
reason, and so its DSA category), with its own title and text.  ``choose`` turns what a
moderator picked into the decision's reason and the text the writer gets."""

import re

from sqlalchemy import delete, select

from moderation.storage import explanations
from moderation.storage.dsa_tables import CannedReason

DEFAULT_TITLES = {
    "insult": "Belediging",
    "profanity": "Grof taalgebruik",
    "threat": "Bedreiging",
    "identity_attack": "Aanval op identiteit",
    "personal_data": "Persoonsgegevens",
    "spam": "Spam",
    "off_topic": "Off-topic",
    "other": "Anders",
}
MAX_TITLE, MAX_TEXT = 200, explanations.MAX_LENGTH


OWN = re.compile(r"^own-[0-9]{1,9}$")


def for_site(db, site_id: int, extra: bool = True) -> list[dict]:
    """``[{"code", "title", "text", "own", "base"}]``: the standard reasons in their order (``own``:
    the site rewrote it), then the site's own reasons (``extra``) in the order they were added."""
    with db.session() as s:
        rows = list(s.scalars(select(CannedReason).where(CannedReason.site_id == site_id).order_by(CannedReason.id)))
    own = {r.code: r for r in rows}
    out = []
    for code, title in DEFAULT_TITLES.items():
        row = own.get(code)
        out.append(
            {
                "code": code,
                "title": row.title if row else title,
                "text": row.text if row else default_text(code),
                "own": bool(row),
                "base": code,
            }
        )
    if extra:
        out += [
            {"code": r.code, "title": r.title, "text": r.text, "own": True, "base": r.base}
            for r in rows
            if OWN.match(r.code)
        ]
    return out


def own_reasons(db, site_ids) -> list[dict]:
    """The own reasons of these sites (None: all): ``[{"code", "title", "text", "base", "site_id"}]``."""
    query = select(CannedReason).where(CannedReason.base.is_not(None)).order_by(CannedReason.site_id, CannedReason.id)
    if site_ids is not None:
        query = query.where(CannedReason.site_id.in_(list(site_ids)))
    with db.session() as s:
        return [
            {"code": r.code, "title": r.title, "text": r.text, "base": r.base, "site_id": r.site_id}
            for r in s.scalars(query)
            if OWN.match(r.code)
        ]


def choose(db, site_id: int | None, picked: str | None) -> tuple[str | None, str | None]:
    """What a moderator picked (a standard reason or an own one) as ``(reason, text for the writer)``:
    the text is the site's own (None: draft it).  An own reason of another site, or of none of
    the comments' single site, is ``(None, None)``."""
    if not picked:
        return None, None
    if picked in DEFAULT_TITLES:
        return picked, text_for(db, site_id, picked) if site_id is not None else None
    if site_id is None or not OWN.match(picked):
        return None, None
    with db.session() as s:
        row = s.scalar(select(CannedReason).where(CannedReason.site_id == site_id, CannedReason.code == picked))
        return (row.base, row.text) if row is not None and row.base in DEFAULT_TITLES else (None, None)


def texts(session, site_id: int, codes) -> dict[str, str]:
    """The site's own texts for these standard reasons, in an open session (intake's transaction)."""
    wanted = [c for c in set(codes) if c in DEFAULT_TITLES]
    if not wanted:
        return {}
    query = select(CannedReason.code, CannedReason.text).where(
        CannedReason.site_id == site_id, CannedReason.code.in_(wanted)
    )
    return {code: text for code, text in session.execute(query)}


def add_own(db, site_id: int, base: str, title: str, text: str) -> str:
    """A new own reason; returns its code (``own-N``)."""
    base, title, text = _checked_own(base, title, text)
    with db.session() as s:
        codes = s.scalars(
            select(CannedReason.code).where(CannedReason.site_id == site_id, CannedReason.base.is_not(None))
        )
        taken = [int(c[4:]) for c in codes if OWN.match(c)]
        code = f"own-{max(taken, default=0) + 1}"
        s.add(CannedReason(site_id=site_id, code=code, base=base, title=title, text=text))
    return code


def update_own(db, site_id: int, code: str, base: str, title: str, text: str) -> None:
    base, title, text = _checked_own(base, title, text)
    with db.session() as s:
        row = s.scalar(select(CannedReason).where(CannedReason.site_id == site_id, CannedReason.code == code))
        if row is None or not OWN.match(code):
            raise LookupError(code)
        row.base, row.title, row.text = base, title, text


def remove_own(db, site_id: int, code: str) -> bool:
    if not OWN.match(code or ""):
        return False
    with db.session() as s:
        done = s.execute(delete(CannedReason).where(CannedReason.site_id == site_id, CannedReason.code == code))
        return bool(done.rowcount)


def _checked_own(base, title, text):
    if base not in DEFAULT_TITLES:
        raise ValueError(f"kies bij een eigen reden een van de standaardredenen, niet {base!r}")
    title, cleaned = (title or "").strip(), explanations.clean(text)
    if not title or len(title) > MAX_TITLE:
        raise ValueError(f"de titel van een eigen reden moet 1 tot {MAX_TITLE} tekens zijn")
    if not cleaned:
        raise ValueError(f"de tekst bij de eigen reden {title!r} mag niet leeg zijn")
    return base, title, cleaned


def default_text(code: str) -> str:
    return " ".join([explanations.OPENING, explanations.REASONS[code], explanations.CLOSING])


def text_for(db, site_id: int, code: str | None) -> str | None:
    """The site's own text for a reason, or None (then the explanation is drafted)."""
    if not code:
        return None
    with db.session() as s:
        return s.scalar(select(CannedReason.text).where(CannedReason.site_id == site_id, CannedReason.code == code))


def save(db, site_id: int, entries: dict[str, tuple[str, str]]) -> None:
    """Store ``{code: (title, text)}``; an entry equal to the default is not stored."""
    cleaned = {}
    for code, (title, text) in entries.items():
        if code not in DEFAULT_TITLES:
            raise ValueError(f"onbekende reden {code!r}")
        title, cleaned_text = (title or "").strip(), explanations.clean(text)
        if not title or len(title) > MAX_TITLE:
            raise ValueError(f"de titel bij {DEFAULT_TITLES[code]} moet 1 tot {MAX_TITLE} tekens zijn")
        if not cleaned_text:
            raise ValueError(f"de tekst bij {DEFAULT_TITLES[code]} mag niet leeg zijn")
        if (title, cleaned_text) == (DEFAULT_TITLES[code], default_text(code)):
            continue
        cleaned[code] = (title, cleaned_text)
    db.forget_sites()  # the cached site carries its texts (comments.site_by_key_hash)
    with db.session() as s:  # the standard reasons only: the site's own reasons stay
        s.execute(
            delete(CannedReason).where(CannedReason.site_id == site_id, CannedReason.code.in_(list(DEFAULT_TITLES)))
        )
        for code, (title, text) in cleaned.items():
            s.add(CannedReason(site_id=site_id, code=code, title=title, text=text))
