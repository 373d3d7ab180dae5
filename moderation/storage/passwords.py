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


def problem(password: str, email: str = "") -> str | None:
    """Why ``password`` is refused, in words for the person choosing it, or None."""
    password = password or ""
    if len(password) < MIN_LENGTH:
        return f"a password needs at least {MIN_LENGTH} characters"
    lowered = password.lower()
    # "Password123!" and "wachtwoord2026" are the list's entries with a suffix
    stem = re.sub(r"[\d\W_]+$", "", lowered)
    common = common_passwords()
    if lowered in common or (len(stem) >= 4 and stem in common) or len(set(lowered)) <= 2:
        return "this password is one of the most common ones; choose another (a few unrelated words work well)"
    local = (email or "").split("@")[0].lower()
    if len(local) >= 4 and local in lowered:
        return "the password must not contain the e-mail address"
    return None
