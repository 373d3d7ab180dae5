"""Keyset paging cursors (the sort-key values of a page's last row, as an opaque URL-safe
token) and capped counts: a list's total is counted up to ``COUNT_CAP`` and shown as
"10.000+" past it, so a count costs at most that many index entries however long the
queue grows (an exact count of 700,000 waiting comments cost more than the page itself)."""

import base64
import binascii
import json

from sqlalchemy import func, select

COUNT_CAP = 10_000


def capped_count(session, query) -> int:
    """How many rows ``query`` (a SELECT) finds, exact up to ``COUNT_CAP``; more than that
    comes back as ``COUNT_CAP + 1`` (see ``over_cap``)."""
    return session.scalar(select(func.count()).select_from(query.limit(COUNT_CAP + 1).subquery())) or 0


def over_cap(n: int) -> bool:
    """Whether a count from ``capped_count`` means "more than COUNT_CAP"."""
    return n > COUNT_CAP


def encode_cursor(values) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(values)).encode()).decode().rstrip("=")


def decode_cursor(token, types):
    """The key values in a cursor, or None for a missing or malformed one."""
    if not token:
        return None
    try:
        values = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except (ValueError, binascii.Error):
        return None
    if not isinstance(values, list) or len(values) != len(types):
        return None
    try:
        return [bool(v) if t is bool else t(v) for t, v in zip(types, values)]
    except (TypeError, ValueError):
        return None
