"""Repeats: the same or nearly the same comment posted several times on one site, by one
author or by many (a copy-paste campaign), within ``WINDOW``.

Each comment's text is normalised (``normalise``: lower case, accents and punctuation
dropped, digits read as the letters they stand in for, blanks collapsed).  Two kinds of
key go into ``repeat_keys``: the fingerprint of the whole normalised text (an exact
repeat), and ``BANDS`` MinHash band keys over its word pairs (a near repeat: two texts
whose word pairs overlap by a Jaccard similarity ``s`` share a band with probability
``1 - (1 - s**ROWS)**BANDS``, 0.97 at s = 0.6).  A new comment's candidates are one
index range scan on ``(site_id, key, received_at)``; each candidate is then checked on
the texts themselves (``similar``), so a band collision never counts as a repeat.

A comment joins the ``repeat_group`` of the earliest comment it repeats (or starts its
own), so "how often was this posted, by how many authors" is one index query on
``ix_comments_repeat``.  Texts under ``MIN_CHARACTERS`` normalised characters ("Eens!")
are not compared.  The MinHash is hand-written on numpy: the index lives in the database,
so of a library (datasketch) only the signature would be used.
"""

import hashlib
import re
import unicodedata
from datetime import timedelta
from typing import cast

import numpy as np
from sqlalchemy import Table, bindparam, case, delete, func, insert, null, or_, select

from moderation.storage.tables import Comment, RepeatKey

WINDOW = timedelta(days=7)
MIN_CHARACTERS = 20
THRESHOLD = 0.6  # Jaccard similarity of the word pairs from which a text is a near repeat
BANDS, ROWS = 8, 2
CANDIDATE_LIMIT = 500  # key rows read per comment: a campaign's count is "at least" past this
FEW_CANDIDATES = 45  # key rows read per comment when only its repeat group is needed (no hold rule)
LEET = str.maketrans("0134578@$", "oieastbas")
_PRIME = (1 << 31) - 1  # a Mersenne prime: a * x + b stays below 2**63 for a, b, x < 2**31
_rng = np.random.default_rng(20261204)
_A = _rng.integers(1, _PRIME, BANDS * ROWS, dtype=np.uint64)
_B = _rng.integers(0, _PRIME, BANDS * ROWS, dtype=np.uint64)


