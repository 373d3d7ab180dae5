"""The Dutch words of the moderator pages: labels, reasons, statuses, dates."""

from collections.abc import Callable
from datetime import UTC, datetime, tzinfo

from moderation import vocabulary as vocab

LOCAL: tzinfo
try:
    from zoneinfo import ZoneInfo

    LOCAL = ZoneInfo("Europe/Amsterdam")
except Exception:  # no time zone database: show UTC rather than fail
    LOCAL = UTC

STANCES = {
    vocab.PRO_PARTICIPATION: "Pro-participatie",
    vocab.PRO_POLICY: "Pro-beleid",
    vocab.HOSTILE: "Vijandig",
    vocab.NEUTRAL: "Neutraal",
}
CATEGORIES = {
    vocab.INSULT: "Belediging",
    vocab.PROFANITY: "Grof taalgebruik",
    vocab.THREAT: "Bedreiging",
    vocab.IDENTITY_ATTACK: "Aanval op identiteit",
}
# the rejection reasons, in vocabulary.REJECT_REASONS order (the keys 1-8 of the queue)
REASONS = {
    **CATEGORIES,
    vocab.PERSONAL_DATA: "Persoonsgegevens",
    vocab.SPAM: "Spam",
    vocab.OFF_TOPIC: "Off-topic",
    vocab.OTHER: "Anders",
}
# what a decision's reason column may say besides a rejection reason
DECISION_REASONS = {**REASONS, vocab.REASON_UNDONE: "Ongedaan gemaakt"}
STATUSES = {vocab.PENDING: "Wacht op beoordeling", vocab.APPROVED: "Goedgekeurd", vocab.REJECTED: "Afgewezen"}
VIEWS = {
    vocab.PENDING: "Wachtrij",
    vocab.ESCALATED: "Geëscaleerd",
    **{s: STATUSES[s] for s in (vocab.APPROVED, vocab.REJECTED)},
    vocab.SAMPLE: "Steekproef",
}
# the Dutch names of webhook event states (the admin's events page)
EVENT_STATES = {vocab.PARKED: "Geparkeerd", vocab.OUTBOX_PENDING: "Wacht op verzending", vocab.DELIVERED: "Afgeleverd"}
ACTIONS_DONE = {"approve": "goedgekeurd", "reject": "afgewezen", "escalate": "geëscaleerd"}
MONTHS = ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec")


def when(value: datetime | None) -> str:
    """'22 nov 2026 11:00' in Dutch time."""
    if value is None:
        return "onbekend"
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    local = value.astimezone(LOCAL)
    return f"{local.day} {MONTHS[local.month - 1]} {local.year} {local:%H:%M}"


def number(value: float, digits: int = 2) -> str:
    return f"{value:.{digits}f}".replace(".", ",")


def percent(part: int, whole: int) -> str:
    return f"{round(100 * part / whole) if whole else 0}%"


def comments(n: int) -> str:
    return f"{n} {'reactie' if n == 1 else 'reacties'}"


def stance(label) -> str:
    return STANCES.get(label, label or "onbekend")


def label_of(kind: str, value) -> str:
    table = {"stance": STANCES, "category": CATEGORIES, "reason": DECISION_REASONS, "status": STATUSES}[kind]
    return table.get(value, value or "–")


FILTERS: dict[str, Callable] = {"when": when, "number": number, "stance": stance}
