"""The Dutch words of the moderator pages: labels, reasons, statuses, dates."""

from datetime import UTC, datetime

try:
    from zoneinfo import ZoneInfo

    LOCAL = ZoneInfo("Europe/Amsterdam")
except Exception:  # no time zone database: show UTC rather than fail
    LOCAL = UTC

STANCES = {
    "pro-participation": "Pro-participatie",
    "pro-policy": "Pro-beleid",
    "hostile": "Vijandig",
    "neutral": "Neutraal",
}
CATEGORIES = {
    "insult": "Belediging",
    "profanity": "Grof taalgebruik",
    "threat": "Bedreiging",
    "identity_attack": "Aanval op identiteit",
}
REASONS = {
    "insult": "Belediging",
    "profanity": "Grof taalgebruik",
    "threat": "Bedreiging",
    "identity_attack": "Aanval op identiteit",
    "personal_data": "Persoonsgegevens",
    "spam": "Spam",
    "off_topic": "Off-topic",
    "other": "Anders",
}
STATUSES = {"pending": "Wacht op beoordeling", "approved": "Goedgekeurd", "rejected": "Afgewezen"}
VIEWS = {
    "pending": "Wachtrij",
    "escalated": "Geëscaleerd",
    "approved": "Goedgekeurd",
    "rejected": "Afgewezen",
    "sample": "Steekproef",
}
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
    table = {"stance": STANCES, "category": CATEGORIES, "reason": REASONS, "status": STATUSES}[kind]
    return table.get(value, value or "–")


FILTERS = {"when": when, "number": number, "stance": stance}
