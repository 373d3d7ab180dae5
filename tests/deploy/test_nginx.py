"""The nginx site that deploy/ ships, rendered by its own render.sh, in front of a real
``moderation serve``: clients come from 127.0.0.2 (and .3), "outside"; the server trusts the proxy
on 127.0.0.1 only, as in production."""

import http.client
import json
import re
import shutil
import socket
import ssl
import threading
import time

import pytest
from helpers.api import comment
from helpers.nginx import Nginx, require_nginx
from helpers.server import Server

from moderation import config
from moderation.storage import comments as records
from moderation.storage.database import Database
from moderation.storage.tables import Comment, LoginThrottle

require_nginx()

OUTSIDE = "127.0.0.2"


@pytest.fixture(scope="module")
def stack(tmp_path_factory, sqlite_template):
    tmp = tmp_path_factory.mktemp("nginx-stack")
    shutil.copy(sqlite_template, tmp / "db.sqlite")
    url = f"sqlite:///{tmp / 'db.sqlite'}"
    db = Database(url)
    site = records.create_site(db, "proxied")
    # the app gives a body one second: a slow client that reached it would get 408
    server = Server(url, tmp, workers=1, upgrade=False, extra_env={"MODERATION_REQUEST_BODY_TIMEOUT": "1"})
    proxy = None
    try:
        proxy = Nginx(tmp, f"127.0.0.1:{server.port}")
        yield {"db": db, "site": site, "server": server, "nginx": proxy}
    finally:
        if proxy is not None:
            proxy.stop()
        server.close()
        db.dispose()


def tls_context(nginx):
    return ssl.create_default_context(cafile=str(nginx.cert))


def https(nginx, method, path, body=None, headers=None, source=OUTSIDE, timeout=30):
    conn = http.client.HTTPSConnection(
        "127.0.0.1", nginx.https_port, context=tls_context(nginx), timeout=timeout, source_address=(source, 0)
    )
    try:
        conn.request(method, path, body=body, headers=headers or {})
        r = conn.getresponse()
        return r.status, r.headers, r.read()
    finally:
        conn.close()


def post_comment(stack, ext, text="Goed plan van de raad, laat de wijkteams meedenken.", source=OUTSIDE):
    headers = {"Authorization": f"Bearer {stack['site']['api_key']}", "Content-Type": "application/json"}
    return https(stack["nginx"], "POST", "/api/v1/comments", json.dumps(comment(ext, text)), headers, source)


def test_the_shipped_file_is_what_runs(stack):
    site = stack["nginx"].site
    assert "${" not in site, "every placeholder is rendered"
    assert f"server 127.0.0.1:{stack['server'].port};" in site
    limit = int(re.search(r"client_max_body_size (\d+)m;", site).group(1)) * 2**20
    assert limit == config.from_environment("instance")["MAX_CONTENT_LENGTH"], "nginx refuses what the app would"


def test_a_post_through_tls_is_stored_and_the_app_knows_it_was_https(stack):
    status, headers, body = post_comment(stack, "tls-1")
    assert status == 201, body
    stored = json.loads(body)
    assert records.count_rows(stack["db"], Comment) >= 1
    status, _, again = https(
        stack["nginx"],
        "GET",
        f"/api/v1/comments/{stored['id']}",
        headers={"Authorization": f"Bearer {stack['site']['api_key']}"},
    )
    assert status == 200 and json.loads(again)["external_id"] == "tls-1"
    # X-Forwarded-Proto reached the app and was trusted: it marks the answer for HTTPS only
    assert headers["Strict-Transport-Security"].startswith("max-age=")
    status, direct, _ = stack["server"].request("GET", "/healthz/ready")
    assert "Strict-Transport-Security" not in direct, "plain http straight to the app is not https"


def test_the_app_counts_sign_ins_per_real_client_address(stack):
    """X-Forwarded-For from nginx reaches the login throttle; a forged one from the client does not."""
    ctx = tls_context(stack["nginx"])
    conn = http.client.HTTPSConnection("127.0.0.1", stack["nginx"].https_port, context=ctx, source_address=(OUTSIDE, 0))
    conn.request("GET", "/login")
    r = conn.getresponse()
    page = r.read().decode()
    assert r.status == 200
    cookie = r.headers["Set-Cookie"].split(";")[0]
    assert "Secure" in r.headers["Set-Cookie"], "the session cookie is Secure behind TLS"
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    form = f"email=iemand%40example.org&password=fout-wachtwoord-123&csrf_token={token}"
    conn.request(
        "POST",
        "/login",
        body=form,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": cookie,
            "X-Forwarded-For": "6.6.6.6",  # forged by the client: nginx replaces it
        },
    )
    r = conn.getresponse()
    r.read()
    conn.close()
    assert r.status == 401
    with stack["db"].session() as s:
        keys = {row.key for row in s.query(LoginThrottle).all()}
    assert f"client:{OUTSIDE}" in keys, keys
    assert not any("6.6.6.6" in k or "client:127.0.0.1" == k for k in keys), keys


