"""Runs the plugins over comments: each plugin in isolation, within a time budget.

pluggy stops calling implementations once one raises, so the pipeline calls
each ``moderation_analyze`` implementation on its own: a plugin that raises or
runs past the budget becomes an entry in ``analysis["errors"]``, the others
still run, and the comment goes to a human.  Every failure is logged with its
traceback and the plugin's name.

The built-in plugins (``host.DEFAULT_PLUGINS``) are trusted and fast: they run
in-line, with no thread hop.  A third-party plugin runs under its own
``guard.Guard`` (a daemon thread per call, a cap on hung calls, a circuit
breaker), so a plugin that hangs cannot starve the others.
"""

import logging
import time

from moderation.pipeline import host
from moderation.pipeline.guard import BudgetExceeded, Guard, GuardRefused
from moderation.vocabulary import STATUSES

log = logging.getLogger(__name__)
# what Pipeline.warm analyses: words of the lexicon's kinds, so its patterns and caches are built
WARM_TEXT = "Die ambtenaren zijn zakkenvullers en de raad beslist; wie komt er naar de inspraakavond?"


class PluginFailure(Exception):
    """A plugin call that failed; ``final``: retrying comment by comment would not help
    (over budget, or not run at all)."""

    def __init__(self, message, final=False):
        super().__init__(message)
        self.final = final


