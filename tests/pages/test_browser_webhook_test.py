"""In a real browser, on the real server: an admin presses "Testgebeurtenis versturen" on a
site's page; a real receiver gets a signed ``test`` event, and the page shows the answer."""

import json

import pytest
from helpers.browser import ARTIFACTS, new_context, require_browser, run_cli, running_server
from helpers.delivery import Receiver
from standardwebhooks import Webhook

require_browser()
from helpers.browser import chromium  # noqa: E402,F401  (fixture)

pytestmark = pytest.mark.browser
ADMIN, PASSWORD = "beheerder@example.org", "een-ander-lang-wachtwoord"


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    receiver = Receiver().start()
    tmp = tmp_path_factory.mktemp("webhook-test")
    try:
        allow = {"MODERATION_WEBHOOK_ALLOW_HOSTS": "127.0.0.1"}
        with running_server(tmp, policy={"approve_below": 0.0, "reject_above": 1.0}, env_extra=allow) as server:
            out = run_cli(["sites", "set", "browser", "--webhook-url", receiver.url, "--json"], server.env)
            secret = json.loads(out)["webhook_secret"]
            run_cli(["moderators", "add", ADMIN, "--role", "admin", "--password-stdin"], server.env, PASSWORD + "\n")
            yield server, receiver, secret
    finally:
        receiver.stop()


@pytest.fixture
def tab(chromium, setup, tmp_path, request):  # noqa: F811
    server, _, _ = setup
    context = new_context(chromium, tmp_path)
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(server.url + "/login")
    page.get_by_label("E-mailadres").fill(ADMIN)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(server.url + "/")
    failed_before = request.session.testsfailed
    yield page
    if request.session.testsfailed > failed_before:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


def test_the_button_sends_a_signed_test_event_and_shows_the_answer(tab, setup):
    server, receiver, secret = setup
    tab.goto(f"{server.url}/admin/sites/{server.site['id']}")
    tab.get_by_role("button", name="Testgebeurtenis versturen").click()
    result = tab.locator("#test-result")
    result.wait_for()
    assert "is afgeleverd" in result.inner_text() and "HTTP 200" in result.inner_text()
    [(headers, body)] = receiver.requests
    assert Webhook(secret).verify(body, headers)["test"]["site"] == "browser"

    receiver.status = 500
    tab.get_by_role("button", name="Testgebeurtenis versturen").click()
    tab.locator("#test-result", has_text="niet afgeleverd").wait_for()
    assert "HTTP 500" in tab.locator("#test-result").inner_text()
    tab.locator("#test-result a").click()  # the parked event, with its delivery log
    tab.wait_for_url(f"{server.url}/admin/events/*")
    assert "500" in tab.content()
