"""Configuration from the environment, layered under a test config.

Every setting has one name here; the rest of the code reads ``app.config``.
"""

import os
from pathlib import Path

# spelled in the vocabulary; kept importable here for code written against 0.1.0
from moderation.vocabulary import DEFAULT_POLICY  # noqa: F401

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def from_environment(instance_path: str) -> dict:
    """Settings read from the environment, with the embedded defaults."""
    env = os.environ
    return {
        "DATABASE_URL": env.get("DATABASE_URL") or f"sqlite:///{Path(instance_path) / 'moderation.sqlite'}",
        # "1": DATABASE_URL points at PgBouncer in transaction pooling mode (no server-side prepared statements)
        "PGBOUNCER": env.get("MODERATION_PGBOUNCER", "0") == "1",
        "SECRET_KEY": env.get("MODERATION_SECRET_KEY") or "dev-only-change-me",
        # the moderator session cookie's Secure flag: "auto" (off only for plain http on localhost), "1" or "0"
        "SECURE_COOKIES": env.get("MODERATION_SECURE_COOKIES", "auto"),
        "MODELS_DIR": env.get("MODERATION_MODELS_DIR") or str(PROJECT_ROOT / "models"),
        # comma-separated names; empty means every built-in plus installed plugins
        "PLUGINS": [p.strip() for p in env.get("MODERATION_PLUGINS", "").split(",") if p.strip()],
        "DISABLED_PLUGINS": [p.strip() for p in env.get("MODERATION_DISABLED_PLUGINS", "").split(",") if p.strip()],
        "PLUGIN_BUDGET_MS": float(env.get("MODERATION_PLUGIN_BUDGET_MS", "500")),
        "MAX_TEXT_LENGTH": int(env.get("MODERATION_MAX_TEXT_LENGTH", "10000")),
        "MAX_BATCH": int(env.get("MODERATION_MAX_BATCH", "500")),
        "MODEL_RELOAD_SECONDS": float(env.get("MODERATION_MODEL_RELOAD_SECONDS", "3")),
        "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
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
        # the Commission's Transparency Database (moderation dsa submit): base URL and API token
        "TDB_URL": env.get("MODERATION_TDB_URL", ""),
        "TDB_TOKEN": env.get("MODERATION_TDB_TOKEN", ""),
    }