def test_metrics_stay_internal_while_health_is_public(stack):
    status, headers, body = https(stack["nginx"], "GET", "/metrics")
    assert status == 403 and b"moderation_" not in body
    status, _, body = https(stack["nginx"], "GET", "/metrics", source="127.0.0.1")
    assert status == 200 and b"moderation_http_requests_total" in body, body[:300]
    for path in ("/healthz", "/healthz/live", "/healthz/ready"):
        status, _, body = https(stack["nginx"], "GET", path)
        assert status == 200, (path, body)


def test_an_oversized_body_is_refused_by_nginx(stack):
    """Refused by its Content-Length before the body is sent: 413 from nginx (HTML), not the app's problem+json."""
    ctx = tls_context(stack["nginx"])
    raw = socket.create_connection(("127.0.0.1", stack["nginx"].https_port), timeout=10, source_address=(OUTSIDE, 0))
    with ctx.wrap_socket(raw, server_hostname="127.0.0.1") as s:
        s.sendall(
            b"POST /api/v1/comments HTTP/1.1\r\nHost: moderation.test\r\nContent-Type: application/json\r\n"
            b"Authorization: Bearer " + stack["site"]["api_key"].encode() + b"\r\n"
            b"Content-Length: " + str(16 * 2**20 + 1).encode() + b"\r\n\r\n{"
        )
        answer = s.recv(4096).decode(errors="replace")
    assert answer.startswith("HTTP/1.1 413"), answer[:200]
    assert "text/html" in answer and "problem+json" not in answer


def test_slow_clients_never_reach_the_app_nor_block_others(stack):
    """Eight clients trickle their bodies over about six seconds; the app gives a body one second,
    so any of them that reached it would get 408. nginx holds them until whole: meanwhile a normal
    POST answers at once, and afterwards each slow one is stored (201)."""
    ctx = tls_context(stack["nginx"])
    results = {}

    def slow(n):
        body = json.dumps(comment(f"slow-{n}", "Trage verbinding, maar een nette reactie over de gemeente.")).encode()
        raw = socket.create_connection(
            ("127.0.0.1", stack["nginx"].https_port), timeout=30, source_address=(OUTSIDE, 0)
        )
        with ctx.wrap_socket(raw, server_hostname="127.0.0.1") as s:
            s.sendall(
                b"POST /api/v1/comments HTTP/1.1\r\nHost: moderation.test\r\nContent-Type: application/json\r\n"
                b"Authorization: Bearer " + stack["site"]["api_key"].encode() + b"\r\nConnection: close\r\n"
                b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n"
            )
            step = max(1, len(body) // 15)
            for i in range(0, len(body), step):
                s.sendall(body[i : i + step])
                time.sleep(0.4)
            answer = b""
            while chunk := s.recv(65536):
                answer += chunk
        results[n] = answer.split(b"\r\n", 1)[0].decode()

    threads = [threading.Thread(target=slow, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    time.sleep(1.0)
    assert all(t.is_alive() for t in threads), "the slow clients are still sending"
    started = time.monotonic()
    status, _, body = post_comment(stack, "fast-1")
    took = time.monotonic() - started
    assert status == 201, body
    assert took < 3.0, f"a normal POST took {took:.2f}s while slow clients were sending"
    assert all(t.is_alive() for t in threads), "it was answered while they were still sending"
    for t in threads:
        t.join(30)
    assert sorted(results.values()) == ["HTTP/1.1 201 Created"] * 8, results


def test_sign_in_is_rate_limited_per_address(stack):
    """10 a minute with a burst of 10 per address: the 12th quick request is refused by nginx."""
    statuses = [https(stack["nginx"], "GET", "/login", source="127.0.0.3")[0] for _ in range(14)]
    assert statuses[0] == 200 and statuses[-1] == 429, statuses
    assert https(stack["nginx"], "GET", "/login", source="127.0.0.4")[0] == 200, "another address is not limited"


def test_plain_http_is_redirected_to_https(stack):
    conn = http.client.HTTPConnection("127.0.0.1", stack["nginx"].http_port, timeout=10, source_address=(OUTSIDE, 0))
    conn.request("GET", "/queue?x=1", headers={"Host": "moderation.test"})
    r = conn.getresponse()
    r.read()
    conn.close()
    assert r.status == 301 and r.headers["Location"] == "https://moderation.test/queue?x=1"
