"""Helpers for the webhook, outbox, decisions and erasure tests.

``Receiver``: a real HTTP server on a loopback port that records every webhook.
``Stub``: an analysis plugin with fixed answers, so these tests need no trained
model and run fast (``fast_app`` uses it with only the built-in policy plugin).
"""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from moderation import hookimpl
from moderation.storage import comments as records

INSULT = "zakkenvullers"
# the receivers listen on loopback, which webhooks may only reach when the operator allows it
LOOPBACK = "127.0.0.1"
THREAT = "ik maak je dood"


class Stub:
    """Stance and incivility by keyword: an insult is rejected, a threat escalated, the rest approved."""

    __name__ = "stub"

    @hookimpl(tryfirst=True)
    def moderation_analyze(self, comments):
        return [self._one(c["text"]) for c in comments]

    def _one(self, text):
        spans = []
        for word, category in ((INSULT, "insult"), (THREAT, "threat")):
            at = text.lower().find(word)
            if at >= 0:
                spans.append(
                    {"start": at, "end": at + len(word), "text": text[at : at + len(word)], "category": category}
                )
        score = 0.97 if spans else 0.05
        return {
            "stance": {
                "label": "hostile" if spans else "neutral",
                "scores": {"hostile": 0.8, "neutral": 0.2} if spans else {"hostile": 0.0, "neutral": 1.0},
                "evidence": [{"term": w, "weight": 1.0} for w in text.split()[:3]],
            },
            "incivility": {
                "uncivil": bool(spans),
                "score": score,
                "categories": sorted({s["category"] for s in spans}),
                "spans": spans,
                "evidence": [{"term": s["text"], "weight": 2.0} for s in spans],
            },
            "tags": ["stub"],
            "models": {"stance": "stub", "incivility": "stub"},
        }


@pytest.fixture
def fast_app(make_app, tmp_path):
    """An app on the parametrised database with the stub analysis and the built-in policy."""

    def factory(**config):
        (tmp_path / "no-models").mkdir(exist_ok=True)
        config = {
            "PLUGINS": ["policy"],
            "MODELS_DIR": str(tmp_path / "no-models"),
            "DECISIONS_SETTLE_SECONDS": 0,
            "WEBHOOK_ALLOW_HOSTS": LOOPBACK,
            **config,
        }
        return make_app(extra_plugins=[Stub()], **config)

    return factory


@pytest.fixture
def pg_app(postgres_url, app_for, tmp_path):
    """Like ``fast_app``, on PostgreSQL only (for tests of what only PostgreSQL does)."""

    def factory(**config):
        (tmp_path / "no-models").mkdir(exist_ok=True)
        config = {"WEBHOOK_ALLOW_HOSTS": LOOPBACK, **config}
        return app_for(postgres_url, [Stub()], PLUGINS=["policy"], MODELS_DIR=str(tmp_path / "no-models"), **config)

    return factory


class Receiver:
    """A site's webhook endpoint on 127.0.0.1.  ``status`` is what it answers;
    ``stop()`` then ``start()`` takes it down and brings it back on the same port."""

    def __init__(self, host="127.0.0.1"):
        self.host = host
        self.requests = []
        self.status = 200
        self.on_request = None  # called with (headers, body) before answering
        self.port = 0
        self._server = None
        self._lock = threading.Lock()

    @property
    def url(self):
        return f"http://{self.host}:{self.port}/hooks/moderation"

    def start(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                headers = {k.lower(): v for k, v in self.headers.items()}
                if receiver.on_request:
                    receiver.on_request(headers, body)
                with receiver._lock:
                    receiver.requests.append((headers, body))
                self.send_response(receiver.status)
                if 300 <= receiver.status < 400:
                    self.send_header("Location", "https://example.org/elsewhere")
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer((self.host, self.port), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def events(self):
        with self._lock:
            return [json.loads(body) for _, body in self.requests]


@pytest.fixture
def receiver():
    r = Receiver().start()
    yield r
    r.stop()


def webhook_site(app, receiver, name="alpha"):
    return records.create_site(app.extensions["moderation"].db, name, webhook_url=receiver.url)


def decide(app, comment_id, status, actor="mod@example.org", reason=None, explanation=None, urgent=False):
    """A moderator's decision, as the queue records it."""
    with app.extensions["moderation"].db.session() as s:
        records.record_decision(
            s, comment_id, status, actor=actor, reason=reason, explanation=explanation, urgent=urgent
        )
