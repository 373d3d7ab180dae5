"""A site's weekly schedule: when comments are open, and what happens outside those hours.

``policy["schedule"]`` is ``{"hours": "mon-fri 07:00-23:00; sat,sun 09:00-18:00", "outside":
"closed" | "pre", "timezone": "Europe/Amsterdam"}``.  The hours are wall-clock times in the
timezone, so they follow summer and winter time; a range starts at its first minute and ends
before its last (``07:00-23:00``: open from 07:00, closed from 23:00; ``24:00`` is midnight at
the end of the day; a range does not run past midnight: write two).  Outside the hours the
site either takes no comments (``closed``) or takes them under pre-moderation (``pre``).

Pure functions over an aware ``now``: no clock of its own, no database.  Imports only the vocabulary.
"""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from moderation import vocabulary as vocab

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_RANGE = re.compile(r"^([01]\d|2[0-4]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$")


class ScheduleError(ValueError):
    pass


@dataclass(frozen=True)
class State:
    """Where a site stands at one moment."""

    comments_open: bool
    mode: str  # the mode a comment taken now is decided in
    until: datetime | None  # the next change (UTC), None: no change ever (no schedule)
    scheduled: bool  # inside the schedule's hours (always True without a schedule)


def check(schedule: dict | None) -> dict | None:
    """The schedule normalised (``hours`` re-spelled), or ScheduleError saying what is wrong."""
    if not schedule:
        return None
    if not isinstance(schedule, dict):
        raise ScheduleError("the schedule must be an object with hours, outside and timezone")
    outside = schedule.get("outside", vocab.OUTSIDE_CLOSED)
    if outside not in vocab.SCHEDULE_OUTSIDE:
        raise ScheduleError(f"outside must be {' or '.join(map(repr, vocab.SCHEDULE_OUTSIDE))}, not {outside!r}")
    timezone = schedule.get("timezone") or vocab.DEFAULT_TIMEZONE
    _zone(timezone)
    ranges = parse(schedule.get("hours") or "")
    return {"hours": spell(ranges), "outside": outside, "timezone": timezone}


def parse(hours: str) -> tuple[tuple[int, int, int], ...]:
    """``"mon-fri 07:00-23:00; sun 10:00-12:00"`` -> ``((weekday, start minute, end minute), ...)``."""
    return _parse(" ".join(str(hours).split()).lower())


@lru_cache(maxsize=256)
def _parse(hours: str) -> tuple[tuple[int, int, int], ...]:
    if not hours:
        raise ScheduleError("the schedule names no hours; e.g. 'mon-fri 07:00-23:00'")
    out = []
    for clause in filter(None, (c.strip() for c in hours.split(";"))):
        days_text, _, ranges_text = clause.partition(" ")
        days = _days(days_text, clause)
        if not ranges_text.strip():
            raise ScheduleError(f"{clause!r} names no hours; e.g. 'mon-fri 07:00-23:00'")
        for text in ranges_text.replace(",", " ").split():
            match = _RANGE.match(text)
            if not match:
                raise ScheduleError(f"{text!r} is not a range of hours like 07:00-23:00")
            start, end = int(match[1]) * 60 + int(match[2]), int(match[3]) * 60 + int(match[4])
            if start >= end or end > 24 * 60:
                raise ScheduleError(f"{text!r} must end after it starts, on the same day (at most 24:00)")
            out += [(day, start, end) for day in days]
    return tuple(sorted(set(out)))


def _days(text: str, clause: str) -> list[int]:
    days: list[int] = []
    for part in text.split(","):
        first, _, last = part.partition("-")
        if first not in DAYS or (last and last not in DAYS):
            raise ScheduleError(f"{clause!r}: days are {', '.join(DAYS)}, or a span such as mon-fri")
        a, b = DAYS.index(first), DAYS.index(last or first)
        days += list(range(a, b + 1)) if a <= b else [*range(a, 7), *range(0, b + 1)]
    return days


