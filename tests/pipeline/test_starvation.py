"""A pipeline that cannot be starved: hung third-party plugins, in-line built-ins, named failures."""

import logging
import threading
import time

from moderation import hookimpl
from moderation.pipeline.guard import BudgetExceeded, Guard, GuardRefused


class Hangs:
    """A third-party plugin whose every call hangs until released."""

    def __init__(self):
        self.release = threading.Event()
        self.started = 0

    @hookimpl
    def moderation_analyze(self, comments):
        self.started += 1
        self.release.wait(30)
        return [{"tags": ["late"]} for _ in comments]


class Quick:
    """A well-behaved third-party plugin."""

    @hookimpl
    def moderation_analyze(self, comments):
        return [{"tags": ["quick"]} for _ in comments]


def test_more_hung_calls_than_threads_starve_nothing(make_app):
    hangs = Hangs()
    app = make_app(extra_plugins=[hangs, Quick()], PLUGIN_BUDGET_MS=40, PLUGIN_MAX_HUNG=3)
    pipeline = app.extensions["moderation"].pipeline
    try:
        for i in range(20):  # the old pool had 8 threads: the 9th comment was over budget everywhere
            started = time.perf_counter()
            [analysis] = pipeline.analyze([{"text": f"@Joke waarom? {i}"}])
            elapsed = time.perf_counter() - started
            assert "quick" in analysis["tags"] and "reply" in analysis["tags"], i
            assert analysis["stance"] is not None and analysis["incivility"] is not None
            [error] = analysis["errors"]
            assert error["plugin"].endswith("Hangs") and "late" not in analysis["tags"]
            assert elapsed < 2.0
        # at most max_hung calls were ever started and left hanging; the rest failed at once
        assert hangs.started == 3
        assert "still running past their budget" in error["error"]
        assert threading.active_count() < 20
    finally:
        hangs.release.set()


def test_a_hung_plugin_gets_its_calls_back_when_it_recovers():
    release = threading.Event()
    guard = Guard("p", max_hung=1, failures_to_open=100)
    try:
        guard.call(lambda: release.wait(5), {}, 0.01)
    except BudgetExceeded:
        pass
    try:
        guard.call(lambda: 1, {}, 0.01)
        raise AssertionError("a guard at its cap must refuse")
    except GuardRefused:
        pass
    release.set()
    for _ in range(100):
        if guard.state()["hung"] == 0:
            break
        time.sleep(0.01)
    assert guard.call(lambda: 2, {}, 1.0) == 2


def test_the_circuit_opens_after_failures_in_a_row_and_closes_after_the_cooldown():
    now = [0.0]
    guard = Guard("p", failures_to_open=3, cooldown=10, clock=lambda: now[0])
    calls = []

    def broken():
        calls.append(1)
        raise ValueError("down")

    for _ in range(3):
        try:
            guard.call(broken, {}, 1.0)
        except ValueError:
            pass
    try:
        guard.call(broken, {}, 1.0)
        raise AssertionError("the circuit should be open")
    except GuardRefused as exc:
        assert "circuit open" in str(exc)
    assert len(calls) == 3
    now[0] = 11.0
    assert guard.call(lambda: "ok", {}, 1.0) == "ok"
    assert guard.state() == {"hung": 0, "failures": 0, "open": False}


def test_built_in_plugins_run_in_line_without_a_thread_hop(make_app):
    seen = []

    class Spy:
        @hookimpl
        def moderation_analyze(self, comments):
            seen.append(threading.current_thread())
            return None

    app = make_app(extra_plugins=[Spy()])
    pipeline = app.extensions["moderation"].pipeline
    pm = app.extensions["moderation"].pm
    builtin = [i for i in pm.hook.moderation_analyze.get_hookimpls() if i.plugin_name == "tags"][0]
    original = builtin.function

    def watched(**kwargs):
        seen.append(("tags", threading.current_thread()))
        return original(**kwargs)

    builtin.function = watched
    pipeline.analyze([{"text": "x"}])
    assert ("tags", threading.current_thread()) in seen  # in-line
    assert [t for t in seen if isinstance(t, threading.Thread)] != [threading.current_thread()]  # Spy: its own thread


def test_every_plugin_failure_is_logged_with_traceback_and_name(make_app, caplog):
    class Broken:  # registered without a name
        @hookimpl
        def moderation_analyze(self, comments):
            raise ZeroDivisionError("analyse broken")

        @hookimpl(tryfirst=True)
        def moderation_decide(self):
            raise RuntimeError("decide broken")

    app = make_app(extra_plugins=[Broken()])
    pipeline = app.extensions["moderation"].pipeline
    with caplog.at_level(logging.ERROR, logger="moderation.pipeline.runner"):
        [(analysis, decision)] = pipeline.run([{"text": "Goed plan."}], {})
    assert decision["status"] == "pending"
    names = {e["plugin"] for e in analysis["errors"]}
    assert all(name.endswith("Broken") and not name.isdigit() for name in names), names
    assert {e["hook"] for e in analysis["errors"]} == {"moderation_analyze", "moderation_decide"}
    records = [r for r in caplog.records if "Broken" in r.getMessage()]
    assert any("moderation_analyze" in r.getMessage() for r in records)
    assert any("moderation_decide" in r.getMessage() for r in records)
    tracebacks = "".join(caplog.text)
    assert "Traceback" in tracebacks and "ZeroDivisionError: analyse broken" in tracebacks
    assert "RuntimeError: decide broken" in tracebacks
