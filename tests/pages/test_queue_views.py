"""The moderator pages through the Flask test client, on SQLite and PostgreSQL."""

import re

import pytest
from helpers.api import auth, comment
from helpers.review import add_moderator, db_of, login, seed, spans_of
from sqlalchemy import select

from moderation.storage import review_queue as review
from moderation.storage.tables import Article, Comment

INSULT = "Die ambtenaren zijn echt zakkenvullers, schrap die hele afdeling maar."


@pytest.fixture
def moderator(app, client):
    add_moderator(app)
    return login(client)


def html(response):
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def api_status(client, site, cid):
    return client.get(f"/api/v1/comments/{cid}", headers=auth(site)).get_json()["status"]


def test_the_queue_shows_what_a_moderator_needs(app, client, site, moderator):
    seed(app, site, "old", status="rejected")
    seed(app, site, "p", text="Ik vind dat de raad moet beslissen.", author=("u7", "Piet"), status="approved")
    cid = seed(
        app,
        site,
        "c",
        text=INSULT,
        parent="p",
        stance="hostile",
        score=0.87,
        hostility=0.93,
        categories=["insult"],
        spans=spans_of(INSULT, "zakkenvullers"),
        tags=["reply", "politiek"],
    )
    page = html(client.get("/queue"))
    item = page[page.index(f'id="c-{cid}"') :]
    assert (
        '<mark class="span span-insult" title="belediging">zakkenvullers'
        '<span class="visually-hidden"> [belediging]</span></mark>'
    ) in item
    assert "Die ambtenaren zijn echt " in item and ", schrap die hele afdeling maar." in item
    assert 'href="https://example.org/artikel" rel="noopener noreferrer"' in item
    assert "Ambtenaren zitten elkaar in de weg" in item
    assert 'Reactie op <span class="author">Piet</span>' in item and "Ik vind dat de raad moet beslissen." in item
    assert '<span class="ok">0 goedgekeurd</span> · <span class="no">1 afgewezen</span>' in item
    assert "Vijandig</strong>" in item and 'value="0.93"' in item and "93%" in item
    assert "score 0,87" in item and "Belediging</span>" in item and ">politiek</a>" in item
    assert 'Aanwijzingen: <span class="term">regels</span>' in item
    assert "1 reactie</span>" in page  # the pending total


def test_real_comment_through_the_api_reaches_the_queue_with_its_words_highlighted(app, client, site, moderator):
    r = client.post(
        "/api/v1/comments",
        json=comment("real", "Wat een prutsers zijn het bij de gemeente, echt waar."),
        headers=auth(site),
    )
    body = r.get_json()
    spans = body["analysis"]["incivility"]["spans"]
    assert spans and spans[0]["text"] == "prutsers"
    if body["status"] == "pending":
        page = html(client.get("/queue"))
    else:
        page = html(client.get(f"/queue/{body['status']}"))
    assert re.search(r'<mark class="span span-insult"[^>]*>prutsers<', page)


def test_hostile_input_is_shown_as_text(app, client, site, moderator):
    text = '<script>window.pwned=1</script><img src=x onerror="window.pwned=2"> "quotes" & ampersands'
    # straight into storage: the API would refuse the javascript: link
    cid = seed(
        app,
        site,
        "xss",
        text=text,
        categories=["insult"],
        spans=[{"start": 8, "end": 14, "category": 'insult" onmouseover="x'}],
        author=("u1", '<b onmouseover="alert(1)">Kees</b>'),
        article=("a9", '<svg onload="alert(1)">Titel</svg>', "javascript:alert(1)"),
    )
    page = html(client.get("/queue"))
    assert "<script>window" not in page and "<img src=x" not in page and "<svg onload" not in page
    assert "<b onmouseover" not in page and 'href="javascript:' not in page
    assert "&lt;script&gt;" in page and "&lt;img src=x onerror=&#34;window.pwned=2&#34;&gt;" in page
    assert "&lt;b onmouseover=&#34;alert(1)&#34;&gt;Kees&lt;/b&gt;" in page
    assert "&lt;svg onload=&#34;alert(1)&#34;&gt;Titel&lt;/svg&gt;" in page
    assert '<mark class="span span-other" title="aanstootgevend">' in page  # an unknown category is not a class
    # only our own script: no inline code, no inline styles
    assert re.findall(r"<script[^>]*>", page) == [
        '<script src="/static/live.js" defer>',
        '<script src="/static/queue.js" defer>',
    ]
    assert " style=" not in page and " onerror=" not in page.replace("onerror=&#34;", "")
    detail = html(client.get(f"/comments/{cid}"))
    assert "&lt;script&gt;window.pwned=1&lt;/script&gt;" in detail


