"""A small client for the Transparency Database API (Art. 24(5) DSA submissions).

``GET /api/v1/statement/existing-puid/<puid>`` (302 or 200: known; 404: not),
``POST /api/v1/statements`` (``{"statements": [...]}``, at most 100) and
``POST /api/v1/statement`` (one), with ``Authorization: Bearer <token>``.
Redirects are not followed: a 302 on the puid look-up means "exists".
"""

import json
import urllib.error
import urllib.parse
import urllib.request

MAX_BATCH = 100


class Transient(Exception):
    """A try that may work later: no connection, a timeout, a 5xx, 429."""


class Refused(Exception):
    """The database does not accept this client (401/403: a wrong or revoked token): stop, change nothing."""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Client:
    def __init__(self, base_url: str, token: str, timeout: float = 30):
        self.base = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout
        self.opener = urllib.request.build_opener(_NoRedirect)

    def _call(self, method, path, body=None) -> tuple[int, object]:
        request = urllib.request.Request(
            self.base + path,
            method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={
                "Authorization": f"Bearer {self.token}",
                "Accept": "application/json",
                "Content-Type": "application/json",
            },
        )
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as exc:
            status, raw = exc.code, exc.read()
        except (OSError, ValueError) as exc:
            raise Transient(f"{type(exc).__name__}: {exc}") from None
        if status >= 500 or status == 429:
            raise Transient(f"HTTP {status}: {raw[:300]!r}")
        if status in (401, 403):
            raise Refused(f"the Transparency Database answered HTTP {status}: check MODERATION_TDB_TOKEN")
        try:
            payload = json.loads(raw) if raw else None
        except ValueError:
            payload = raw.decode("utf-8", "replace")[:1000]
        return status, payload

    def exists(self, puid: str) -> bool:
        status, payload = self._call("GET", "/api/v1/statement/existing-puid/" + urllib.parse.quote(puid, safe=""))
        if status in (200, 302):
            return True
        if status == 404:
            return False
        raise RuntimeError(f"the puid look-up answered HTTP {status}: {payload}")

    def send_batch(self, statements: list[dict]) -> tuple[int, object]:
        if not 1 <= len(statements) <= MAX_BATCH:
            raise ValueError(f"a batch holds 1 to {MAX_BATCH} statements, not {len(statements)}")
        return self._call("POST", "/api/v1/statements", {"statements": statements})

    def send_one(self, statement: dict) -> tuple[int, object]:
        return self._call("POST", "/api/v1/statement", statement)
