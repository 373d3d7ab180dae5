"""Token buckets in the database: one per key, shared by every worker, process and host.

``take(db, key, per_second, burst)`` spends one token, atomically, in one UPDATE
(a row lock on PostgreSQL, the single writer on SQLite): either the bucket had a
token and the request may go on, or it answers how many seconds until it has one.
"""

import math
import time

from sqlalchemy import case, insert, literal, select, update
from sqlalchemy.exc import IntegrityError

from moderation.storage.tables import RateBucket


def parse(text: str) -> tuple[float, int | None]:
    """``"50"``, ``"50/200"``, ``"0.5/3"`` or ``"0"`` (no limit) -> (per_second, burst or None)."""
    rate, _, burst = (text or "").strip().partition("/")
    try:
        per_second = float(rate)
        burst_value = int(burst) if burst else None
    except ValueError:
        raise ValueError(f"a rate limit is PER_SECOND or PER_SECOND/BURST, e.g. 50/200; not {text!r}") from None
    if not math.isfinite(per_second) or per_second < 0 or (burst_value is not None and burst_value < 1):
        raise ValueError(f"a rate limit needs a rate of 0 or more and a burst of 1 or more; not {text!r}")
    return per_second, burst_value


def effective(per_second, burst, default_per_second, default_burst) -> tuple[float, int]:
    """A site's (rate, burst): its own, else the default; a rate without a burst gets four seconds' worth."""
    if per_second is None:
        return float(default_per_second), int(default_burst)
    return float(per_second), int(burst if burst is not None else max(1, math.ceil(per_second * 4)))


def take(db, key: str, per_second: float, burst: int, now: float | None = None, tries: int = 3) -> float:
    """0.0 when a token was spent; otherwise the seconds to wait.  ``per_second`` 0: no limit."""
    if per_second <= 0:
        return 0.0
    now = time.time() if now is None else now
    refilled = RateBucket.tokens + (literal(now) - RateBucket.updated_at) * per_second
    capped = case((refilled > burst, literal(float(burst))), else_=refilled)
    with db.session() as s:
        spent = s.execute(
            update(RateBucket)
            .where(RateBucket.key == key, capped >= 1)
            .values(tokens=capped - 1, updated_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        if spent:
            return 0.0
        tokens = s.scalar(select(capped).where(RateBucket.key == key))
    if tokens is None:  # a new bucket, full but for this request
        try:
            with db.session() as s:
                s.execute(insert(RateBucket).values(key=key, tokens=float(burst) - 1, updated_at=now))
            return 0.0
        except IntegrityError:  # another worker made it first: try once more
            return take(db, key, per_second, burst, now, tries - 1) if tries > 1 else 0.0
    if tokens >= 1 and tries > 1:  # made or refilled by another worker between the two statements
        return take(db, key, per_second, burst, now, tries - 1)
    return max(0.001, (1 - tokens) / per_second)
