"""The moderator search on both engines: stems (PostgreSQL), parts of words, no match, the order
of few and of many matches (the two ways ``review_queue.page`` takes them), and the time limit."""

import pytest
from helpers.review import add_moderator, db_of, login, seed

from moderation.storage import paging, search
from moderation.storage import review_queue as review
from moderation.storage.review_queue import Filters


def found(app, q, **f):
    return [item["id"] for item in review.page(db_of(app), "pending", None, Filters(q=q, **f))["items"]]


def test_stems_parts_of_words_and_no_match(app, site):
    a = seed(app, site, "a", text="De ambtenaren van de gemeente werken hard.", score=0.2)
    b = seed(app, site, "b", text="Stelletje zakkenvullers op het stadhuis", score=0.9, author=("u2", "Joke Jansen"))
    postgres = not db_of(app).is_sqlite
    assert found(app, "ambtenaar") == ([a] if postgres else [])  # a Dutch stem: full-text search only
    assert found(app, "ambtenaren") == [a]
    assert found(app, "zakkenvul") == [b]  # part of a word (trigram index on PostgreSQL)
    assert found(app, "Jansen") == [b]  # the author's name
    assert found(app, "xyzzy") == [] and review.page(db_of(app), "pending", None, Filters(q="xyzzy"))["total"] == 0


def test_few_and_many_matches_come_riskiest_first(app, site, monkeypatch):
    made = {seed(app, site, f"c{i}", text=f"Over de gemeenteraad, deel {i}", score=i / 10): i for i in range(8)}
    seed(app, site, "other", text="Iets heel anders", score=0.99)
    riskiest = sorted(made, key=made.get, reverse=True)
    assert found(app, "gemeenteraad") == riskiest  # few: taken from the search index, then sorted
    monkeypatch.setattr(paging, "COUNT_CAP", 3)  # many: walked in the queue's order
    page = review.page(db_of(app), "pending", None, Filters(q="gemeenteraad"), limit=5)
    assert [i["id"] for i in page["items"]] == riskiest[:5] and paging.over_cap(page["total"])
    rest = review.page(db_of(app), "pending", None, Filters(q="gemeenteraad"), after=page["next"], limit=5)
    assert [i["id"] for i in rest["items"]] == riskiest[5:]
    monkeypatch.setattr(paging, "COUNT_CAP", 10_000)
    back = review.page(db_of(app), "pending", None, Filters(q="gemeenteraad"), before=rest["prev"], limit=5)
    assert [i["id"] for i in back["items"]] == riskiest[:5]  # going back over few matches too


def test_a_search_past_its_time_limit_says_so_in_dutch(app, client, site, monkeypatch):
    if db_of(app).is_sqlite:
        pytest.skip("the time limit is PostgreSQL's statement_timeout")
    seed(app, site, "a", text="Een reactie over de gemeenteraad")
    monkeypatch.setattr(search, "TIMEOUT_MS", 1)
    real = search.limit_time

    def slow(session):
        real(session)
        session.execute(search.text("SELECT pg_sleep(0.05)"))

    monkeypatch.setattr(search, "limit_time", slow)
    result = review.page(db_of(app), "pending", None, Filters(q="gemeenteraad"))
    assert result["timed_out"] and result["items"] == []
    add_moderator(app)
    login(client)
    page = client.get("/queue?q=gemeenteraad").get_data(as_text=True)
    assert "data-search-timeout" in page and "Deze zoekopdracht duurde te lang" in page
