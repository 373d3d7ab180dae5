"""Past one machine: three app hosts, two webhook workers, PgBouncer and PostgreSQL,
haproxy in front, each host in its own network namespace (tests/helpers/cluster.py).

Run alone with ``make cluster-test``; skipped with the reason when this machine
cannot build namespaces (no root, no haproxy or pgbouncer).
"""

import json
import re
import threading
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.cookiejar import CookieJar

import pytest
from helpers import cluster as topology
from helpers.api import comment
from helpers.delivery import Receiver

pytestmark = pytest.mark.cluster

PASSWORD = "een-lang-en-sterk-wachtwoord-42"
INSULT = "Die wethouder is een corrupte zakkenvuller en een idioot."


@pytest.fixture(scope="module")
def cluster():
    reason = topology.missing()
    if reason:
        pytest.skip(reason)
    receiver = Receiver(host=topology.BRIDGE_IP)
    with topology.Cluster() as c:
        receiver.start()
        try:
            c.receiver = receiver
            c.site = json.loads(c.cli("sites", "add", "alpha", "--webhook-url", receiver.url, "--json"))
            # uncivil comments wait for a moderator; no rate limit: the load tests are about storing
            c.cli("sites", "set", "alpha", "--reject-above", "1", "--rate-limit", "0")
            for who in ("een", "twee"):
                c.cli("moderators", "add", f"{who}@example.org", "--password-stdin", stdin=PASSWORD + "\n")
            c.start_apps()
            c.start_workers()
            c.start_balancer()
            yield c
        except BaseException:
            print(c.logs())
            raise
        finally:
            receiver.stop()


def headers(c):
    return {"Authorization": f"Bearer {c.site['api_key']}"}


def stored_ids(c, external_ids):
    """external_id -> id as the database has them, read through an app host."""
    found = {}
    for ext in external_ids:
        status, body = c.request("POST", c.lb + "/api/v1/comments", comment(ext), headers(c))
        assert status in (200, 201), body
        found[ext] = (status, body["id"])
    return found


def test_the_same_external_id_sent_to_two_hosts_at_once_is_stored_once(cluster):
    c = cluster
    a, b = c.apps[0], c.apps[1]
    externals = [f"race-{i}" for i in range(15)]
    barrier = threading.Barrier(2)

    def send(host, ext):
        barrier.wait(timeout=10)
        return c.request("POST", c.url(host) + "/api/v1/comments", comment(ext), headers(c))

    with ThreadPoolExecutor(2) as pool:
        for ext in externals:
            first, second = pool.submit(send, a, ext), pool.submit(send, b, ext)
            (s1, b1), (s2, b2) = first.result(), second.result()
            assert sorted([s1, s2]) == [200, 201], (ext, b1, b2)
            assert b1["id"] == b2["id"]
    # read back: every one is there once, and sending again creates nothing
    again = stored_ids(c, externals)
    assert {status for status, _ in again.values()} == {200}
    assert len({cid for _, cid in again.values()}) == len(externals)


def test_webhooks_are_delivered_exactly_once_with_two_workers(cluster):
    c = cluster
    externals = [f"hook-{i}" for i in range(40)]
    with ThreadPoolExecutor(8) as pool:
        results = list(
            pool.map(lambda e: c.request("POST", c.lb + "/api/v1/comments", comment(e), headers(c)), externals)
        )
    assert all(status == 201 for status, _ in results), results
    # every decided comment raises an event; a pending one waits for a moderator first
    comment_ids = {body["id"] for _, body in results if body["status"] != "pending"}
    assert len(comment_ids) >= 30

    def delivered_for_all():
        seen = {json.loads(body)["comment"]["id"] for _, body in c.receiver.requests if b'"comment"' in body}
        return comment_ids <= seen

    topology.wait_for(delivered_for_all, timeout=60, what="every comment's event at the receiver")
    time.sleep(1.5)  # a duplicate would arrive now, if any worker sent an event twice
    event_ids = [h["x-moderation-event-id"] for h, _ in c.receiver.requests]
    assert len(event_ids) == len(set(event_ids)), "an event was delivered twice"


def _session(base):
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    return opener


def _csrf(html):
    return re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)


