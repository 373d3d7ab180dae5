"""The moderator search: which comments a search term finds, by engine.

PostgreSQL: whole words and their Dutch stems through full-text search
(``to_tsvector('dutch', text)``, GIN-indexed by migration ``search``), and parts
of words in the text or the author's name through trigram indexes when
``pg_trgm`` is installed; without it, full-text search only (a part of a word
finds nothing there). SQLite: a case-insensitive substring scan.
"""

from sqlalchemy import func, literal_column, or_, select, text

from moderation.storage.tables import Comment

DUTCH = literal_column("'dutch'::regconfig")
# Made by migration ``search`` on PostgreSQL only (the trigram ones only where pg_trgm can be had),
# so they are not in tables.py's metadata; the schema comparison leaves them out by these names.
INDEXES = ("ix_comments_fts", "ix_comments_text_trgm", "ix_comments_author_trgm")


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
    also found by its Dutch stem (``ambtenaar`` finds ``ambtenaren``)."""
    words = func.to_tsvector(DUTCH, Comment.text).op("@@")(func.websearch_to_tsquery(DUTCH, term))
    if not trigram:
        return words
    written = or_(_contains(Comment.text, term), _contains(Comment.author_name, term))
    return written if len(term.split()) > 1 else or_(words, written)


def condition(engine_name: str, term: str, trigram: bool):
    """The WHERE clause for a search term."""
    if engine_name != "postgresql":
        return or_(Comment.text.icontains(term, autoescape=True), Comment.author_name.icontains(term, autoescape=True))
    found = matching(term, trigram)
    # the matching ids first (bitmap scans of the search indexes), so a queue page ordered by risk
    # checks each row against that set instead of computing the text search row by row
    return Comment.id.in_(select(Comment.id).where(found).scalar_subquery())