def test_approve_without_javascript(app, client, site, moderator):
    cid = seed(app, site, "c")
    r = client.post(
        f"/comments/{cid}/decision",
        data={"action": "approve", "expected": "pending", "csrf_token": moderator, "next": "/queue?stance=neutral"},
    )
    assert r.status_code == 302 and r.headers["Location"] == "/queue?stance=neutral"
    page = html(client.get(r.headers["Location"]))
    assert f"Reactie #{cid} goedgekeurd." in page and f'id="c-{cid}"' not in page
    assert api_status(client, site, cid) == "approved"
    approved = html(client.get("/queue/approved"))
    assert f'id="c-{cid}"' in approved and "Goedgekeurd door mod@example.org" in approved


def test_reject_needs_a_known_reason(app, client, site, moderator):
    cid = seed(app, site, "c")
    for reason in (None, "", "boos"):
        data = {"action": "reject", "csrf_token": moderator, **({"reason": reason} if reason is not None else {})}
        r = client.post(f"/comments/{cid}/decision", data=data)
        assert r.status_code == 400 and "Kies een reden" in r.get_data(as_text=True)
    r = client.post(f"/comments/{cid}/decision", data={"action": "wissen", "csrf_token": moderator})
    assert r.status_code == 400
    assert api_status(client, site, cid) == "pending"


def test_bulk_reject_with_a_reason(app, client, site, moderator):
    a, b, c = (seed(app, site, ext) for ext in "abc")
    r = client.post(
        "/decisions",
        data={
            "ids": [str(a), str(c)],
            "action": "reject",
            "reason": "spam",
            "note": "reclame",
            "expected": "pending",
            "csrf_token": moderator,
        },
        headers={"Accept": "application/json"},
    )
    body = r.get_json()
    assert r.status_code == 200 and body["ok"] and body["done"] == [a, c]
    assert body["message"] == "2 reacties afgewezen (spam)."
    assert [api_status(client, site, x) for x in (a, b, c)] == ["rejected", "pending", "rejected"]
    detail = client.get(f"/api/v1/comments/{a}", headers=auth(site)).get_json()
    assert detail["decision"]["reason"] == "spam" and detail["decision"]["by"] == "moderator"
    assert client.post("/decisions", data={"action": "approve", "csrf_token": moderator}).status_code == 400


def test_a_decision_made_elsewhere_in_the_meantime_is_reported(app, client, site, moderator):
    cid = seed(app, site, "c")
    client.post(f"/comments/{cid}/decision", data={"action": "approve", "expected": "pending", "csrf_token": moderator})
    r = client.post(
        f"/comments/{cid}/decision",
        data={"action": "reject", "reason": "insult", "expected": "pending", "csrf_token": moderator},
        headers={"Accept": "application/json"},
    )
    body = r.get_json()
    assert body["done"] == [] and body["skipped"][0]["status"] == "approved"
    assert body["message"] == f"Reactie #{cid} was al goedgekeurd; niets veranderd."
    assert api_status(client, site, cid) == "approved"


def test_escalate_and_decide_from_the_escalated_list(app, client, site, moderator):
    cid = seed(app, site, "c")
    client.post(
        f"/comments/{cid}/decision",
        data={"action": "escalate", "note": "juridisch laten bekijken", "expected": "pending", "csrf_token": moderator},
    )
    queue = html(client.get("/queue"))
    assert f'id="c-{cid}"' not in queue and 'Geëscaleerd <span class="count">1</span>' in queue
    escalated = html(client.get("/queue/escalated"))
    assert f'id="c-{cid}"' in escalated and "juridisch laten bekijken" in escalated
    assert 'value="escalate"' not in escalated.split(f'id="c-{cid}"')[1]  # no escalating twice
    r = client.post(
        f"/comments/{cid}/decision",
        data={"action": "reject", "reason": "threat", "expected": "pending", "csrf_token": moderator},
    )
    assert r.status_code == 302 and api_status(client, site, cid) == "rejected"


