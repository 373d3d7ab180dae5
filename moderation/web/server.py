"""``moderation serve``: gunicorn with the app factory, one app per worker."""

from gunicorn.app.base import BaseApplication


class _Server(BaseApplication):
    def __init__(self, options, factory):
        self.options = options
        self.factory = factory
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        return self.factory()


def run(factory, host: str, port: int, workers: int = 2, threads: int = 1):
    """One thread per worker by default: analysis is CPU work under the GIL and
    SQLite takes one writer at a time, so more threads per process only queue
    (measured: 236 against 93 requests/s on SQLite, 202 against 82 on PostgreSQL,
    docs/BENCHMARKS.md).  Scale with ``workers`` (about one per core).  ``factory``
    builds one app per worker (``moderation.app.create_app``; passed in, so the web
    package never imports the factory that imports it).
    The workers' metrics are summed over all of them (``metrics_dir.prepare_multiprocess``)."""
    from moderation.web import metrics_dir

    metrics_dir.prepare_multiprocess()
    _Server(
        {
            "bind": f"{host}:{port}",
            "workers": workers,
            "threads": threads,
            "worker_class": "gthread",
            "accesslog": "-",
            "timeout": 60,
            "graceful_timeout": 10,
            "child_exit": metrics_dir.worker_exited,
        },
        factory,
    ).run()
