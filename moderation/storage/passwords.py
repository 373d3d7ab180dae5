"""What a moderator's password must be: at least ``MIN_LENGTH`` characters and not
a common password (``common_passwords.txt.gz``, see COMMON_PASSWORDS.md)."""

import functools
import gzip
import re
from pathlib import Path

MIN_LENGTH = 12
COMMON_LIST = Path(__file__).with_name("common_passwords.txt.gz")


@functools.cache
def common_passwords() -> frozenset:
    with gzip.open(COMMON_LIST, "rt", encoding="utf-8") as f:
        return frozenset(line.strip().lower() for line in f if line.strip())


PROBLEMS = {
    "short": f"a password needs at least {MIN_LENGTH} characters",
    "common": "this password is one of the most common ones; choose another (a few unrelated words work well)",
    "email": "the password must not contain the e-mail address",
}


def problem_code(password: str, email: str = "") -> str | None:
    """Which rule ``password`` breaks (a key of ``PROBLEMS``, also worded in Dutch by the pages), or None."""
    password = password or ""
    if len(password) < MIN_LENGTH:
        return "short"
    lowered = password.lower()
    # "Password123!" and "wachtwoord2026" are the list's entries with a suffix
    stem = re.sub(r"[\d\W_]+$", "", lowered)
    common = common_passwords()
    if lowered in common or (len(stem) >= 4 and stem in common) or len(set(lowered)) <= 2:
        return "common"
    local = (email or "").split("@")[0].lower()
    if len(local) >= 4 and local in lowered:
        return "email"
    return None


def problem(password: str, email: str = "") -> str | None:
    """Why ``password`` is refused, in words for the person choosing it, or None."""
    code = problem_code(password, email)
    return PROBLEMS[code] if code else None