def normalise(text: str | None) -> str:
    """Lower case, no accents, digits as letters (``k0t`` is ``kot``), punctuation and blanks
    folded: the words of the text joined by single spaces."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower().translate(LEET)
    return " ".join(re.findall(r"[^\W_]+", text))


def shingles(normalised: str) -> set[str]:
    """The word pairs of a normalised text (the single word for a one-word text)."""
    words = normalised.split()
    return {" ".join(words[i : i + 2]) for i in range(max(1, len(words) - 1))}


def similar(a: str, b: str) -> bool:
    """Two normalised texts are the same, or their word pairs overlap by at least ``THRESHOLD``."""
    if a == b:
        return True
    sa, sb = shingles(a), shingles(b)
    return len(sa & sb) / len(sa | sb) >= THRESHOLD


def _hash64(value: str) -> int:
    return int.from_bytes(hashlib.blake2b(value.encode("utf-8"), digest_size=8).digest(), "big", signed=True)


def keys(text: str | None) -> tuple[str, list[int]]:
    """The normalised text and its lookup keys (none for a text too short to compare):
    the exact fingerprint first, then one key per MinHash band."""
    norm = normalise(text)
    if len(norm.replace(" ", "")) < MIN_CHARACTERS:
        return norm, []
    hashed = np.array([_hash64(s) % _PRIME for s in shingles(norm)], dtype=np.uint64)
    products = (_A * hashed[:, None] + _B) % np.uint64(_PRIME)  # one column per hash function
    signature = products.min(axis=0)
    bands = [
        _hash64(f"band{i}:" + ",".join(str(v) for v in signature[i * ROWS : (i + 1) * ROWS])) for i in range(BANDS)
    ]
    return norm, [_hash64("text:" + norm), *bands]


def rows(comment_id: int, site_id: int, received_at, lookup_keys: list[int]) -> list[dict]:
    return [{"comment_id": comment_id, "key": k, "site_id": site_id, "received_at": received_at} for k in lookup_keys]


_KEYS, _COMMENTS = cast(Table, RepeatKey.__table__), cast(Table, Comment.__table__)
_NEW_KEYS = insert(_KEYS)
# built once (bound parameters, the key lists expanding): the intake runs it for every comment
_CANDIDATES = (
    select(
        _KEYS.c.key,
        _COMMENTS.c.id,
        _COMMENTS.c.author_id,
        _COMMENTS.c.repeat_group,
        case((_KEYS.c.key.in_(bindparam("exact", expanding=True)), null()), else_=_COMMENTS.c.text),
    )
    .join(_COMMENTS, _COMMENTS.c.id == _KEYS.c.comment_id)
    .where(
        _KEYS.c.site_id == bindparam("site_id"),
        _KEYS.c.key.in_(bindparam("keys", expanding=True)),
        _KEYS.c.received_at >= bindparam("since"),
        _COMMENTS.c.text.is_not(None),  # not erased (erasure drops the keys as well)
    )
    .limit(bindparam("limit"))
)


def matches(session, site_id: int, items: list[tuple[str, list[int]]], now, limit=CANDIDATE_LIMIT) -> list[list[tuple]]:
    """For each ``(normalised text, keys)``, the earlier comments of the site within ``WINDOW``
    that it repeats: ``(comment id, author id, repeat group)``, earliest first.  One statement
    for all the items (an index range scan per key), reading at most ``limit`` key rows per item.

    A candidate found by the exact fingerprint (the first key) is a repeat as it is: its text is
    not read.  One found only by a MinHash band is checked on the texts (``similar``), each
    distinct text normalised once (a campaign's copies are one text)."""
    wanted = sorted({k for _, ks in items for k in ks})
    if not wanted:
        return [[] for _ in items]
    exact = sorted({ks[0] for _, ks in items if ks})
    found = session.execute(
        _CANDIDATES,
        {"site_id": site_id, "keys": wanted, "exact": exact, "since": now - WINDOW, "limit": limit * len(items)},
    ).all()
    by_key: dict[int, list] = {}
    texts: dict[int, str] = {}
    for key, comment_id, author_id, group, body in found:
        by_key.setdefault(key, []).append((comment_id, author_id, group))
        if body is not None:
            texts[comment_id] = body
    normalised: dict[str, str] = {}
    out = []
    for norm, ks in items:
        same = set(by_key.get(ks[0], ())) if ks else set()
        near = {c for k in ks[1:] for c in by_key.get(k, ())} - same
        for c in near:
            body = texts.get(c[0])
            if body is None:
                continue
            if body not in normalised:
                normalised[body] = normalise(body)
            if similar(norm, normalised[body]):
                same.add(c)
        out.append(sorted(same, key=lambda c: c[0]))
    return out


def counts(session, comments) -> dict[int, dict]:
    """``comment id -> {"times", "authors"}``: how often its text was posted on its site within
    ``WINDOW`` either side of it (itself included), and by how many authors.  One index query
    (``ix_comments_repeat``) per repeat group on the page."""
    out, cache = {}, {}
    for c in comments:
        group = c.repeat_group or c.id
        key = (c.site_id, group, c.received_at)
        if key not in cache:
            times, authors = session.execute(
                select(func.count(), func.count(func.distinct(Comment.author_id))).where(
                    Comment.site_id == c.site_id,
                    or_(Comment.repeat_group == group, Comment.id == group),
                    Comment.received_at >= c.received_at - WINDOW,
                    Comment.received_at <= c.received_at + WINDOW,
                    Comment.erased_at.is_(None),
                )
            ).one()
            cache[key] = {"times": max(times, 1), "authors": max(authors, 1)}
        out[c.id] = cache[key]
    return out


def store_keys(session, key_rows: list[dict]) -> None:
    if key_rows:
        session.execute(_NEW_KEYS, key_rows)


def forget(session, comment_id: int) -> None:
    """Erasure: the keys were derived from the text."""
    session.execute(delete(RepeatKey).where(RepeatKey.comment_id == comment_id))
