"""The moderator search: which comments a search term finds, by engine.

PostgreSQL: whole words and their Dutch stems through full-text search on the stored
column ``search_vector`` (``to_tsvector('dutch', text || ' ' || author_name)``, GIN-indexed
by migration ``search_scale``), and parts of words of three or more characters in the text
or the author's name through trigram indexes when ``pg_trgm`` is installed; without it,
full-text search only (a part of a word finds nothing there). SQLite: a case-insensitive
substring scan.

At a million comments ``review_queue.page`` counts the matches first (capped) and, when
there are few, takes them from these indexes before sorting them by risk, so a search that
finds little never walks the whole queue; ``TIMEOUT_MS`` bounds any search on PostgreSQL.
"""

import re

from sqlalchemy import func, literal_column, or_, select, text

from moderation.storage.paging import capped_count, over_cap
from moderation.storage.tables import Comment

DUTCH = literal_column("'dutch'::regconfig")
# Made by migration ``search_scale`` on PostgreSQL only (the trigram ones by ``search``, only where
# pg_trgm can be had), so they are not in tables.py's metadata; the schema comparison leaves them out.
SEARCH_VECTOR = literal_column("comments.search_vector")
COLUMNS = ("search_vector",)
INDEXES = ("ix_comments_search", "ix_comments_text_trgm", "ix_comments_author_trgm")
TIMEOUT_MS = 3000  # a search that takes longer is stopped and the moderator asked to narrow it
TRIGRAM_PART = re.compile(r"\w{3}")  # pg_trgm can only use a term with a run of three word characters


def has_trigram_index(session) -> bool:
    """Whether the trigram indexes of migration ``search`` exist in this schema."""
    return bool(session.scalar(text("SELECT to_regclass('ix_comments_text_trgm') IS NOT NULL")))


def _contains(column, term):
    """``column ILIKE '%term%'`` with the term's wildcards escaped (ILIKE, not lower(), so a trigram index applies)."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return column.ilike(f"%{escaped}%", escape="\\")


def matching(term: str, trigram: bool):
    """PostgreSQL: the rows a search term finds, said so that the search indexes answer it.
    With trigram indexes a term of several words is a phrase, found as written; one word is
    also found by its Dutch stem (``ambtenaar`` finds ``ambtenaren``). A term without three
    word characters in a row is matched as written without an index (pg_trgm has nothing to
    look up), which ``TIMEOUT_MS`` bounds."""
    words = SEARCH_VECTOR.op("@@")(func.websearch_to_tsquery(DUTCH, term))
    if not trigram:
        return words
    written = or_(_contains(Comment.text, term), _contains(Comment.author_name, term))
    return written if len(term.split()) > 1 else or_(written, words)


def condition(engine_name: str, term: str, trigram: bool):
    """The WHERE clause for a search term."""
    if engine_name != "postgresql":
        return or_(Comment.text.icontains(term, autoescape=True), Comment.author_name.icontains(term, autoescape=True))
    return matching(term, trigram)


def limit_time(session):
    """PostgreSQL: stop this transaction's statements after ``TIMEOUT_MS``."""
    session.execute(text(f"SET LOCAL statement_timeout = {int(TIMEOUT_MS)}"))


def timed_out(error) -> bool:
    """Whether a database error is PostgreSQL cancelling a statement at its timeout."""
    return getattr(getattr(error, "orig", None), "sqlstate", None) == "57014"


def few_first(session, query, order, descending: bool, limit: int) -> list:
    """The first ``limit`` rows of ``query`` (a page's keyset query, when the search found few)
    taken from the search indexes first: the matching rows' sort keys are materialised and
    sorted on their own, so the planner cannot walk the risk index testing every row."""
    hits = query.with_only_columns(*order).order_by(None).cte("hits").prefix_with("MATERIALIZED")
    keys = [hits.c[c.key].desc() if descending else hits.c[c.key].asc() for c in order]
    ids = list(session.scalars(select(hits.c.id).order_by(*keys).limit(limit)))
    found = {c.id: c for c in session.scalars(select(Comment).where(Comment.id.in_(ids)))} if ids else {}
    return [found[i] for i in ids if i in found]


def page_rows(session, query, count, clause, order, descending: bool, limit: int):
    """A page's first ``limit`` rows and its capped total. A PostgreSQL search is counted first,
    under ``TIMEOUT_MS``: no match ends there, few are taken from the search indexes and sorted
    (``few_first``), many are found quickly walking the queue's order."""
    if clause is None or session.bind.dialect.name != "postgresql":
        return list(session.scalars(query.limit(limit))), capped_count(session, count)
    limit_time(session)
    total = capped_count(session, count)
    if total == 0:
        return [], 0
    if over_cap(total):
        return list(session.scalars(query.limit(limit))), total
    return few_first(session, query, order, descending, limit), total