class Pipeline:
    def __init__(self, pm, models, config, workers=None):  # workers: ignored (there is no shared pool now)
        self.pm = pm
        self.models = models
        self.config = config
        self.budget = config.get("PLUGIN_BUDGET_MS", 500) / 1000.0
        self.max_hung = int(config.get("PLUGIN_MAX_HUNG", 4))
        self._guards: dict[str, Guard] = {}

    def close(self):
        """Nothing to shut down: hung third-party calls are daemon threads."""

    def guard(self, name) -> Guard:
        guard = self._guards.get(name)
        if guard is None:
            guard = self._guards.setdefault(name, Guard(name, max_hung=self.max_hung))
        return guard

    def skipped(self, policy: dict | None) -> frozenset:
        """The plugins a site's policy leaves out (``policy["plugins"]``: those that apply; absent: all)."""
        applies = (policy or {}).get("plugins")
        if applies is None:
            return frozenset()
        return frozenset(
            name for name, plugin in self.pm.list_name_plugin() if plugin is not None and name not in applies
        )

    def analyze(self, comments: list[dict], skip=frozenset()) -> list[dict]:
        """One analysis object (DESIGN.md) per comment; plugins named in ``skip`` do not run."""
        self.models.poll()
        analyses = [{"stance": None, "incivility": None, "tags": [], "models": {}, "errors": []} for _ in comments]
        # pluggy's call order: tryfirst, then the last registered first, trylast last
        for impl in reversed(self.pm.hook.moderation_analyze.get_hookimpls()):
            if impl.plugin_name in skip:
                continue
            for analysis, finding in zip(analyses, self._findings(impl, comments, analyses)):
                if finding:
                    _merge(analysis, finding)
        # the second tier: plugins that revise the merged analyses (e.g. the encoder, for comments in doubt);
        # one that fails or runs out of time leaves the first tier's verdict, noted in "skipped", not "errors"
        for impl in reversed(self.pm.hook.moderation_refine.get_hookimpls()):
            if impl.plugin_name in skip:
                continue
            for analysis, finding in zip(analyses, self._findings(impl, comments, analyses, "skipped")):
                if finding:
                    _merge(analysis, finding, replace=True)
        return analyses

    def warm(self) -> None:
        """Run the built-in analysis plugins once on a sample comment, so what they build on first
        use (the lexicon's patterns, per-word caches) is built now: ``moderation serve`` calls this
        in the master, before it forks the workers.  Refinement (the encoder, whose threads must
        start in each worker) and outside plugins (guarded by threads) do not run; a plugin that
        fails here fails again, and is reported, on the first comment."""
        sample = [{"text": WARM_TEXT, "site": None}]
        for impl in self.pm.hook.moderation_analyze.get_hookimpls():
            if host.is_builtin(impl.plugin):
                try:
                    self._call(impl, sample, [{}])
                except Exception:  # noqa: BLE001 - reported on the first real comment
                    log.info("warming plugin %s failed", _name(impl), exc_info=True)

    def _findings(self, impl, comments, analyses, record="errors"):
        try:
            return self._call(impl, comments, analyses)
        except PluginFailure as failure:
            log.error(
                "plugin %s failed in %s on %d comment(s): %s",
                _name(impl),
                impl.function.__name__,
                len(comments),
                failure,
                exc_info=failure.__cause__ or failure,
            )
            if len(comments) == 1 or failure.final:
                for analysis in analyses:
                    analysis.setdefault(record, []).append(
                        {"plugin": _name(impl), "hook": impl.function.__name__, "error": str(failure)}
                    )
                return [None] * len(comments)
        # the batch failed: find the comments this plugin fails on, one by one
        return [self._findings(impl, [c], [a], record)[0] for c, a in zip(comments, analyses)]

    def _call(self, impl, comments, analyses):
        kwargs = {"comments": comments, "analyses": analyses, "models": self.models, "config": self.config}
        args = {name: kwargs[name] for name in impl.argnames if name in kwargs}
        budget = self.budget * max(1.0, len(comments) / 10)
        started = time.perf_counter()
        try:
            if host.is_builtin(impl.plugin):
                result = impl.function(**args)
                elapsed = time.perf_counter() - started
                if elapsed > budget:  # trusted: its result stands, but someone should look
                    log.warning(
                        "built-in plugin %s took %.0f ms (budget %.0f ms)", _name(impl), elapsed * 1e3, budget * 1e3
                    )
            else:
                result = self.guard(impl.plugin_name).call(impl.function, args, budget)
        except BudgetExceeded as exc:
            raise PluginFailure(f"{exc} ({(time.perf_counter() - started) * 1000:.0f} ms)", final=True) from exc
        except GuardRefused as exc:
            raise PluginFailure(f"not run: {exc}", final=True) from exc
        except Exception as exc:
            raise PluginFailure(f"{type(exc).__name__}: {exc}") from exc
        if result is None:
            return [None] * len(comments)
        if not isinstance(result, list) or len(result) != len(comments):
            raise PluginFailure(f"returned {type(result).__name__} instead of a list of {len(comments)} findings")
        return result

    def decide(self, comment: dict, analysis: dict, policy: dict, skip=frozenset()) -> dict:
        """The status for an analysed comment; any plugin error means a human looks.

        The ``moderation_decide`` implementations are called one by one in pluggy's
        order (the first non-None result wins), so a failing one is named."""
        decision, by = self._first_decision(comment, analysis, policy, skip)
        decision = dict(decision or {"status": "pending", "urgent": False, "reason": "no policy decided"})
        if decision.get("status") not in STATUSES:
            error = f"invalid status {decision.get('status')!r}"
            log.error("plugin %s failed in moderation_decide: %s", by, error)
            analysis["errors"].append({"plugin": by, "hook": "moderation_decide", "error": error})
            decision["status"] = "pending"
        if analysis["errors"] and decision["status"] != "pending":
            decision.update(status="pending", reason="plugin error")
        decision.setdefault("urgent", False)
        decision.setdefault("reason", None)
        return decision

    def _first_decision(self, comment, analysis, policy, skip):
        kwargs = {"comment": comment, "analysis": analysis, "policy": policy}
        for impl in reversed(self.pm.hook.moderation_decide.get_hookimpls()):
            if impl.plugin_name in skip:
                continue
            try:
                if getattr(impl, "hookwrapper", False) or getattr(impl, "wrapper", False):
                    raise TypeError("moderation_decide does not support hook wrappers")
                decision = impl.function(**{name: kwargs[name] for name in impl.argnames if name in kwargs})
            except Exception as exc:  # a broken policy plugin must not lose the comment
                log.error("plugin %s failed in moderation_decide", _name(impl), exc_info=exc)
                analysis["errors"].append(
                    {"plugin": _name(impl), "hook": "moderation_decide", "error": f"{type(exc).__name__}: {exc}"}
                )
                return None, _name(impl)
            if decision is not None:
                return decision, _name(impl)
        return None, None

    def run(self, comments: list[dict], policy: dict) -> list[tuple[dict, dict]]:
        skip = self.skipped(policy)
        return [
            (analysis, self.decide(comment, analysis, policy, skip))
            for comment, analysis in zip(comments, self.analyze(comments, skip))
        ]


def _merge(analysis, finding, replace=False):
    for key in ("stance", "incivility"):
        if finding.get(key) is not None and (replace or analysis[key] is None):
            analysis[key] = finding[key]
    for tag in finding.get("tags") or ():
        if tag not in analysis["tags"]:
            analysis["tags"].append(tag)
    models = dict(finding.get("models") or {})
    scope = models.pop("scope", None)
    analysis["models"].update(models)
    if isinstance(scope, dict):  # which scope (shared, or the site's own) each task's model has
        analysis["models"].setdefault("scope", {}).update(scope)


def _name(impl) -> str:
    return host.display_name(impl.plugin, impl.plugin_name)
