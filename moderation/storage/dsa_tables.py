"""The EU Digital Services Act's tables (moderation/dsa/): notices (Art. 16), appeals (Art. 20),
statements of reasons (Art. 17, also the Transparency Database outbox) and canned reasons.
On the same ``Base`` as ``tables.py``, which imports them, so its metadata holds every table."""

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from moderation import vocabulary as vocab
from moderation.storage.tables import Base, UTCDateTime, utcnow


class Notice(Base):
    """A reader's notice (DSA Art. 16), forwarded by the site."""

    __tablename__ = "notices"
    __table_args__ = (Index("ix_notices_open", "state", "site_id", "comment_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id"), index=True)
    ground: Mapped[str] = mapped_column(String(20))  # vocabulary.NOTICE_GROUNDS
    legal_ground: Mapped[str | None] = mapped_column(String(500))
    terms_ground: Mapped[str | None] = mapped_column(String(500))
    category: Mapped[str] = mapped_column(String(100))
    explanation: Mapped[str | None] = mapped_column(Text)
    notifier_name: Mapped[str | None] = mapped_column(String(500))
    notifier_email: Mapped[str | None] = mapped_column(String(320))
    # sha256 of the lower-cased e-mail: the notifier's track record, also after erasure
    notifier_key: Mapped[str | None] = mapped_column(String(64), index=True)
    bona_fide: Mapped[bool] = mapped_column(Boolean, default=False)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    state: Mapped[str] = mapped_column(String(20), default=vocab.NOTICE_OPEN)  # vocabulary.NOTICE_STATES
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by: Mapped[str | None] = mapped_column(String(320))  # "policy" or a moderator's e-mail
    automated: Mapped[bool] = mapped_column(Boolean, default=False)
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"))


class Appeal(Base):
    """An internal complaint (DSA Art. 20) against a decision, by the writer or a notifier."""

    __tablename__ = "appeals"
    __table_args__ = (Index("ix_appeals_open", "state", "site_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id"), index=True)
    appellant: Mapped[str] = mapped_column(String(20))  # vocabulary.APPELLANTS
    notice_id: Mapped[int | None] = mapped_column(ForeignKey("notices.id"))
    text: Mapped[str | None] = mapped_column(Text)
    # the decision appealed against, and who took it (the appeal goes to someone else where possible)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"))
    original_actor: Mapped[str] = mapped_column(String(320))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    state: Mapped[str] = mapped_column(String(20), default=vocab.APPEAL_OPEN)  # vocabulary.APPEAL_STATES
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by: Mapped[str | None] = mapped_column(String(320))
    reply: Mapped[str | None] = mapped_column(Text)
    new_decision_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"))


class Statement(Base):
    """A statement of reasons (DSA Art. 17) in the Transparency Database's schema, one per
    restricting decision; also the submission outbox (Art. 24(5))."""

    __tablename__ = "statements"
    __table_args__ = (
        UniqueConstraint("site_id", "puid"),
        Index("ix_statements_due", "submit_state", "next_attempt_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id"), index=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"), unique=True)
    puid: Mapped[str] = mapped_column(String(500))
    body: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    submit_state: Mapped[str] = mapped_column(
        String(20), default=vocab.STATEMENT_PENDING
    )  # vocabulary.STATEMENT_STATES
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)


class CannedReason(Base):
    """A site's ready-made reason: a title for moderators, a text for the writer."""

    __tablename__ = "canned_reasons"
    __table_args__ = (UniqueConstraint("site_id", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))  # the decision reason it stands for; "own-N": the site's own
    # an own reason: the standard reason (vocabulary.REJECT_REASONS) it is given as; None for the standard ones
    base: Mapped[str | None] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
