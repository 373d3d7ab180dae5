"""Per-site DSA role and which duties it switches on.

``hosting`` (the default): every hosting service's duties: notices (Art. 16),
statements of reasons (Art. 17) and, unless a micro or small enterprise, the
yearly transparency report (Art. 15).  ``platform``: also internal complaint
handling (Art. 20) and submission of every statement to the Commission's
Transparency Database (Art. 24(5)).  ``hosting-voluntary-platform``: a hosting
service (a newspaper's comment section may be an ancillary feature, Recital 13)
that follows the platform duties of its own accord.
"""

from moderation import vocabulary as vocab

ROLES = vocab.DSA_ROLES
DEFAULTS = {
    "role": vocab.DSA_HOSTING,
    "small_enterprise": False,
    "appeal_months": 6,
    "territorial_scope": ["NL"],
    "content_language": "NL",
    # also a statement when a comment is withheld for review in pre-moderation
    "statements_for_withheld": False,
}
DUTIES = ("notices", "statements", "report", "appeals", "submission")


class DsaSettingsError(ValueError):
    pass


def settings(stored: dict | None) -> dict:
    return dict(DEFAULTS, **(stored or {}))


def duties(stored: dict | None) -> dict[str, bool]:
    """Which duties apply: ``{"notices": True, "statements": True, "report": ..., "appeals": ..., "submission": ...}``."""
    s = settings(stored)
    platform_like = s["role"] in (vocab.DSA_PLATFORM, vocab.DSA_VOLUNTARY_PLATFORM)
    return {
        "notices": True,
        "statements": True,
        "report": not s["small_enterprise"],
        "appeals": platform_like,
        "submission": platform_like,
    }


def check(changes: dict, stored: dict | None) -> dict:
    """The stored settings with ``changes`` applied, or DsaSettingsError saying what is wrong."""
    out = settings(stored)
    for key, value in changes.items():
        if value is None:
            continue
        if key not in DEFAULTS:
            raise DsaSettingsError(f"unknown DSA setting {key!r}")
        out[key] = value
    if out["role"] not in ROLES:
        raise DsaSettingsError(f"the DSA role must be one of {', '.join(ROLES)}, not {out['role']!r}")
    for flag in ("small_enterprise", "statements_for_withheld"):
        if not isinstance(out[flag], bool):
            raise DsaSettingsError(f"{flag} must be true or false")
    months = out["appeal_months"]
    if isinstance(months, bool) or not isinstance(months, int) or not 6 <= months <= 120:
        raise DsaSettingsError(f"the appeal window must be 6 to 120 months (Art. 20: at least six), not {months!r}")
    return out
