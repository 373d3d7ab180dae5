"""A site's canned reasons: per decision reason a title moderators pick and the text the writer
gets.  A site that has not written its own sees the defaults (the drafted explanations)."""

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


def for_site(db, site_id: int) -> list[dict]:
    """``[{"code", "title", "text", "own"}]`` in the order of the reasons."""
    with db.session() as s:
        own = {r.code: r for r in s.scalars(select(CannedReason).where(CannedReason.site_id == site_id))}
    out = []
    for code, title in DEFAULT_TITLES.items():
        row = own.get(code)
        out.append(
            {
                "code": code,
                "title": row.title if row else title,
                "text": row.text if row else default_text(code),
                "own": bool(row),
            }
        )
    return out


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
    with db.session() as s:
        s.execute(delete(CannedReason).where(CannedReason.site_id == site_id))
        for code, (title, text) in cleaned.items():
            s.add(CannedReason(site_id=site_id, code=code, title=title, text=text))
