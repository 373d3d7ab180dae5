"""The real server for tests: ``moderation serve`` on a free loopback port, talked to over real HTTP."""

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from helpers.api import free_port

MODERATION = str(Path(sys.executable).with_name("moderation"))


class Server:
    def __init__(self, database_url, tmp_path, workers=2, port=None, extra_env=None, upgrade=True):
        self.env = dict(os.environ, DATABASE_URL=database_url, MODERATION_SECRET_KEY="server-test-secret")
        self.env.update(extra_env or {})
        self.port = port or free_port()
        self.workers = workers
        self.log = open(tmp_path / f"server-{self.port}-{time.monotonic_ns()}.log", "w+")
        if upgrade:
            subprocess.run([MODERATION, "db", "upgrade"], env=self.env, check=True, capture_output=True, timeout=120)
        self.proc = None
        self.start()

    def start(self, wait=True):
        self.proc = subprocess.Popen(
            [MODERATION, "serve", "--host", "127.0.0.1", "--port", str(self.port), "--workers", str(self.workers)],
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        if wait:
            self.wait_ready()

    def wait_ready(self, path="/healthz/live", seconds=30):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url(path), timeout=1)
                return
            except urllib.error.HTTPError:
                return
            except OSError:  # refused, or accepted before a worker is ready
                if self.proc.poll() is not None:
                    break
                time.sleep(0.1)
        raise RuntimeError("server did not start: " + self.output()[-2000:])

    def output(self):
        self.log.flush()
        self.log.seek(0)
        return self.log.read()

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def request(self, method, path, body=None, key=None, timeout=30):
        headers = {"Content-Type": "application/json"}
        if key:
            headers["Authorization"] = f"Bearer {key}"
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.url(path), data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                return r.status, json.loads(r.read() or b"null"), r.headers
        except urllib.error.HTTPError as e:
            raw = e.read()
            return e.code, json.loads(raw) if raw else None, e.headers

    def post(self, path, body, key, timeout=30):
        status, answer, _ = self.request("POST", path, body, key, timeout)
        return status, answer

    def worker_pids(self):
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(self.proc.pid)], capture_output=True, text=True)
        return [int(p) for p in out.stdout.split()]

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)

    def close(self):
        self.stop()
        self.log.close()
