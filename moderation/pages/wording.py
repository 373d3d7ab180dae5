"""The Dutch words of the moderator pages: labels, reasons, statuses, dates."""

from collections.abc import Callable
from datetime import UTC, datetime, tzinfo

from moderation import vocabulary as vocab
from moderation.storage.paging import COUNT_CAP, over_cap  # noqa: F401 (over_cap: for the templates)
from moderation.storage.passwords import MIN_LENGTH

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
# the author rules' reasons (vocabulary.HOLD_REASONS) and block-and-hide's: shown, never chosen
RULE_REASONS = {
    vocab.REASON_AUTHOR_SUSPENDED: "Schrijver geschorst",
    vocab.REASON_AUTHOR_PREMODERATED: "Schrijver onder voorafgaand toezicht",
    vocab.REASON_NEW_AUTHOR: "Nieuwe schrijver",
    vocab.REASON_REPEAT: "Herhaald geplaatst",
    vocab.REASON_AUTHOR_BLOCKED: "Schrijver geblokkeerd",
    vocab.REASON_AUTHOR_UNBLOCKED: "Blokkade opgeheven",
}
# a moderator's actions on an author (the author page, the audit log)
AUTHOR_ACTIONS = {
    vocab.AUTHOR_PREMODERATE: "Voorafgaand toezicht aan",
    vocab.AUTHOR_END_PREMODERATION: "Voorafgaand toezicht uit",
    vocab.AUTHOR_SUSPEND: "Geschorst",
    vocab.AUTHOR_UNSUSPEND: "Schorsing opgeheven",
    vocab.AUTHOR_BLOCK: "Geblokkeerd en alles verborgen",
    vocab.AUTHOR_UNBLOCK: "Blokkade opgeheven, reacties hersteld",
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
# moderator accounts (the admin's Moderatoren page and the audit log)
ROLES = {vocab.MODERATOR: "Moderator", vocab.ADMIN: "Beheerder"}
ACCOUNT_ACTIONS = {
    vocab.ACCOUNT_CREATE: "Account aangemaakt",
    vocab.ACCOUNT_INVITE: "Uitgenodigd",
    vocab.ACCOUNT_ACCEPT: "Uitnodiging aangenomen",
    vocab.ACCOUNT_ACCESS: "Rol of sites gewijzigd",
    vocab.ACCOUNT_DISABLE: "Uitgeschakeld",
    vocab.ACCOUNT_ENABLE: "Weer ingeschakeld",
    vocab.ACCOUNT_RESET: "Link voor nieuw wachtwoord gemaakt",
    vocab.ACCOUNT_PASSWORD: "Wachtwoord gewijzigd",
    vocab.ACCOUNT_REMOVE: "Verwijderd",
}
ACTORS = {vocab.BY_POLICY: "automatisch (beleid)", vocab.BY_COMMAND_LINE: "opdrachtregel"}
PASSWORD_PROBLEMS = {
    "short": f"Een wachtwoord heeft minstens {MIN_LENGTH} tekens.",
    "common": "Dit wachtwoord is een van de meest gebruikte; kies een ander (een paar losse woorden werkt goed).",
    "email": "Het wachtwoord mag je e-mailadres niet bevatten.",
}
ACCOUNT_REFUSALS = {
    "last_admin": "Dat kan niet: dan is er geen beheerder meer over die kan inloggen.",
    "not_yours": "Deze moderator bestaat niet, of valt niet onder de sites die jij beheert.",
    "sites": "Je kunt alleen toegang geven tot sites die je zelf beheert.",
    "no_sites": "Kies minstens één site.",
    "role": "Kies de rol moderator of beheerder.",
    "exists": "Er is al een account met dit e-mailadres.",
    "address": "Dit is geen e-mailadres.",
}
LINK_REFUSALS = {
    "unknown": "Deze link bestaat niet. Controleer of je hem helemaal hebt gekopieerd.",
    "used": "Deze link is al gebruikt. Log in met je wachtwoord, of vraag een beheerder om een nieuwe link.",
    "expired": "Deze link is verlopen. Vraag een beheerder om een nieuwe.",
    "disabled": "Dit account is uitgeschakeld. Vraag een beheerder om het weer in te schakelen.",
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


def amount(n: int) -> str:
    """A count as the pages show it: "9.999", or "10.000+" for a capped count past the cap
    (anything else as it is: an admin page's ``counts`` has no queue counts for the menu)."""
    if not isinstance(n, int):
        return str(n)
    return f"{COUNT_CAP:,}+".replace(",", ".") if over_cap(n) else f"{n:,}".replace(",", ".")


def comments(n: int) -> str:
    return f"{amount(n)} {'reactie' if n == 1 else 'reacties'}"


def stance(label) -> str:
    return STANCES.get(label, label or "onbekend")


def label_of(kind: str, value) -> str:
    if kind == "reason" and isinstance(value, str) and value.startswith(vocab.TAG_RULE_PREFIX):
        return f"Regel voor tag {value[len(vocab.TAG_RULE_PREFIX) :]}"  # a tag rule held it (plugins/policy.py)
    table = {
        "stance": STANCES,
        "category": CATEGORIES,
        "reason": {**DECISION_REASONS, **RULE_REASONS},
        "status": STATUSES,
        "author_action": AUTHOR_ACTIONS,
    }[kind]
    return table.get(value, value or "–")


FILTERS: dict[str, Callable] = {"when": when, "number": number, "stance": stance, "amount": amount}
