"""Configuration from the environment, layered under a test config.

Every setting has one name here; the rest of the code reads ``app.config``.
"""

import os
from pathlib import Path

# spelled in the vocabulary; kept importable here for code written against 0.1.0
from moderation.vocabulary import DEFAULT_POLICY  # noqa: F401

# the published default: fine for a command run by hand, never for a server (see refuse_public_secret)
PUBLIC_SECRET_KEY = "dev-only-change-me"

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def from_environment(instance_path: str) -> dict:
    """Settings read from the environment, with the embedded defaults."""
    env = os.environ
    return {
        "DATABASE_URL": env.get("DATABASE_URL") or f"sqlite:///{Path(instance_path) / 'moderation.sqlite'}",
        # "1": DATABASE_URL points at PgBouncer in transaction pooling mode (no server-side prepared statements)
        "PGBOUNCER": env.get("MODERATION_PGBOUNCER", "0") == "1",
        "SECRET_KEY": env.get("MODERATION_SECRET_KEY") or PUBLIC_SECRET_KEY,
        # the moderator session cookie's Secure flag: "auto" (off only for plain http on localhost), "1" or "0"
        "SECURE_COOKIES": env.get("MODERATION_SECURE_COOKIES", "auto"),
        "MODELS_DIR": env.get("MODERATION_MODELS_DIR") or str(PROJECT_ROOT / "models"),
        # comma-separated names; empty means every built-in plus installed plugins
        "PLUGINS": [p.strip() for p in env.get("MODERATION_PLUGINS", "").split(",") if p.strip()],
        "DISABLED_PLUGINS": [p.strip() for p in env.get("MODERATION_DISABLED_PLUGINS", "").split(",") if p.strip()],
        "PLUGIN_BUDGET_MS": float(env.get("MODERATION_PLUGIN_BUDGET_MS", "500")),
        # calls of one third-party plugin left running past the budget before its further calls fail at once
        "PLUGIN_MAX_HUNG": int(env.get("MODERATION_PLUGIN_MAX_HUNG", "4")),
        # how long a worker trusts the site it found for an API key (a rotated key stops within this)
        "SITE_CACHE_SECONDS": float(env.get("MODERATION_SITE_CACHE_SECONDS", "2")),
        # how long a moderator may undo their own last decision (the queue's "u", "Ongedaan maken")
        "UNDO_SECONDS": float(env.get("MODERATION_UNDO_SECONDS", "120")),
        "MAX_TEXT_LENGTH": int(env.get("MODERATION_MAX_TEXT_LENGTH", "10000")),
        "MAX_BATCH": int(env.get("MODERATION_MAX_BATCH", "500")),
        "MODEL_RELOAD_SECONDS": float(env.get("MODERATION_MODEL_RELOAD_SECONDS", "3")),
        "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
        # seconds a client has to send a request body once its headers arrived (408 after)
        "REQUEST_BODY_TIMEOUT": float(env.get("MODERATION_REQUEST_BODY_TIMEOUT", "30")),
        # seconds before a request still without an answer gets 503 (the worker's timeout is 60)
        "REQUEST_TIMEOUT": float(env.get("MODERATION_REQUEST_TIMEOUT", "30")),
        # database: seconds to connect, to wait for a pooled connection, and for one statement
        "DB_CONNECT_TIMEOUT": float(env.get("MODERATION_DB_CONNECT_TIMEOUT", "3")),
        "DB_POOL_TIMEOUT": float(env.get("MODERATION_DB_POOL_TIMEOUT", "5")),
        "DB_STATEMENT_TIMEOUT": float(env.get("MODERATION_DB_STATEMENT_TIMEOUT", "15")),
        # a site without its own --rate-limit: requests per second and burst
        "RATE_LIMIT_PER_SECOND": float(env.get("MODERATION_RATE_LIMIT_PER_SECOND", "50")),
        "RATE_LIMIT_BURST": int(env.get("MODERATION_RATE_LIMIT_BURST", "200")),
        # when set, /metrics answers only to "Authorization: Bearer <token>" (Prometheus: bearer_token)
        "METRICS_TOKEN": env.get("MODERATION_METRICS_TOKEN") or None,
        # webhooks: a hard deadline in seconds for one delivery (connect, send, answer), a lease of
        # that plus the margin per event; attempts before an event is parked; backoff base and cap
        "WEBHOOK_TIMEOUT": float(env.get("MODERATION_WEBHOOK_TIMEOUT", "10")),
        "WEBHOOK_LEASE_MARGIN_SECONDS": float(env.get("MODERATION_WEBHOOK_LEASE_MARGIN_SECONDS", "5")),
        # internal hosts and networks webhooks may go to anyway, e.g. "127.0.0.1,10.0.0.0/8,hooks.internal"
        "WEBHOOK_ALLOW_HOSTS": env.get("MODERATION_WEBHOOK_ALLOW_HOSTS", ""),
        "WEBHOOK_MAX_ATTEMPTS": int(env.get("MODERATION_WEBHOOK_MAX_ATTEMPTS", "15")),
        "WEBHOOK_BACKOFF_SECONDS": float(env.get("MODERATION_WEBHOOK_BACKOFF_SECONDS", "30")),
        "WEBHOOK_BACKOFF_MAX_SECONDS": float(env.get("MODERATION_WEBHOOK_BACKOFF_MAX_SECONDS", "21600")),
        # deliveries one worker has in flight at once (each to a different site)
        "WORKER_BATCH": int(env.get("MODERATION_WORKER_BATCH", "20")),
        "WORKER_POLL_SECONDS": float(env.get("MODERATION_WORKER_POLL_SECONDS", "2")),
        # GET /api/v1/decisions: page size, and how old a decision must be before it is listed
        # (so a transaction still committing cannot slip in behind a site's cursor)
        "DECISIONS_PAGE_SIZE": int(env.get("MODERATION_DECISIONS_PAGE_SIZE", "100")),
        "DECISIONS_SETTLE_SECONDS": float(env.get("MODERATION_DECISIONS_SETTLE_SECONDS", "5")),
        # the sentence encoder consulted for stance in doubt (plugins/encoder.py): "on" or "off"
        "ENCODER": env.get("MODERATION_ENCODER", "on"),
        # its threads per process: 1 keeps gunicorn workers from fighting over the cores
        "ENCODER_THREADS": int(env.get("MODERATION_ENCODER_THREADS", "1")),
        # where the training corpus's embeddings are cached (by text hash), outside git
        "CACHE_DIR": env.get("MODERATION_CACHE_DIR") or str(PROJECT_ROOT / ".cache"),
        # a model-only incivility score in [low, high) is doubt: a human looks, no automatic category
        "DOUBT_BAND": _band(env.get("MODERATION_DOUBT_BAND", "0.5,0.9")),
        # site models: the moderator-labelled examples a site needs before it gets its own model
        "SITE_MODEL_MIN_EXAMPLES": int(env.get("MODERATION_SITE_MODEL_MIN_EXAMPLES", "300")),
        # how many times a moderator-labelled example counts in training (they are real comments)
        "FEEDBACK_WEIGHT": int(env.get("MODERATION_FEEDBACK_WEIGHT", "3")),
        # the share of automatic approvals and rejections that also go to the audit sample ("steekproef")
        "AUDIT_SAMPLE_SHARE": float(env.get("MODERATION_AUDIT_SAMPLE_SHARE", "0.02")),
        # after a promotion: at most this many pending comments are re-scored with the new model
        "RESCORE_LIMIT": int(env.get("MODERATION_RESCORE_LIMIT", "5000")),
        # the Commission's Transparency Database (moderation dsa submit): base URL and API token
        "TDB_URL": env.get("MODERATION_TDB_URL", ""),
        "TDB_TOKEN": env.get("MODERATION_TDB_TOKEN", ""),
    }


def refuse_public_secret(secret_key: str | None = None):
    """Stop a server that would sign sessions with the published default key."""
    key = secret_key if secret_key is not None else os.environ.get("MODERATION_SECRET_KEY", "")
    if not key or key == PUBLIC_SECRET_KEY:
        raise SystemExit(
            "refusing to serve without MODERATION_SECRET_KEY: set it to a long random value, e.g.\n"
            "  export MODERATION_SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_urlsafe(48))')\n"
            "('make run' makes one for the demo in instance/secret_key)"
        )


def _band(value: str) -> tuple[float, float]:
    """``"low,high"`` as two floats with 0 <= low <= high <= 1."""
    try:
        low, high = (float(v) for v in value.split(","))
    except ValueError:
        raise ValueError(f"MODERATION_DOUBT_BAND={value!r}: give two numbers, e.g. 0.5,0.9") from None
    if not 0 <= low <= high <= 1:
        raise ValueError(f"MODERATION_DOUBT_BAND={value!r}: need 0 <= low <= high <= 1")
    return low, high
