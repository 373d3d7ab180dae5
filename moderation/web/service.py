"""Per-app state: the database, plugins, models and pipeline of one app.

Lives in ``app.extensions["moderation"]``; nothing here is module-global.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

import pluggy
from flask import current_app

from moderation.ml.model_store import ModelStore
from moderation.pipeline.runner import Pipeline
from moderation.storage.database import Database
from moderation.web.metrics import Metrics


@dataclass
class Service:
    db: Database
    models: ModelStore
    pm: pluggy.PluginManager
    pipeline: Pipeline
    metrics: Metrics

    def close(self):
        self.pipeline.close()
        self.db.dispose()


def build(config, extra_plugins=(), models=None) -> Service:
    from moderation.pipeline import host as plugin_host
    from moderation.storage import comments as records
    from moderation.storage import outbox
    from moderation.web.metrics import StateGauge

    db = Database(
        config["DATABASE_URL"],
        site_cache_seconds=config.get("SITE_CACHE_SECONDS", 2.0),
        prepare_threshold=None if config["PGBOUNCER"] else 5,
        connect_timeout=config.get("DB_CONNECT_TIMEOUT", 3),
        pool_timeout=config.get("DB_POOL_TIMEOUT", 5),
        statement_timeout=config.get("DB_STATEMENT_TIMEOUT", 15),
    )
    if models is None:
        models = ModelStore(
            config["MODELS_DIR"],
            reload_seconds=config["MODEL_RELOAD_SECONDS"],
            encoder=config.get("ENCODER", "on"),
            encoder_threads=config.get("ENCODER_THREADS", 1),
        )
        models.poll(force=True)  # load and verify at start-up, not on the first comment
    pm = plugin_host.build_manager(config["PLUGINS"], config["DISABLED_PLUGINS"], extra_plugins)
    metrics = Metrics(lambda: records.count_comments(db))
    metrics.add_collector(
        StateGauge(
            "moderation_webhook_events",
            "Webhook events by state; alert on parked",
            "state",
            lambda: outbox.count_by_state(db),
        )
    )
    return Service(db=db, models=models, pm=pm, pipeline=Pipeline(pm, models, config), metrics=metrics)


def current() -> Service:
    return current_app.extensions["moderation"]


def now() -> datetime:
    """The current moment (aware, UTC): ``app.config["CLOCK"]()`` when a test set one, else the system clock."""
    clock = current_app.config.get("CLOCK")
    return clock() if clock else datetime.now(UTC)