def _login(opener, base, email):
    token = _csrf(opener.open(base + "/login", timeout=10).read().decode())
    data = urllib.parse.urlencode({"email": email, "password": PASSWORD, "csrf_token": token}).encode()
    opener.open(base + "/login", data=data, timeout=10)
    return _csrf(opener.open(base + "/queue", timeout=10).read().decode())


def test_two_moderators_on_different_hosts_decide_one_comment_one_wins(cluster):
    c = cluster
    status, body = c.request("POST", c.lb + "/api/v1/comments", comment("twist-1", text=INSULT), headers(c))
    assert status == 201 and body["status"] == "pending", body
    cid = body["id"]
    hosts = [c.url(c.apps[0]), c.url(c.apps[2])]
    sessions = [_session(h) for h in hosts]
    tokens = [_login(s, h, f"{who}@example.org") for s, h, who in zip(sessions, hosts, ("een", "twee"))]
    barrier = threading.Barrier(2)

    def decide(i, action):
        form = {"action": action, "reason": "insult", "expected": "pending", "csrf_token": tokens[i]}
        data = urllib.parse.urlencode(form).encode()
        req = urllib.request.Request(
            f"{hosts[i]}/comments/{cid}/decision", data=data, headers={"Accept": "application/json"}
        )
        barrier.wait(timeout=10)
        try:
            with sessions[i].open(req, timeout=10) as resp:
                return resp.status, json.loads(resp.read())
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read())

    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(decide, [0, 1], ["approve", "reject"]))
    done = [a for a in answers if a[1].get("done")]
    skipped = [a for a in answers if a[1].get("skipped")]
    assert len(done) == 1 and len(skipped) == 1, answers
    assert skipped[0][1]["message"], "the losing moderator is told what happened"
    status, final = c.request("GET", f"{c.lb}/api/v1/comments/{cid}", headers=headers(c))
    winner = "approved" if done[0] is answers[0] else "rejected"
    assert final["status"] == winner


def test_killing_an_app_host_under_load_loses_no_acknowledged_comment(cluster):
    c = cluster
    acknowledged, lock = {}, threading.Lock()
    stop = threading.Event()
    counter = iter(range(10**6))

    def load():
        while not stop.is_set():
            ext = f"kill-{next(counter)}"
            try:
                status, body = c.request("POST", c.lb + "/api/v1/comments", comment(ext), headers(c), timeout=5)
            except OSError:
                continue  # not acknowledged: the client would retry
            if status in (200, 201):
                with lock:
                    acknowledged[ext] = body["id"]

    threads = [threading.Thread(target=load) for _ in range(6)]
    for t in threads:
        t.start()
    time.sleep(2)
    c.apps[1].kill()  # the whole host's processes, kill -9
    time.sleep(3)
    stop.set()
    for t in threads:
        t.join(timeout=30)
    assert len(acknowledged) > 20, "the load produced too little to prove anything"
    again = stored_ids(c, list(acknowledged))
    missing = [ext for ext, (status, cid) in again.items() if status != 200 or cid != acknowledged[ext]]
    assert not missing, f"acknowledged but not stored: {missing[:5]}"
    c.start_app(c.apps[1])  # back for any later test
    topology.wait_for(lambda: c.get(c.url(c.apps[1]) + "/healthz")[0] == 200, timeout=60, what="app2 back")


def test_a_sites_rate_limit_is_shared_across_app_hosts(cluster):
    c = cluster
    limited = json.loads(c.cli("sites", "add", "beperkt", "--json"))
    c.cli("sites", "set", "beperkt", "--rate-limit", "2/6")
    auth = {"Authorization": f"Bearer {limited['api_key']}"}
    statuses, started = [], time.monotonic()
    for i in range(24):  # spread over the three hosts, well inside a few seconds
        host = c.apps[i % len(c.apps)]
        status, _ = c.request("POST", c.url(host) + "/api/v1/comments", comment(f"rl-{i}"), auth)
        statuses.append(status)
    elapsed, accepted = time.monotonic() - started, statuses.count(201)
    # one shared bucket: a burst of 6 plus 2 a second; a bucket per host would let 18 through at once
    assert 6 <= accepted <= 6 + 2 * elapsed + 1, (elapsed, statuses)
    assert statuses.count(429) == len(statuses) - accepted
    # another site is not slowed by it
    status, _ = c.request("POST", c.lb + "/api/v1/comments", comment("rl-other"), headers(c))
    assert status == 201
