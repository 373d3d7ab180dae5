"""``moderation serve``: gunicorn with the app factory, loaded once in the master.

The master builds the app (imports, models loaded and verified, the built-in
plugins run once: ``Pipeline.warm``) before it forks (``preload_app``): a
worker, the first or one started after a crash, is a copy of it and answers
at once, and the workers share the models' memory.  After
the fork each worker drops the database connections it inherited (none are
opened before, but a pool must never be shared between processes) and opens
the sentence encoder (its threads do not survive a fork).  Code changes need
a restart of the service: a ``HUP`` reloads the workers from the same app.

Each worker runs uvicorn's event loop (``moderation.web.worker``) with the
Flask app behind ``moderation.web.front``: requests are read whole on the loop
and only complete ones take one of the worker's few threads, so slow clients
(slowloris) cannot starve it.  See the README's "Operations" section.
"""

from gunicorn.app.base import BaseApplication

WORKER_CLASS = "moderation.web.worker.ModerationWorker"


class _Server(BaseApplication):
    def __init__(self, options, factory, threads):
        self.options = options
        self.factory = factory
        self.threads = threads
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from moderation.web.front import Front

        app = self.factory()
        app.extensions["moderation"].pipeline.warm()  # built once here, before the fork
        return Front(
            app,
            threads=self.threads,
            body_timeout=app.config["REQUEST_BODY_TIMEOUT"],
            request_timeout=app.config["REQUEST_TIMEOUT"],
        )


def options(host: str, port: int, workers: int) -> dict:
    from moderation.web import metrics_dir

    return {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": WORKER_CLASS,
        "accesslog": "-",
        # a request taking longer than this is stuck: the master restarts its worker
        "timeout": 60,
        # on SIGTERM a worker stops accepting and finishes what it has for this long
        "graceful_timeout": 10,
        "keepalive": 5,
        # a restarted master binds at once even while orphaned workers still hold the port
        "reuse_port": True,
        # the workers' metrics are summed over all of them
        "child_exit": metrics_dir.worker_exited,
        # the app is built once, in the master; workers are forked ready to answer
        "preload_app": True,
        "post_worker_init": worker_ready,
    }


def worker_ready(worker):
    """gunicorn's ``post_worker_init`` hook, in each worker after the fork: its own
    database connections, and the sentence encoder opened here, not on the first
    comment in doubt."""
    svc = worker.wsgi.app.extensions["moderation"]
    svc.db.after_fork()
    svc.models.encoder()


def run(factory, host: str, port: int, workers: int = 2, threads: int = 1):
    """Analysis is CPU work under the GIL and SQLite takes one writer at a time, so
    a few threads per process are enough (docs/BENCHMARKS.md); slow clients do not
    hold one.  Scale with ``workers`` (about one per core).  ``factory`` builds one app
    per worker (``moderation.app.create_app``; passed in, so the web package never
    imports the factory that imports it)."""
    from moderation import config
    from moderation.web import metrics_dir

    config.refuse_public_secret()
    metrics_dir.prepare_multiprocess()
    _Server(options(host, port, workers), factory, threads).run()
