"""Counts stop at paging.COUNT_CAP: exact below it, "10.000+" past it, on both engines."""

import pytest
from helpers.review import add_moderator, db_of, login, seed
from sqlalchemy import insert

from moderation.pages import wording
from moderation.storage import paging
from moderation.storage import review_queue as review
from moderation.storage.review_queue import Filters
from moderation.storage.tables import Comment


@pytest.fixture
def small_cap(monkeypatch):
    monkeypatch.setattr(paging, "COUNT_CAP", 5)
    return 5


def bulk(app, site, n, start=0, **extra):
    rows = [
        dict(site_id=site["id"], external_id=f"b{start + i}", text="Een reactie", status="pending", **extra)
        for i in range(n)
    ]
    with db_of(app).session() as s:
        s.execute(insert(Comment), rows)


def test_counts_are_exact_up_to_the_cap_and_capped_past_it(app, site, small_cap):
    db = db_of(app)
    bulk(app, site, 5)
    assert review.page(db, "pending", None, Filters())["total"] == 5
    assert review.counts(db, None)["pending"] == 5
    bulk(app, site, 3, start=5)
    page = review.page(db, "pending", None, Filters(), limit=3)
    assert page["total"] == 6 and paging.over_cap(page["total"]) and len(page["items"]) == 3
    assert review.counts(db, None)["pending"] == 6
    assert review.page(db, "pending", [site["id"] + 1], Filters())["total"] == 0  # another site's: none


def test_the_words_for_a_capped_count():
    assert wording.amount(9_999) == "9.999" and wording.amount(paging.COUNT_CAP) == "10.000"
    assert wording.amount(paging.COUNT_CAP + 1) == "10.000+"
    assert wording.comments(paging.COUNT_CAP + 1) == "10.000+ reacties" and wording.comments(1) == "1 reactie"


def test_the_queue_page_shows_10000_plus_past_the_cap(app, client, site, small_cap, monkeypatch):
    monkeypatch.setattr(wording, "COUNT_CAP", 5)
    add_moderator(app)
    login(client)
    bulk(app, site, 4)
    page = client.get("/queue").get_data(as_text=True)
    assert "data-total>4 reacties<" in page and '<span class="count">4</span>' in page
    bulk(app, site, 4, start=4)
    seed(app, site, "x")
    page = client.get("/queue").get_data(as_text=True)
    assert "data-capped>5+ reacties<" in page and '<span class="count">5+</span>' in page
