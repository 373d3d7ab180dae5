"""The moderator search on PostgreSQL: Dutch full-text search and trigram indexes, never a full scan."""

import pytest
from helpers.review import db_of, seed
from sqlalchemy import select, text

from moderation.storage import review_queue as review
from moderation.storage import search
from moderation.storage.review_queue import Filters
from moderation.storage.tables import Comment

pytestmark = pytest.mark.postgres


@pytest.fixture(params=[pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request, postgres_url):
    return postgres_url


def found(app, q):
    return sorted(item["id"] for item in review.page(db_of(app), "pending", None, Filters(q=q))["items"])


def test_whole_words_match_their_dutch_stem_and_parts_of_words_match_by_trigram(app, site):
    a = seed(app, site, "a", text="De ambtenaren van de gemeente werken hard.")
    b = seed(app, site, "b", text="Stelletje zakkenvullers daar op het stadhuis", author=("u2", "Joke Jansen"))
    c = seed(app, site, "c", text="Korting van 100% op de leges")
    assert found(app, "ambtenaar") == [a]  # a stem, not a substring: only full-text search finds it
    assert found(app, "zakkenvul") == [b]  # part of a word: the trigram index
    assert found(app, "jansen") == [b]  # the author's name
    assert found(app, "100%") == [c] and found(app, "_") == []  # wildcards are literal


def test_the_search_uses_the_indexes_not_a_scan(app, site):
    for i in range(30):
        seed(app, site, f"s{i}", text=f"Reactie nummer {i} over de gemeenteraad")
    db = db_of(app)
    with db.session() as s:
        assert search.has_trigram_index(s)
        s.execute(text("SET LOCAL enable_seqscan = off"))
        query = select(Comment.id).where(search.matching("gemeenteraad", trigram=True))
        compiled = str(query.compile(s.bind, compile_kwargs={"literal_binds": True})).replace("%%", "%")
        plan = "\n".join(row[0] for row in s.execute(text(f"EXPLAIN {compiled}")))
    assert "ix_comments_search" in plan and "ix_comments_text_trgm" in plan, plan


def test_without_pg_trgm_whole_words_and_names_are_still_found(app, site):
    """Where pg_trgm cannot be created migration ``search`` makes no trigram indexes: the search
    is full-text only, on the stored column that holds the text and the author's name."""
    a = seed(app, site, "a", text="De ambtenaren van de gemeente", author=("u1", "Joke Jansen"))
    db = db_of(app)
    with db.session() as s:
        s.execute(text("DROP INDEX ix_comments_text_trgm; DROP INDEX ix_comments_author_trgm"))
    db._facts.clear()
    assert found(app, "ambtenaar") == [a] and found(app, "Jansen") == [a]
    assert found(app, "ambtena") == []  # a part of a word needs the trigram index
    with db.session() as s:
        assert not search.has_trigram_index(s)
