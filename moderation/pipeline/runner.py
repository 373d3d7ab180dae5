"""Runs the plugins over comments: each plugin in isolation, within a time budget.

pluggy stops calling implementations once one raises, so the pipeline calls
each ``moderation_analyze`` implementation on its own: a plugin that raises or
runs past the budget becomes an entry in ``analysis["errors"]``, the others
still run, and the comment goes to a human.
"""

import concurrent.futures
import time

from moderation.vocabulary import STATUSES


class PluginFailure(Exception):
    pass


class Pipeline:
    def __init__(self, pm, models, config, workers=8):
        self.pm = pm
        self.models = models
        self.config = config
        self.budget = config.get("PLUGIN_BUDGET_MS", 500) / 1000.0
        self._pool = concurrent.futures.ThreadPoolExecutor(max_workers=workers, thread_name_prefix="plugin")

    def close(self):
        self._pool.shutdown(wait=False, cancel_futures=True)

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
        return analyses

    def _findings(self, impl, comments, analyses):
        try:
            return self._call(impl, comments)
        except PluginFailure as failure:
            if len(comments) == 1 or "budget" in str(failure):
                for analysis in analyses:
                    analysis["errors"].append(
                        {"plugin": impl.plugin_name, "hook": "moderation_analyze", "error": str(failure)}
                    )
                return [None] * len(comments)
        # the batch failed: find the comments this plugin fails on, one by one
        return [self._findings(impl, [c], [a])[0] for c, a in zip(comments, analyses)]

    def _call(self, impl, comments):
        kwargs = {"comments": comments, "models": self.models, "config": self.config}
        args = {name: kwargs[name] for name in impl.argnames if name in kwargs}
        budget = self.budget * max(1.0, len(comments) / 10)
        started = time.perf_counter()
        future = self._pool.submit(impl.function, **args)
        try:
            result = future.result(timeout=budget)
        except concurrent.futures.TimeoutError:
            future.cancel()
            raise PluginFailure(
                f"exceeded the {budget * 1000:.0f} ms budget ({(time.perf_counter() - started) * 1000:.0f} ms)"
            ) from None
        except Exception as exc:
            raise PluginFailure(f"{type(exc).__name__}: {exc}") from exc
        if result is None:
            return [None] * len(comments)
        if not isinstance(result, list) or len(result) != len(comments):
            raise PluginFailure(f"returned {type(result).__name__} instead of a list of {len(comments)} findings")
        return result

    def decide(self, comment: dict, analysis: dict, policy: dict, skip=frozenset()) -> dict:
        """The status for an analysed comment; any plugin error means a human looks."""
        hook = self.pm.hook.moderation_decide
        if skip:
            hook = self.pm.subset_hook_caller("moderation_decide", [self.pm.get_plugin(name) for name in skip])
        try:
            decision = hook(comment=comment, analysis=analysis, policy=policy)
        except Exception as exc:  # a broken policy plugin must not lose the comment
            analysis["errors"].append(
                {"plugin": "?", "hook": "moderation_decide", "error": f"{type(exc).__name__}: {exc}"}
            )
            decision = None
        decision = dict(decision or {"status": "pending", "urgent": False, "reason": "no policy decided"})
        if decision.get("status") not in STATUSES:
            analysis["errors"].append(
                {"plugin": "?", "hook": "moderation_decide", "error": f"invalid status {decision.get('status')!r}"}
            )
            decision["status"] = "pending"
        if analysis["errors"] and decision["status"] != "pending":
            decision.update(status="pending", reason="plugin error")
        decision.setdefault("urgent", False)
        decision.setdefault("reason", None)
        return decision

    def run(self, comments: list[dict], policy: dict) -> list[tuple[dict, dict]]:
        skip = self.skipped(policy)
        return [
            (analysis, self.decide(comment, analysis, policy, skip))
            for comment, analysis in zip(comments, self.analyze(comments, skip))
        ]


def _merge(analysis, finding):
    for key in ("stance", "incivility"):
        if finding.get(key) is not None and analysis[key] is None:
            analysis[key] = finding[key]
    for tag in finding.get("tags") or ():
        if tag not in analysis["tags"]:
            analysis["tags"].append(tag)
    analysis["models"].update(finding.get("models") or {})
