"""The one table from the product's reasons to the Transparency Database's vocabulary.

Each decision reason (``wording.REASONS`` on the moderator pages, the policy
plugin's reasons) maps to a Transparency Database ``category``, optional
``category_specification`` keywords, the house rule it breaks (the
``incompatible_content_ground`` when no notice named a law) and a sentence of
facts without personal data.  A notice's own category and legal ground take
precedence over this table (see ``statements.build``).  README "DSA" documents it.

The enumerations below are the Transparency Database's (API field values).
"""

CATEGORIES = (
    "STATEMENT_CATEGORY_ANIMAL_WELFARE",
    "STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS",
    "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH",
    "STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS",
    "STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS",
    "STATEMENT_CATEGORY_NON_CONSENSUAL_BEHAVIOUR",
    "STATEMENT_CATEGORY_PORNOGRAPHY_OR_SEXUALIZED_CONTENT",
    "STATEMENT_CATEGORY_PROTECTION_OF_MINORS",
    "STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY",
    "STATEMENT_CATEGORY_SCAMS_AND_FRAUD",
    "STATEMENT_CATEGORY_SELF_HARM",
    "STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE",
    "STATEMENT_CATEGORY_UNSAFE_AND_ILLEGAL_PRODUCTS",
    "STATEMENT_CATEGORY_VIOLENCE",
)
DECISION_VISIBILITIES = (
    "DECISION_VISIBILITY_CONTENT_REMOVED",
    "DECISION_VISIBILITY_CONTENT_DISABLED",
    "DECISION_VISIBILITY_CONTENT_DEMOTED",
    "DECISION_VISIBILITY_CONTENT_AGE_RESTRICTED",
    "DECISION_VISIBILITY_CONTENT_INTERACTION_RESTRICTED",
    "DECISION_VISIBILITY_CONTENT_LABELLED",
    "DECISION_VISIBILITY_OTHER",
)
DECISION_GROUNDS = ("DECISION_GROUND_ILLEGAL_CONTENT", "DECISION_GROUND_INCOMPATIBLE_CONTENT")
SOURCE_TYPES = (
    "SOURCE_ARTICLE_16",
    "SOURCE_TRUSTED_FLAGGER",
    "SOURCE_TYPE_OTHER_NOTIFICATION",
    "SOURCE_VOLUNTARY",
)
AUTOMATED_DETECTIONS = ("Yes", "No")
AUTOMATED_DECISIONS = (
    "AUTOMATED_DECISION_FULLY",
    "AUTOMATED_DECISION_PARTIALLY",
    "AUTOMATED_DECISION_NOT_AUTOMATED",
)
CONTENT_TYPES = (
    "CONTENT_TYPE_APP",
    "CONTENT_TYPE_AUDIO",
    "CONTENT_TYPE_IMAGE",
    "CONTENT_TYPE_PRODUCT",
    "CONTENT_TYPE_SYNTHETIC_MEDIA",
    "CONTENT_TYPE_TEXT",
    "CONTENT_TYPE_VIDEO",
    "CONTENT_TYPE_OTHER",
)
# EU and EEA member states, as territorial_scope takes them
COUNTRIES = "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IS IT LI LT LU LV MT NL NO PL PT RO SE SI SK".split()

# reason -> (category, category_specification, house rule, facts)
REASONS = {
    "insult": (
        "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH",
        [],
        "Huisregels: niet beledigen of uitschelden",
        "The comment insults or ridicules a person.",
    ),
    "profanity": (
        "STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE",
        [],
        "Huisregels: geen grof taalgebruik",
        "The comment uses profanity, which the house rules do not allow.",
    ),
    "threat": (
        "STATEMENT_CATEGORY_VIOLENCE",
        [],
        "Huisregels: geen bedreigingen",
        "The comment contains a threat against a person.",
    ),
    "identity_attack": (
        "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH",
        ["KEYWORD_HATE_SPEECH"],
        "Huisregels: geen aanvallen op mensen om wie ze zijn",
        "The comment attacks people for their origin, religion, gender or orientation.",
    ),
    "uncivil": (
        "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH",
        [],
        "Huisregels: blijf respectvol",
        "The comment's tone is abusive.",
    ),
    "personal_data": (
        "STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS",
        [],
        "Huisregels: geen persoonsgegevens van anderen",
        "The comment publishes personal data such as an address or phone number.",
    ),
    "spam": (
        "STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE",
        [],
        "Huisregels: geen reclame of spam",
        "The comment is advertising or spam.",
    ),
    "off_topic": (
        "STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE",
        [],
        "Huisregels: reageer op het onderwerp",
        "The comment is not about the article it was posted under.",
    ),
    "other": (
        "STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE",
        [],
        "Huisregels voor reacties",
        "The comment does not meet the house rules for comments.",
    ),
}
ALIASES = {
    "in doubt": "other",
    "analysis incomplete": "other",
    "off-topic": "off_topic",
    "hate": "identity_attack",
    # the author rules (withheld comments) and a moderator's block and hide all
    "author_suspended": "other",
    "author_premoderated": "other",
    "new_author": "other",
    "repeat": "spam",
    "author_blocked": "other",
}


def for_reason(reason: str | None) -> dict:
    """The Transparency Database terms for a decision reason (unknown reasons: ``other``)."""
    key = (reason or "other").strip().lower()
    key = ALIASES.get(key, key)
    category, specification, house_rule, facts = REASONS.get(key, REASONS["other"])
    return {
        "reason": key if key in REASONS else "other",
        "category": category,
        "category_specification": list(specification),
        "house_rule": house_rule,
        "facts": facts,
    }
