"""Signing and sending one webhook (DESIGN.md's contract), with the standard library only.

The body is the event as compact UTF-8 JSON, signed twice:

- by the Standard Webhooks specification (www.standardwebhooks.com): ``webhook-id`` (the
  event's id), ``webhook-timestamp`` (unix seconds) and ``webhook-signature: v1,<base64
  HMAC-SHA256 of "<id>.<timestamp>.<body>">``, keyed with the secret's bytes
  (``signing_key``), so the official ``standardwebhooks`` packages verify it;
- by the older ``X-Moderation-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of
  "<t>.<body>">`` keyed with the secret's text (deprecated: sent for one more release).

Both carry one signature per valid secret: during a secret rotation the new and the old
secret sign, so a site can switch at its own pace.
"""

import base64
import binascii
import hashlib
import hmac
import json
import logging
import time

from moderation.delivery import http_post, targets

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Moderation-Signature"
SECRET_PREFIX = "whsec_"
TOLERANCE_SECONDS = 300
USER_AGENT = "moderation-webhooks/1"
MAX_ERROR = 500


def body_bytes(payload: dict) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def signature(secret: str, body: bytes, timestamp: int) -> str:
    message = str(timestamp).encode("ascii") + b"." + body
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def signature_header(secrets: list[str], body: bytes, timestamp: int) -> str:
    return ",".join([f"t={timestamp}"] + [f"v1={signature(secret, body, timestamp)}" for secret in secrets])


def signing_key(secret: str) -> bytes:
    """The Standard Webhooks key of a secret: the bytes of ``whsec_<base64>``.  A secret made
    by an earlier version (``whsec_`` and URL-safe text, not standard base64) keys with its own UTF-8
    bytes, the key of ``X-Moderation-Signature``: ``Webhook(secret.encode())`` verifies it."""
    encoded = secret[len(SECRET_PREFIX) :] if secret.startswith(SECRET_PREFIX) else secret
    try:
        key = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        key = b""
    return key if len(key) >= 16 else secret.encode("utf-8")


def standard_signature(secret: str, message_id: str, body: bytes, timestamp: int) -> str:
    message = f"{message_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(signing_key(secret), message, hashlib.sha256).digest()).decode("ascii")


def standard_headers(secrets: list[str], message_id: str, body: bytes, timestamp: int) -> dict[str, str]:
    """The three Standard Webhooks headers; one space-separated signature per secret."""
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(standard_signature(s, message_id, body, timestamp) for s in secrets),
    }


def verify(header: str, body: bytes, secret: str, now: float | None = None, tolerance: int = TOLERANCE_SECONDS) -> bool:
    """What a receiver does (the README shows the same in a few lines): the
    timestamp is recent and one ``v1`` matches the HMAC of ``"<t>.<body>"``."""
    parts = [p.partition("=") for p in (header or "").split(",")]
    timestamps = [v for k, _, v in parts if k.strip() == "t"]
    candidates = [v.strip() for k, _, v in parts if k.strip() == "v1"]
    if len(timestamps) != 1 or not timestamps[0].strip().isdigit() or not candidates:
        return False
    timestamp = int(timestamps[0])
    if abs((time.time() if now is None else now) - timestamp) > tolerance:
        return False
    expected = signature(secret, body, timestamp)
    return any(hmac.compare_digest(expected, c) for c in candidates)


def send(
    url: str,
    payload: dict,
    secrets: list[str],
    timeout: float,
    attempt: int = 1,
    now: float | None = None,
    allow=None,
    deadline: float | None = None,
) -> tuple[int | None, str | None, float]:
    """POST one event.  Returns ``(status code or None, error or None, milliseconds)``;
    any 2xx is a delivery, everything else an error worth retrying.  ``timeout`` is
    a hard deadline for the whole exchange (or ``deadline``, a ``time.monotonic()``
    value); ``allow`` the operator's allowed internal hosts (``targets.AllowList``).
    Never raises: whatever goes wrong is this one event's failed attempt."""
    if not url:
        return None, "the site has no webhook URL; set one with 'moderation sites set'", 0.0
    if not secrets:
        return None, "the site has no webhook secret; create one with 'moderation sites rotate-secret'", 0.0
    started = time.perf_counter()
    deadline = deadline if deadline is not None else time.monotonic() + timeout
    status = None
    try:
        target = targets.check(url, allow)
        body = body_bytes(payload)
        timestamp = int(time.time() if now is None else now)
        event_id = str(payload.get("id", ""))
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": USER_AGENT,
            **standard_headers(secrets, event_id, body, timestamp),
            SIGNATURE_HEADER: signature_header(secrets, body, timestamp),
            "X-Moderation-Event-Id": event_id,
            "X-Moderation-Event-Type": str(payload.get("type", "")),
            "X-Moderation-Attempt": str(attempt),
        }
        answer = http_post.post(target, headers, body, deadline)
        status, error = answer.status, None
        if not 200 <= status < 300:
            error = f"HTTP {status}"
            if 300 <= status < 400 and answer.location:
                error += f": redirected to {answer.location}; update the webhook URL"
    except targets.TargetRefused as exc:
        error = f"refused: {exc}"
    except http_post.PostError as exc:
        error = str(exc)
        if exc.connecting and target.internal:
            error = "could not connect (details are not shown for internal addresses)"
    except Exception as exc:  # noqa: BLE001 - one event's failure, never the worker's
        log.exception("webhook to %s failed unexpectedly", url[:200])
        error = f"unexpected error ({type(exc).__name__}); see the worker's log"
    elapsed = (time.perf_counter() - started) * 1000
    return status, error[:MAX_ERROR] if error else None, round(elapsed, 1)


def backoff(attempts: int, base: float, cap: float) -> float:
    """Seconds to wait after the ``attempts``-th failure: base, 2 x base, 4 x base, ... at most ``cap``."""
    return min(cap, base * 2 ** max(0, attempts - 1))
