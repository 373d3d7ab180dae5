"""The database tables (SQLAlchemy 2 declarative).  Migrations live in migrations/."""

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from moderation.vocabulary import MODERATOR, OUTBOX_PENDING


def utcnow():
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A moment in UTC, aware on the way in and out on every database.

    PostgreSQL stores ``timestamp with time zone``; SQLite stores the text without a zone
    and hands back naive values. Both are UTC here: naive values going in are taken as
    UTC, aware ones are converted to it, and every value read back carries ``UTC``, so
    no caller has to "make it aware"."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and isinstance(value, datetime):
            value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return value

    def process_result_value(self, value, dialect):
        if value is not None:
            value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return value


class Base(DeclarativeBase):
    pass


def pack_labels(values) -> str:
    """A label list as one filterable column: ["insult", "threat"] -> "|insult|threat|"."""
    values = [str(v) for v in values or () if v]
    return "|" + "|".join(values) + "|" if values else ""


def unpack_labels(packed) -> list[str]:
    return [v for v in (packed or "").split("|") if v]


class Site(Base):
    __tablename__ = "sites"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    # sha256 of the API key; keys are 256-bit random tokens, so a fast hash is enough
    api_key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # after a key rotation with a grace period the old key's hash is also accepted, until this moment
    api_key_hash_previous: Mapped[str | None] = mapped_column(String(64), index=True, unique=True)
    api_key_previous_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    webhook_url: Mapped[str | None] = mapped_column(String(2000))
    # kept readable: it signs every webhook (HMAC needs the secret itself)
    webhook_secret: Mapped[str | None] = mapped_column(String(200))
    # after a rotation the old secret also signs, until this moment, so a site can switch without losing events
    webhook_secret_previous: Mapped[str | None] = mapped_column(String(200))
    webhook_secret_previous_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    policy: Mapped[dict] = mapped_column(JSON, default=dict)
    # the EU Digital Services Act settings (moderation/dsa/roles.py): role, small enterprise, appeal window
    dsa: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # API requests per second and burst; NULL: the configured default; 0 per second: no limit
    rate_limit_per_second: Mapped[float | None] = mapped_column(Float)
    rate_limit_burst: Mapped[int | None] = mapped_column(Integer)


class RateBucket(Base):
    """A token bucket (rate limits), shared by every worker and process."""

    __tablename__ = "rate_buckets"
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    tokens: Mapped[float] = mapped_column(Float)
    updated_at: Mapped[float] = mapped_column(Float)  # unix seconds