def test_correcting_labels(app, client, site, moderator):
    cid = seed(app, site, "c", stance="neutral", score=0.3, uncivil=False)
    r = client.post(
        f"/comments/{cid}/correction",
        data={
            "stance": "pro-policy",
            "onbeschoft": "ja",
            "categories": ["profanity"],
            "csrf_token": moderator,
            "next": "/queue",
        },
    )
    assert r.status_code == 302
    page = html(client.get("/queue"))
    assert f"Reactie #{cid}: standpunt en onbeschoftheid gecorrigeerd." in page
    item = page[page.index(f'id="c-{cid}"') :]
    assert "Pro-beleid</strong>" in item and "(gecorrigeerd; model: Neutraal)" in item
    assert 'class="chip chip-profanity"' in item
    r = client.post(
        f"/comments/{cid}/correction",
        data={"stance": "pro-policy", "onbeschoft": "ja", "categories": ["profanity"], "csrf_token": moderator},
        headers={"Accept": "application/json"},
    )
    assert r.get_json()["corrections"] == [] and "niets veranderd" in r.get_json()["message"]
    for bad in ({"stance": "boos"}, {"onbeschoft": "ja"}):
        assert client.post(f"/comments/{cid}/correction", data={**bad, "csrf_token": moderator}).status_code == 400
    audit = html(client.get("/audit"))
    assert "Correctie standpunt" in audit and "Neutraal" in audit and "Pro-beleid" in audit
    assert (
        "Correctie onbeschoftheid" in audit and "niet onbeschoft" in audit and "onbeschoft, grof taalgebruik" in audit
    )


def test_audit_log_page(app, client, site, moderator):
    cid = seed(app, site, "c", text="Een reactie om te weigeren")
    client.post(
        f"/comments/{cid}/decision",
        data={"action": "reject", "reason": "off_topic", "note": "dwaalt af", "csrf_token": moderator},
    )
    page = html(client.get("/audit"))
    row = page[page.index('<tr class="audit-decision">') :]
    assert "mod@example.org" in row and f"#{cid}" in row and "Een reactie om te weigeren" in row
    assert "Wacht op beoordeling" in row and "Afgewezen" in row and "Off-topic" in row and "dwaalt af" in row
    assert "automatisch (beleid)" not in page
    assert "automatisch (beleid)" in html(client.get("/audit?automatisch=ja"))
    nobody = html(client.get("/audit?door=iemand@example.org"))
    assert "Nog niets vastgelegd." in nobody and '<tr class="audit-decision">' not in nobody


def test_article_page_draws_the_balance(app, client, site, moderator):
    seed(app, site, "1", stance="hostile", score=0.9)
    seed(app, site, "2", stance="hostile", score=0.2, uncivil=False)
    seed(app, site, "3", stance="hostile", score=0.1, uncivil=False)
    seed(app, site, "4", stance="pro-policy", score=0.1, uncivil=False)
    with db_of(app).session() as s:
        article_id = s.scalar(select(Article.id))
    page = html(client.get(f"/articles/{article_id}"))
    assert "Stemming in 4 reacties" in page and "data-uncivil-share>25%<" in page
    svg = page[page.index("<svg") : page.index("</svg>")]
    bars = re.findall(
        r'<g class="bar bar-([\w-]+)">.*?width="(\d+)" height="28" class="civil">.*?width="(\d+)" '
        r'height="28" class="uncivil">',
        svg,
        re.S,
    )
    # widths scale to the largest stance (hostile, 3 comments = 420 px); the uncivil part is drawn apart
    assert [(label, int(civil), int(uncivil)) for label, civil, uncivil in bars] == [
        ("pro-participation", 0, 0),
        ("pro-policy", 140, 0),
        ("hostile", 280, 140),
        ("neutral", 0, 0),
    ]
    assert "Vijandig: 3 reacties, waarvan 1 onbeschoft." in svg
    assert '<th scope="row">Vijandig</th><td class="num">3</td><td class="num">75%</td>' in page
    listing = html(client.get("/articles"))
    assert f'/articles/{article_id}"' in listing and f'/queue?artikel={article_id}">4<' in listing
    assert client.get("/articles/99999").status_code == 404


def test_filters_and_search_through_the_page(app, client, site, moderator):
    a = seed(app, site, "a", text="Weg met die regels", stance="pro-participation")
    b = seed(app, site, "b", text="Regels zijn regels", stance="pro-policy", tags=["beleid"])
    assert f'id="c-{a}"' in html(client.get("/queue?stance=pro-participation"))
    assert f'id="c-{b}"' not in html(client.get("/queue?stance=pro-participation"))
    page = html(client.get("/queue?q=zijn+regels"))
    assert f'id="c-{b}"' in page and f'id="c-{a}"' not in page
    assert f'id="c-{b}"' in html(client.get("/queue?tag=beleid")) and f'id="c-{a}"' not in html(
        client.get("/queue?tag=beleid")
    )
    # nonsense filter values are ignored, not errors
    assert f'id="c-{a}"' in html(client.get("/queue?stance=boos&van=gisteren&site=x&onbeschoft=misschien&na=%%%"))
    page = html(client.get("/queue?q=niets-te-vinden"))
    assert "De wachtrij is leeg voor deze filters" in page


