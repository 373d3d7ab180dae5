"""Issue item 15: /metrics of the real server sums every worker's counters, so
successive scrapes never run backwards, whichever worker answers."""

import os
import re
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from helpers.api import free_port

MODERATION = str(Path(sys.executable).with_name("moderation"))
HEALTHZ = re.compile(r'moderation_http_requests_total\{endpoint="/healthz",method="GET",status="\d+"\} ([0-9.e+]+)')


def get(url):
    request = urllib.request.Request(url, headers={"Connection": "close"})
    try:
        with urllib.request.urlopen(request, timeout=10) as r:
            return r.read().decode()
    except urllib.error.HTTPError as exc:  # /healthz answers 503 while degraded; it still counts
        return exc.read().decode()


def test_scrapes_count_the_requests_of_every_worker(tmp_path):
    env = dict(
        os.environ,
        DATABASE_URL=f"sqlite:///{tmp_path / 'metrics.sqlite'}",
        MODERATION_SECRET_KEY="metrics-test-secret",
        MODERATION_MODELS_DIR=str(tmp_path / "no-models"),
        MODERATION_PLUGINS="policy",
    )
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    (tmp_path / "no-models").mkdir()
    subprocess.run([MODERATION, "db", "upgrade"], env=env, check=True, capture_output=True, timeout=120)
    port = free_port()
    log = open(tmp_path / "server.log", "w+")
    server = subprocess.Popen(
        [MODERATION, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                get(base + "/metrics")
                break
            except OSError:
                time.sleep(0.1)
        with ThreadPoolExecutor(8) as pool:  # concurrent, so both workers answer some
            list(pool.map(lambda _: get(base + "/healthz"), range(60)))
        counts = []
        for _ in range(10):
            text = get(base + "/metrics")
            counts.append(sum(float(n) for n in HEALTHZ.findall(text)))
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=20)
        log.close()
    assert counts == [60.0] * 10, counts
