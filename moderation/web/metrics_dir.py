"""The directory where the server's worker processes keep their metrics.

Kept apart from ``metrics`` on purpose: prometheus_client decides at import
time whether it runs in multiprocess mode, so the server's master process must
set ``PROMETHEUS_MULTIPROC_DIR`` before anything imports it.
"""

import glob
import os
import tempfile

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"


def prepare_multiprocess() -> str:
    """In the server's master process, before workers import prometheus_client: a
    directory for the workers' values (``PROMETHEUS_MULTIPROC_DIR`` if the operator
    set one, else a new temporary one), emptied of a previous run's files."""
    path = os.environ.get(MULTIPROC_ENV) or tempfile.mkdtemp(prefix="moderation-metrics-")
    os.makedirs(path, exist_ok=True)
    for stale in glob.glob(os.path.join(path, "*.db")):
        os.unlink(stale)
    os.environ[MULTIPROC_ENV] = path
    return path


def worker_exited(server, worker):
    """gunicorn's ``child_exit`` hook: an exited worker's live gauges are dropped
    (its counters stay in the sum)."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
