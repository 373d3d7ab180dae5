"""Moderator pages given hostile ids, dates and ``next`` values: 4xx or a safe default, never 500."""

import pytest
from helpers.review import add_moderator, login, seed


@pytest.fixture
def signed_in(app, client, site):
    add_moderator(app)
    token = login(client)
    return client, token


@pytest.mark.parametrize("big", [2**31, 2**63, 2**70])
def test_ids_beyond_any_column(signed_in, big):
    client, token = signed_in
    assert client.get(f"/comments/{big}").status_code == 404
    assert client.get(f"/articles/{big}").status_code == 404
    r = client.post(f"/comments/{big}/decision", data={"action": "approve", "csrf_token": token})
    assert r.status_code == 404
    for query in (f"site={big}", f"artikel={big}"):
        assert client.get(f"/queue?{query}").status_code == 200


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_dates_at_the_ends_of_the_calendar(signed_in, day):
    client, _ = signed_in
    for param in ("van", "tot"):
        r = client.get(f"/queue?{param}={day}")
        assert r.status_code == 400 and "datum" in r.get_data(as_text=True)


def test_crlf_in_next_stays_out_of_the_location_header(app, signed_in, site):
    client, token = signed_in
    comment_id = seed(app, site, "c1")
    r = client.post(
        f"/comments/{comment_id}/decision",
        data={"action": "approve", "csrf_token": token, "next": "/queue\r\nSet-Cookie: evil=1"},
    )
    assert r.status_code == 302 and "\n" not in r.headers["Location"] and "evil" not in r.headers["Location"]
