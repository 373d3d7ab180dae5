"""Every path outside the API answers its errors with a Dutch page in the pages' own style (or
JSON for the pages' scripts), never Werkzeug's English one; the API keeps problem+json; a
crash says nothing about the exception."""

import pytest
from helpers.review import add_moderator, login

SECRET = "geheime-stacktrace-details-42"


@pytest.fixture
def crashing_app(make_app):
    app = make_app(PROPAGATE_EXCEPTIONS=False)

    def crash():
        raise RuntimeError(SECRET)

    app.add_url_rule("/kapot", "kapot", crash)
    app.add_url_rule("/api/v1/kapot", "api_kapot", crash)
    return app


def dutch_page(response, status, words):
    html = response.get_data(as_text=True)
    assert response.status_code == status and response.mimetype == "text/html", html[:300]
    assert '<html lang="nl">' in html and 'class="error-page"' in html and words in html
    assert "Werkzeug" not in html and "The requested URL" not in html and "Not Found" not in html
    assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")
    return html


def test_an_unknown_path_gets_the_dutch_404(client):
    dutch_page(client.get("/bestaat-niet"), 404, "Deze pagina bestaat niet")
    dutch_page(client.get("/static/nergens.css"), 404, "Niet gevonden")
    signed_out = client.get("/bestaat-niet", headers={"Accept": "application/json"})
    assert signed_out.status_code == 404 and signed_out.get_json()["ok"] is False


def test_the_api_keeps_problem_json(client):
    r = client.get("/api/v1/bestaat-niet")
    assert r.status_code == 404 and r.mimetype == "application/problem+json" and r.get_json()["status"] == 404
    r = client.get("/api/v1/comments")
    assert r.status_code == 405 and r.mimetype == "application/problem+json" and "POST" in r.headers["Allow"]


def test_a_wrong_method_on_a_page_is_a_dutch_405_with_allow(app, client):
    html = dutch_page(client.get("/logout"), 405, "Niet toegestaan")
    assert "niet op deze manier" in html
    assert client.get("/logout").headers["Allow"].count("POST") == 1


def test_a_403_and_400_are_dutch_too(app, client):
    add_moderator(app)
    token = login(client)
    dutch_page(client.get("/admin/moderators"), 403, "Alleen beheerders")
    # a form that cannot be read (a site id that is no number) on a page of an admin
    add_moderator(app, "baas@example.org", role="admin")
    admin = app.test_client()
    token = login(admin, "baas@example.org")
    r = admin.post("/admin/moderators/uitnodigen", data={"email": "a@example.org", "site": "x", "csrf_token": token})
    dutch_page(r, 400, "kon niet worden gelezen")


def test_a_crash_is_a_dutch_500_that_leaks_nothing(crashing_app):
    client = crashing_app.test_client()
    html = dutch_page(client.get("/kapot"), 500, "Er ging iets mis")
    assert SECRET not in html and "RuntimeError" not in html and "Traceback" not in html
    api = client.get("/api/v1/kapot")
    assert api.status_code == 500 and api.mimetype == "application/problem+json"
    assert SECRET not in api.get_data(as_text=True)