class ModeratorSession(Base):
    """A signed-in browser: the cookie holds a random token, this row its sha256."""

    __tablename__ = "moderator_sessions"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    moderator_id: Mapped[int] = mapped_column(ForeignKey("moderators.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())  # absolute: no sliding renewal


class LoginThrottle(Base):
    """Failed sign-ins of one client address or one account, and until when it must wait."""

    __tablename__ = "login_throttle"
    key: Mapped[str] = mapped_column(String(400), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    blocked_until: Mapped[float] = mapped_column(Float, default=0.0)  # unix seconds
    updated_at: Mapped[float] = mapped_column(Float, default=0.0)


class Article(Base):
    __tablename__ = "articles"
    __table_args__ = (UniqueConstraint("site_id", "site_article_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    site_article_id: Mapped[str] = mapped_column(String(200))  # the site's own id for the article
    title: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(String(2000))


class Comment(Base):
    __tablename__ = "comments"
    __table_args__ = (
        UniqueConstraint("site_id", "external_id"),
        Index("ix_comments_queue", "status", "urgent", "incivility_score", "hostility", "id"),
        Index("ix_comments_author", "site_id", "author_id", "status"),
        Index("ix_comments_article", "article_id"),
        Index("ix_comments_waiting", "status", "escalated_at", "erased_at", "site_id"),
        Index("ix_comments_doubt", "status", "urgent", "doubt", "id"),
        # the audit sample's list and count (``audit_sample IS`` as the queries say it, so both engines use it)
        Index(
            "ix_comments_sample",
            "id",
            postgresql_where=text("audit_sample IS TRUE"),
            sqlite_where=text("audit_sample IS 1"),
        ),
        Index("ix_comments_repeat", "site_id", "repeat_group", "received_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    article_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id"))
    external_id: Mapped[str] = mapped_column(String(200))
    parent_external_id: Mapped[str | None] = mapped_column(String(200))
    author_id: Mapped[str | None] = mapped_column(String(200))
    author_name: Mapped[str | None] = mapped_column(String(500))
    text: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    status: Mapped[str] = mapped_column(String(20))
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    stance: Mapped[str | None] = mapped_column(String(40))
    uncivil: Mapped[bool | None] = mapped_column(Boolean)
    incivility_score: Mapped[float] = mapped_column(Float, default=0.0)
    hostility: Mapped[float] = mapped_column(Float, default=0.0)
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # the queue filters on these; packed by pack_labels ("|insult|profanity|"), corrected by moderators
    categories: Mapped[str | None] = mapped_column(String(500))
    tags: Mapped[str | None] = mapped_column(String(2000))
    # set when a moderator escalates: the comment leaves the queue for the escalated list
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # an automatic decision drawn for the audit sample ("steekproef"): a moderator labels it afterwards
    audit_sample: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # how unsure the models are (1: a coin toss, 0: certain); the queue's "least certain first" order
    doubt: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    # the first comment this one repeats (the same or nearly the same text on the site, storage.repeats);
    # its own id when it repeats none; None when too short to compare
    repeat_group: Mapped[int | None] = mapped_column(BigInteger)


class Analysis(Base):
    __tablename__ = "analyses"
    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id"), index=True)
    result: Mapped[dict] = mapped_column(JSON)
    stance_model: Mapped[str | None] = mapped_column(String(100))
    incivility_model: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Decision(Base):
    """Every status a comment was given, by the policy or by a person: the audit trail."""

    __tablename__ = "decisions"
    # the feed pages by (site, id); the dashboard's figures read a window of (site, time)
    __table_args__ = (
        Index("ix_decisions_feed", "site_id", "id"),
        Index("ix_decisions_site_time", "site_id", "created_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id"), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    previous_status: Mapped[str | None] = mapped_column(String(20))
    actor: Mapped[str] = mapped_column(String(320))  # "policy" or a moderator's e-mail
    reason: Mapped[str | None] = mapped_column(String(40))
    note: Mapped[str | None] = mapped_column(Text)
    explanation: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # the comment's urgent flag before this decision (an undone escalation puts it back)
    was_urgent: Mapped[bool | None] = mapped_column(Boolean)
    # an undo (reason vocabulary.REASON_UNDONE): the decision it undid
    undoes_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"))


class Correction(Base):
    """A moderator's label correction: the best training data there is."""

    __tablename__ = "corrections"
    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id"), index=True)
    actor: Mapped[str] = mapped_column(String(320))
    field: Mapped[str] = mapped_column(String(40))  # "stance" or "incivility"
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Moderator(Base):
    __tablename__ = "moderators"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(20), default=MODERATOR)
    # None: every site; otherwise the site ids this moderator may see
    site_ids: Mapped[list | None] = mapped_column(JSON)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # set while an admin has disabled the account: it cannot sign in and has no sessions
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class AccountLink(Base):
    """A one-time link to choose a password (an invitation or a reset): sha256 of the token only."""

    __tablename__ = "account_links"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    moderator_id: Mapped[int] = mapped_column(ForeignKey("moderators.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(20))  # vocabulary.LINK_PURPOSES
    created_by: Mapped[str] = mapped_column(String(320))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class AccountEvent(Base):
    """What happened to a moderator account, by whom: the audit trail of accounts.  Kept when
    the account is removed (no foreign key), with the e-mail address it had."""

    __tablename__ = "account_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    moderator_id: Mapped[int | None] = mapped_column(Integer, index=True)
    email: Mapped[str] = mapped_column(String(320))
    actor: Mapped[str] = mapped_column(String(320))  # an admin's e-mail, the moderator, or "command line"
    action: Mapped[str] = mapped_column(String(20))  # vocabulary.ACCOUNT_ACTIONS
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class OutboxEvent(Base):
    """An event for a site, written in the transaction that caused it."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "state", "next_attempt_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id"))
    event_type: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(20), default=OUTBOX_PENDING)  # see vocabulary.OUTBOX_STATES
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # the worker delivering it, and until when it may: a crashed worker's events are picked up after this
    locked_by: Mapped[str | None] = mapped_column(String(100))
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Delivery(Base):
    """One attempt to deliver an outbox event."""

    __tablename__ = "deliveries"
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("outbox.id"), index=True)
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    status_code: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
    duration_ms: Mapped[float | None] = mapped_column(Float)


class LabelledExample(Base):
    """A moderator-labelled comment that is not (or no longer) in the comments table:
    an imported moderation history (source ``import``).  Labels in DESIGN.md's
    labelled-data format; the decision is kept beside them, never read as a label."""

    __tablename__ = "labelled_examples"
    __table_args__ = (Index("ix_labelled_examples_site", "site_id", "decided_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id"))  # None: for every site
    source: Mapped[str] = mapped_column(String(20))
    # sha256 of (site, text, labels, decision, decided_at): importing the same row twice adds nothing
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    text: Mapped[str] = mapped_column(Text)
    stance: Mapped[str | None] = mapped_column(String(40))
    stance_alt: Mapped[str | None] = mapped_column(String(40))
    uncivil: Mapped[bool | None] = mapped_column(Boolean)
    categories: Mapped[list | None] = mapped_column(JSON)
    spans: Mapped[list | None] = mapped_column(JSON)
    tags: Mapped[list | None] = mapped_column(JSON)
    decision: Mapped[str | None] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(String(200))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    imported_from: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class RepeatKey(Base):
    """A comment's repeat-lookup keys (``storage.repeats``): the fingerprint of its normalised
    text and its MinHash band keys.  A new comment's candidates are one index range scan on
    (site, key, received_at)."""

    __tablename__ = "repeat_keys"
    __table_args__ = (Index("ix_repeat_keys_lookup", "site_id", "key", "received_at"),)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id"), primary_key=True)
    key: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AuthorRule(Base):
    """What moderators decided about one author of one site: pre-moderation, a suspension, a block."""

    __tablename__ = "author_rules"
    __table_args__ = (UniqueConstraint("site_id", "author_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    author_id: Mapped[str] = mapped_column(String(200))
    premoderated: Mapped[bool] = mapped_column(Boolean, default=False)
    suspended_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    suspension_reason: Mapped[str | None] = mapped_column(Text)
    blocked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class AuthorAction(Base):
    """A moderator's action on an author (vocabulary.AUTHOR_ACTIONS), with the statement of
    reasons in Dutch the author gets: the author's part of the audit log."""

    __tablename__ = "author_actions"
    __table_args__ = (Index("ix_author_actions_author", "site_id", "author_id", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    author_id: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(320))
    reason: Mapped[str | None] = mapped_column(Text)
    explanation: Mapped[str | None] = mapped_column(Text)
    until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    comments_changed: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
