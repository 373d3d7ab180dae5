"""The reason a commenter reads when a comment is refused, in plain Dutch (B1).

The EU Digital Services Act asks for a statement of reasons with every
refusal.  ``draft`` builds one from the decision's reason and the offending
words the analysis found; a moderator may edit the draft before the decision
goes out (pass the edited text to ``records.record_decision(explanation=...)``
after ``clean``).  Pure functions: no database, no state.
"""

import re

from moderation import vocabulary as vocab

MAX_LENGTH = 1000
MAX_WORDS = 3
MAX_WORD_LENGTH = 40

OPENING = "Uw reactie is niet geplaatst."
CLOSING = "U mag uw reactie aanpassen en opnieuw plaatsen."

# One or two short sentences per reason: why the comment was refused.  The keys are the
# reasons of the policy plugin and of the moderator pages (wording.REASONS).
REASONS = {
    vocab.INSULT: "U scheldt iemand uit of maakt iemand belachelijk. Kritiek is welkom, maar beledigen mag niet.",
    vocab.PROFANITY: "Er staan grove woorden in. Schrijf uw mening op zonder te vloeken of te schelden.",
    vocab.THREAT: "Er staat een bedreiging in. Iemand bedreigen mag nooit, ook niet als grap.",
    vocab.IDENTITY_ATTACK: "U valt mensen aan om wie ze zijn, zoals hun afkomst, geloof, geslacht of geaardheid. "
    "Dat mag niet.",
    vocab.UNCIVIL: "De toon is niet respectvol. Kritiek is welkom, maar blijf beleefd.",
    vocab.SPAM: "Het lijkt op reclame of spam. Dat plaatsen wij niet.",
    vocab.OFF_TOPIC: "De reactie gaat niet over het artikel. Reageer graag op het onderwerp.",
    vocab.PERSONAL_DATA: "Er staan persoonlijke gegevens in, zoals een adres of telefoonnummer. Die plaatsen wij niet.",
    vocab.OTHER: "De reactie past niet bij onze regels voor reacties.",
    vocab.REASON_AUTHOR_BLOCKED: "Een moderator heeft u geblokkeerd: al uw reacties zijn verborgen.",
}
ALIASES = {
    "off-topic": vocab.OFF_TOPIC,
    "offtopic": vocab.OFF_TOPIC,
    "privacy": vocab.PERSONAL_DATA,
    "identity-attack": vocab.IDENTITY_ATTACK,
    "hate": vocab.IDENTITY_ATTACK,
    vocab.REASON_IN_DOUBT: vocab.UNCIVIL,
}
# Reasons whose offending words are worth quoting back to the writer.
QUOTED = {*vocab.CATEGORIES, vocab.UNCIVIL}
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def reason_key(reason: str | None) -> str:
    """The template a decision's reason maps to ("other" when unknown)."""
    key = (reason or "").strip().lower()
    key = ALIASES.get(key, key.replace(" ", "_").replace("-", "_"))
    return key if key in REASONS else vocab.OTHER


def offending_words(analysis: dict | None, reason: str | None = None) -> list[str]:
    """Up to three distinct offending words from the analysis' incivility spans,
    those of the reason's category first."""
    spans = ((analysis or {}).get("incivility") or {}).get("spans") or []
    key = reason_key(reason)
    ordered = [s for s in spans if s.get("category") == key] + [s for s in spans if s.get("category") != key]
    words, seen = [], set()
    for span in ordered:
        word = " ".join(str(span.get("text") or "").split())[:MAX_WORD_LENGTH]
        if word and word.lower() not in seen:
            seen.add(word.lower())
            words.append(word)
    return words[:MAX_WORDS]


def draft(reason: str | None, analysis: dict | None = None, words: list[str] | None = None) -> str:
    """The statement of reasons for a refusal: what happened, why, and what the writer can do.

    ``words`` overrides the words taken from ``analysis``; pass ``words=[]`` for
    a version that quotes nothing (kept after the comment was erased).
    """
    key = reason_key(reason)
    if words is None:
        words = offending_words(analysis, reason) if key in QUOTED else []
    parts = [OPENING, REASONS[key]]
    if words:
        quoted = [f"‘{w}’" for w in words]
        listed = quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " en " + quoted[-1]
        parts.append(f"Het gaat om {'dit woord' if len(words) == 1 else 'deze woorden'}: {listed}.")
    parts.append(CLOSING)
    return " ".join(parts)


def clean(text: str | None) -> str | None:
    """A moderator's edited explanation, checked: trimmed, at most 1,000 characters,
    no control characters.  Empty means "use the draft" (None).  Raises ValueError."""
    if text is None:
        return None
    if not isinstance(text, str):
        raise ValueError("the explanation must be text")
    text = text.strip()
    if not text:
        return None
    if CONTROL.search(text):
        raise ValueError("the explanation contains a control character")
    if len(text) > MAX_LENGTH:
        raise ValueError(f"the explanation is {len(text)} characters; the limit is {MAX_LENGTH}")
    return text


# --- statements of reasons for a moderator's action on an author ------------------------------

MONTHS = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)


def dutch_moment(value) -> str:
    """'12 december 2026 om 18:00 (UTC)'."""
    return f"{value.day} {MONTHS[value.month - 1]} {value.year} om {value:%H:%M} (UTC)"


def author_action(action: str, reason: str | None = None, until=None, hold: bool = False) -> str:
    """The statement of reasons (plain Dutch, B1) an author gets for a moderator's action on
    them (``vocabulary.AUTHOR_ACTIONS``); ``reason``: the moderator's own words; ``hold``: a
    suspended author's comments are held for a moderator instead of refused."""
    because = f" De reden: {reason.strip().rstrip('.')}." if reason and reason.strip() else ""
    texts = {
        vocab.AUTHOR_PREMODERATE: "Een moderator leest uw reacties voortaan eerst, voordat ze online komen." + because,
        vocab.AUTHOR_END_PREMODERATION: "Uw reacties worden niet langer eerst door een moderator gelezen.",
        vocab.AUTHOR_SUSPEND: (
            f"U bent geschorst tot {dutch_moment(until)}. "
            + (
                "Tot dan leest een moderator uw nieuwe reacties eerst."
                if hold
                else "Tot dan kunt u geen reacties plaatsen."
            )
            + because
            if until is not None
            else "U bent geschorst." + because
        ),
        vocab.AUTHOR_UNSUSPEND: "Uw schorsing is opgeheven. U kunt weer reacties plaatsen.",
        vocab.AUTHOR_BLOCK: "Een moderator heeft u geblokkeerd: al uw reacties zijn verborgen." + because,
        vocab.AUTHOR_UNBLOCK: "Uw blokkade is opgeheven. Uw reacties zijn hersteld zoals ze waren.",
    }
    closing = " Bent u het er niet mee eens? Dan kunt u bezwaar maken bij de redactie."
    return texts[action] + (
        closing if action in (vocab.AUTHOR_PREMODERATE, vocab.AUTHOR_SUSPEND, vocab.AUTHOR_BLOCK) else ""
    )