def test_paging_through_the_queue(app, client, site, moderator):
    made = [seed(app, site, f"c{i:02}", score=0.5 + i / 100) for i in range(30)]
    first = html(client.get("/queue"))
    assert len(re.findall(r'<article class="item', first)) == 25 and "30 reacties" in first
    assert f'id="c-{made[-1]}"' in first  # riskiest first
    next_url = re.search(r'href="([^"]+)" rel="next"', first).group(1).replace("&amp;", "&")
    second = html(client.get(next_url))
    shown = [int(x) for x in re.findall(r'<article class="item[^"]*" id="c-(\d+)"', second)]
    assert sorted(shown) == sorted(made[:5]) and 'rel="prev"' in second and 'rel="next"' not in second
    # the last page emptied by deciding it still leads back
    client.post("/decisions", data={"ids": [str(i) for i in made[:5]], "action": "approve", "csrf_token": moderator})
    emptied = html(client.get(next_url))
    assert "<article" not in emptied and ">Naar het begin</a>" in emptied


def test_a_moderator_limited_to_one_site_never_sees_another(app, client, site, other_site):
    add_moderator(app, "alpha-only@example.org", sites=["alpha"])
    token = login(client, "alpha-only@example.org")
    mine = seed(app, site, "m", text="Van alpha")
    theirs = seed(
        app, other_site, "t", text="Geheim van beta", article=("b1", "Beta-artikel", "https://beta.example/1")
    )
    with db_of(app).session() as s:
        beta_article = s.scalar(select(Comment.article_id).where(Comment.id == theirs))
    page = html(client.get("/queue"))
    assert "Van alpha" in page and "Geheim van beta" not in page and "beta" not in page.split("<main")[1]
    assert "Geheim van beta" not in html(client.get(f"/queue?site={other_site['id']}"))
    assert client.get(f"/comments/{theirs}").status_code == 404
    assert client.get(f"/articles/{beta_article}").status_code == 404
    assert "Beta-artikel" not in html(client.get("/articles"))
    for path, data in [
        (f"/comments/{theirs}/decision", {"action": "approve"}),
        (f"/comments/{theirs}/correction", {"stance": "hostile"}),
        ("/decisions", {"action": "approve", "ids": [str(mine), str(theirs)]}),
    ]:
        assert client.post(path, data={**data, "csrf_token": token}).status_code == 404, path
    assert api_status(client, site, mine) == "pending" and api_status(client, other_site, theirs) == "pending"
    # a decision by an unrestricted colleague on beta stays out of alpha's audit log
    review.decide(db_of(app), None, [theirs], "approve", "chef@example.org")
    assert "chef@example.org" not in html(client.get("/audit?automatisch=ja"))


def test_the_comment_page_shows_its_history(app, client, site, moderator):
    cid = seed(app, site, "c")
    client.post(f"/comments/{cid}/correction", data={"stance": "hostile", "csrf_token": moderator})
    client.post(f"/comments/{cid}/decision", data={"action": "approve", "csrf_token": moderator})
    page = html(client.get(f"/comments/{cid}"))
    assert "Reactie #" in page and "Goedgekeurd" in page
    history = page[page.index('id="h-history"') :]
    assert history.index("Beslissing") < history.index("Correctie standpunt") < history.index("automatisch (beleid)")
    assert client.get("/comments/424242").status_code == 404


def test_home_is_the_dashboard_behind_sign_in(client):
    assert client.get("/").headers["Location"] == "/login?next=/"


def test_a_moderator_can_write_the_explanation_the_writer_gets(app, client, site, moderator):
    own, drafted, bad = (seed(app, site, ext) for ext in ("own", "drafted", "bad"))
    text = "Uw reactie noemt ambtenaren zakkenvullers. Dat is een belediging; zonder dat woord mag hij terug."
    reject = lambda cid, explanation: client.post(  # noqa: E731
        f"/comments/{cid}/decision",
        data={
            "action": "reject",
            "reason": "insult",
            "expected": "pending",
            "explanation": explanation,
            "csrf_token": moderator,
        },
    )
    for cid, explanation in ((own, f"  {text}  "), (drafted, "")):
        r = reject(cid, explanation)
        assert r.status_code == 302
    decision = lambda cid: client.get(f"/api/v1/comments/{cid}", headers=auth(site)).get_json()["decision"]  # noqa: E731
    assert decision(own)["explanation"] == text
    assert decision(drafted)["explanation"] and decision(drafted)["explanation"] != text  # the draft, in Dutch
    r = reject(bad, "x" * 1001)
    assert r.status_code == 400 and "uitleg" in r.get_data(as_text=True)
    assert api_status(client, site, bad) == "pending"
    assert 'name="explanation"' in html(client.get("/queue"))
