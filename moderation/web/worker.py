"""The gunicorn worker class: uvicorn's event loop in front of the Flask app.

A worker whose master died (``kill -9``) notices within a second and shuts down
gracefully, so an orphan does not keep serving, and every listening socket is
opened with ``SO_REUSEPORT`` (``server.py``) so a new master binds at once anyway.
"""

import os
import signal

from uvicorn_worker import UvicornWorker


class ModerationWorker(UvicornWorker):
    # lifespan is answered by the front (moderation.web.front); h11 is pure Python and always there
    CONFIG_KWARGS = {"loop": "asyncio", "http": "h11", "lifespan": "on"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.config.timeout_notify = 1  # check on the master every second
        self.config.timeout_graceful_shutdown = max(1, self.cfg.graceful_timeout - 1)

    async def callback_notify(self) -> None:
        self.notify()
        if self.ppid != os.getppid():  # type: ignore[has-type]
            self.log.warning("worker %s: the master %s is gone, shutting down", self.pid, self.ppid)  # type: ignore[has-type]
            self.ppid = os.getppid()
            os.kill(self.pid, signal.SIGTERM)