def spell(ranges) -> str:
    """The ranges spelled back, days with the same hours joined: ``"mon-fri 07:00-23:00; sat 10:00-12:00"``."""
    by_day: dict[int, list[str]] = {}
    for day, start, end in sorted(ranges):
        by_day.setdefault(day, []).append(f"{start // 60:02d}:{start % 60:02d}-{end // 60:02d}:{end % 60:02d}")
    runs: list[tuple[int, int, str]] = []  # (first day, last day, hours)
    for day, parts in sorted(by_day.items()):
        hours = " ".join(parts)
        if runs and runs[-1][1] == day - 1 and runs[-1][2] == hours:
            runs[-1] = (runs[-1][0], day, hours)
        else:
            runs.append((day, day, hours))
    return "; ".join(f"{DAYS[a]}{'-' + DAYS[b] if b > a else ''} {hours}" for a, b, hours in runs)


def state(policy: dict | None, now: datetime) -> State:
    """Is the site open at ``now`` (aware), in which mode, and until when."""
    policy = dict(vocab.DEFAULT_POLICY, **(policy or {}))
    schedule = policy.get("schedule")
    if not schedule:
        return State(True, policy["mode"], None, True)
    ranges, zone = parse(schedule["hours"]), _zone(schedule.get("timezone") or vocab.DEFAULT_TIMEZONE)
    inside = _inside(ranges, zone, now)
    outside = schedule.get("outside", vocab.OUTSIDE_CLOSED)
    until = next_change(ranges, zone, now)
    if inside:
        return State(True, policy["mode"], until, True)
    if outside == vocab.OUTSIDE_PRE:
        return State(True, vocab.MODE_PRE, until, False)
    return State(False, policy["mode"], until, False)


def next_change(ranges, zone: ZoneInfo, now: datetime) -> datetime | None:
    """The first moment after ``now`` at which open turns to closed or back (UTC), within 8 days."""
    now = now.astimezone(UTC)
    inside = _inside(ranges, zone, now)
    today = now.astimezone(zone).date()
    moments = sorted(
        moment
        for offset in range(-1, 9)
        for moment in _boundaries(ranges, zone, today + timedelta(days=offset))
        if moment > now
    )
    return next((m for m in moments if _inside(ranges, zone, m) != inside), None)


def _boundaries(ranges, zone: ZoneInfo, day: date):
    for weekday, start, end in ranges:
        if weekday == day.weekday():
            for minute in (start, end):
                yield _moment(day, minute, zone)


def _moment(day: date, minute: int, zone: ZoneInfo) -> datetime:
    """The UTC moment the wall clock in ``zone`` reads ``minute`` on ``day`` (24:00: the next midnight).
    In the spring gap the clock skips that reading: the moment it jumps past it.  In the autumn
    overlap it reads it twice: the first time."""
    if minute == 24 * 60:
        day, minute = day + timedelta(days=1), 0
    local = datetime.combine(day, time(minute // 60, minute % 60), tzinfo=zone)
    moment = local.astimezone(UTC)
    if moment.astimezone(zone).replace(tzinfo=None) != local.replace(tzinfo=None):  # in the gap
        moment = _after_gap(local, zone)
    return moment


def _after_gap(local: datetime, zone: ZoneInfo) -> datetime:
    """The instant the clock jumps over a skipped wall-clock reading."""
    before = local.replace(fold=0).astimezone(UTC)  # read with the offset before the jump: later than the jump
    earliest = local.replace(fold=1).astimezone(UTC)  # read with the offset after the jump: earlier
    low, high = min(before, earliest), max(before, earliest)
    while high - low > timedelta(seconds=1):  # the offset changes once between them
        middle = low + (high - low) / 2
        if middle.astimezone(zone).utcoffset() == low.astimezone(zone).utcoffset():
            low = middle
        else:
            high = middle
    return high.replace(microsecond=0)


def _inside(ranges, zone: ZoneInfo, now: datetime) -> bool:
    local = now.astimezone(zone)
    minute = local.hour * 60 + local.minute
    weekday = local.weekday()
    return any(day == weekday and start <= minute < end for day, start, end in ranges)


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ScheduleError(f"no timezone named {name!r}; e.g. Europe/Amsterdam") from None
