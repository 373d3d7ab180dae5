"""A real browser for the page tests: Debian's chromium driven by Playwright.

One real server per test module (``moderation serve``: gunicorn, a temporary
SQLite database), comments posted through the HTTP API, a moderator made with
the CLI.  A failing test leaves a screenshot in test-artifacts/.

A browser test module starts with ``require_browser()`` and imports the
fixtures it uses (``server``, ``chromium``, ``page``) from here.
"""

import contextlib
import json
import os
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

from helpers.api import free_port

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
BIN = Path(sys.executable).parent
EMAIL, PASSWORD = "moderator@example.org", "een-lang-wachtwoord"

try:
    import playwright.sync_api as playwright

    MISSING = None if Path(CHROMIUM).exists() else "Debian's chromium is not installed (make browser installs it)"
except ImportError:
    playwright = None
    MISSING = "Playwright is not installed (pip install -e '.[test]' installs it)"


def require_browser():
    """Skip the calling module without a browser; in CI a missing browser is an error, never a skip."""
    if MISSING:
        if os.environ.get("CI") == "true":  # make test installs both: CI must not pass by skipping
            raise RuntimeError(MISSING)
        pytest.skip(MISSING, allow_module_level=True)


class Server:
    def __init__(self, url, site, env, log):
        self.url, self.site, self.env, self.log = url, site, env, log
        self.ids = {}

    def api(self, method, path, body=None):
        request = urllib.request.Request(
            self.url + path,
            method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={"Authorization": f"Bearer {self.site['api_key']}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())

    def post(self, name, text, **extra):
        body = {
            "external_id": f"{name}-{uuid.uuid4().hex[:6]}",
            "text": text,
            "article": {
                "id": "art-1",
                "title": "Ambtenaren zitten elkaar in de weg",
                "url": "https://example.org/artikel",
            },
            "author": {"id": f"lezer-{name}", "name": "Kees"},
            **extra,
        }
        self.ids[name] = self.api("POST", "/api/v1/comments", body)["id"]
        return self.ids[name]

    def status(self, name):
        return self.api("GET", f"/api/v1/comments/{self.ids[name]}")


def run_cli(args, env, stdin=None):
    result = subprocess.run(
        [str(BIN / "moderation"), *args], env=env, input=stdin, capture_output=True, text=True, timeout=180
    )
    assert result.returncode == 0, result.stderr + result.stdout
    return result.stdout


@contextlib.contextmanager
def running_server(tmp, policy=None, env_extra=None):
    """A real ``moderation serve`` on a fresh SQLite database with one site and one admin moderator.

    ``policy`` is the site's decision policy (default: every comment waits for a person).
    """
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp / 'moderation.sqlite'}",
        "MODERATION_SECRET_KEY": uuid.uuid4().hex,
        **(env_extra or {}),
    }
    run_cli(["db", "upgrade"], env)
    from moderation.storage import comments as records
    from moderation.storage.database import Database

    db = Database(env["DATABASE_URL"])
    site = records.create_site(
        db, "browser", policy=policy or {"approve_below": 0.0, "reject_above": 1.01, "mode": "pre"}
    )
    db.dispose()
    run_cli(["moderators", "add", EMAIL, "--password-stdin"], env, stdin=PASSWORD + "\n")
    port = free_port()
    log = open(tmp / "server.log", "w")
    process = subprocess.Popen(
        [str(BIN / "moderation"), "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    try:
        while True:
            try:
                with urllib.request.urlopen(url + "/healthz", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail("the server did not start:\n" + (tmp / "server.log").read_text()[-3000:])
            time.sleep(0.3)
        yield Server(url, site, env, tmp / "server.log")
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The module's server: every comment waits for a person here, whatever the models say."""
    with running_server(tmp_path_factory.mktemp("browser")) as running:
        yield running


@pytest.fixture(scope="module")
def chromium(tmp_path_factory):
    with playwright.sync_playwright() as p:
        yield p


def new_context(p, tmp_path, **options):
    profile = tmp_path / f"profile-{uuid.uuid4().hex[:6]}"
    return p.chromium.launch_persistent_context(
        str(profile),
        executable_path=CHROMIUM,
        args=ARGS,
        headless=True,
        viewport={"width": 1280, "height": 1000},
        **options,
    )


@pytest.fixture
def page(chromium, server, tmp_path, request):
    """A logged-in page in a fresh browser profile; a screenshot of it if the test fails."""
    context = new_context(chromium, tmp_path)
    tab = context.new_page()
    tab.set_default_timeout(15000)
    errors, dialogs = [], []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    tab.js_errors, tab.dialogs = errors, dialogs
    failed_before = request.session.testsfailed
    login(tab, server)
    yield tab
    if request.session.testsfailed > failed_before:
        ARTIFACTS.mkdir(exist_ok=True)
        tab.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


def login(tab, server):
    tab.goto(server.url + "/queue")
    assert tab.url.startswith(server.url + "/login")
    tab.get_by_label("E-mailadres").fill(EMAIL)
    tab.get_by_label("Wachtwoord").fill(PASSWORD)
    tab.get_by_role("button", name="Inloggen").click()
    tab.wait_for_url(server.url + "/queue")


def item_of(tab, server, name):
    return tab.locator(f"#c-{server.ids[name]}")


def posted_and_found(page, server, name, text, query):
    """Post a comment, search the queue for it and wait until its item is shown."""
    server.post(name, text)
    page.goto(server.url + f"/queue?q={query}")
    item = item_of(page, server, name)
    item.wait_for()
    return item
