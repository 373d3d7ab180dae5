"""Runs an untrusted (third-party) plugin call within a time budget that a hung plugin cannot exhaust.

Each call runs on its own daemon thread, so a call that never returns holds only
that thread, never a slot another plugin needs.  Per plugin, a ``Guard`` keeps:

- a cap on calls still running past their budget (``max_hung``): once a plugin
  has that many, its further calls fail at once instead of starting threads
  (the number of threads a misbehaving plugin can pin is bounded);
- a circuit breaker: after ``failures_to_open`` failures in a row the plugin is
  skipped (failing fast) for ``cooldown`` seconds, then one call is let
  through; a success closes the circuit again.

Built-in plugins are trusted and do not go through a guard (see runner.py).
"""

import threading
import time


class GuardRefused(Exception):
    """The call was not started: too many hung calls, or the circuit is open."""


class BudgetExceeded(Exception):
    pass


class _Call:
    __slots__ = ("done", "result", "error")

    def __init__(self):
        self.done = threading.Event()
        self.result = None
        self.error = None


class Guard:
    def __init__(self, name, max_hung=4, failures_to_open=5, cooldown=30.0, clock=time.monotonic):
        self.name = name
        self.max_hung = max_hung
        self.failures_to_open = failures_to_open
        self.cooldown = cooldown
        self.clock = clock
        self.hung = 0
        self.failures = 0
        self.open_until = 0.0
        self._lock = threading.Lock()

    def state(self) -> dict:
        with self._lock:
            return {"hung": self.hung, "failures": self.failures, "open": self.clock() < self.open_until}

    def call(self, function, kwargs, budget):
        """``function(**kwargs)`` within ``budget`` seconds: its result, its exception,
        ``BudgetExceeded`` or ``GuardRefused``."""
        with self._lock:
            if self.hung >= self.max_hung:
                raise GuardRefused(f"{self.hung} earlier calls are still running past their budget; not called")
            if self.clock() < self.open_until:
                raise GuardRefused(
                    f"circuit open after {self.failures} failures in a row; retried in "
                    f"{self.open_until - self.clock():.0f} s"
                )
        call = _Call()
        thread = threading.Thread(
            target=self._run, args=(call, function, kwargs), name=f"plugin-{self.name}", daemon=True
        )
        thread.start()
        if not call.done.wait(budget):
            with self._lock:
                if not call.done.is_set():  # finished between the wait and the lock: not hung
                    self.hung += 1
                    call.error = _HUNG
                    self._failed()
            if call.error is _HUNG:
                raise BudgetExceeded(f"exceeded the {budget * 1000:.0f} ms budget")
        if call.error is not None and call.error is not _HUNG:
            with self._lock:
                self._failed()
            raise call.error
        with self._lock:
            self.failures = 0
        return call.result

    def _failed(self):
        self.failures += 1
        if self.failures >= self.failures_to_open:
            self.open_until = self.clock() + self.cooldown

    def _run(self, call, function, kwargs):
        try:
            call.result = function(**kwargs)
        except BaseException as exc:  # handed to the caller, who logs it with the plugin's name
            with self._lock:
                if call.error is None:
                    call.error = exc
        finally:
            with self._lock:
                if call.error is _HUNG:
                    self.hung -= 1
                call.done.set()


_HUNG = object()
