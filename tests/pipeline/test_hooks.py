"""The plugin contract: every hook is tested, documented and isolated."""

import inspect
import sys
import threading

import pytest
from helpers.api import auth, comment

from moderation import hookimpl, hookspecs
from moderation.pipeline import host as plugin_host
from moderation.storage.tables import Comment


class Broken:
    """A plugin that raises on every comment."""

    @hookimpl
    def moderation_analyze(self, comments):
        raise ZeroDivisionError("deliberately broken")


class Slow:
    """A plugin that takes far longer than the budget."""

    def __init__(self):
        self.release = threading.Event()

    @hookimpl
    def moderation_analyze(self, comments):
        self.release.wait(5)
        return [{"tags": ["slow"]} for _ in comments]


class Picky:
    """Fails only on comments that mention 'boem', analyses the rest."""

    @hookimpl
    def moderation_analyze(self, comments):
        if any("boem" in c["text"] for c in comments):
            raise ValueError("boem")
        return [{"tags": ["picky"]} for _ in comments]


def test_every_hook_is_documented_and_tested():
    specs = [name for name, _ in inspect.getmembers(hookspecs, inspect.isfunction) if name.startswith("moderation_")]
    assert specs, "no hooks found"
    module = sys.modules[__name__]
    for name in specs:
        spec = getattr(hookspecs, name)
        assert spec.__doc__ and ("All implementations run" in spec.__doc__ or "Stops at the first" in spec.__doc__)
        assert hasattr(module, f"test_hook_{name}"), f"no test_hook_{name}"


def test_hook_moderation_analyze(make_app, site):
    """A plugin's findings are merged into the analysis; built-ins still give stance and incivility."""

    class Tagger:
        @hookimpl
        def moderation_analyze(self, comments, config):
            assert config["MAX_TEXT_LENGTH"] == 10000
            return [{"tags": ["extra", "reply"]} if "@" in c["text"] else None for c in comments]

    app = make_app(extra_plugins=[Tagger()])
    [first, second] = app.extensions["moderation"].pipeline.analyze([{"text": "@Joke eens!"}, {"text": "Goed plan."}])
    assert "extra" in first["tags"] and first["tags"].count("reply") == 1
    assert "extra" not in second["tags"]
    assert first["stance"]["label"] and first["incivility"] is not None and first["errors"] == []


def test_hook_moderation_refine(make_app, site):
    """A second-tier plugin sees the merged analyses and may replace the stance of those it doubts;
    where it raises, the first tier's verdict stands and the failure is noted in "skipped"."""

    class Second:
        @hookimpl
        def moderation_refine(self, comments, analyses):
            assert all(a["stance"] and a["incivility"] is not None for a in analyses)
            if any("boem" in c["text"] for c in comments):
                raise ValueError("boem")
            return [
                {"stance": dict(a["stance"], label="neutral"), "models": {"second": "1"}} if "?" in c["text"] else None
                for c, a in zip(comments, analyses)
            ]

    app = make_app(extra_plugins=[Second()])
    pipeline = app.extensions["moderation"].pipeline
    [asked, kept, broken] = pipeline.analyze(
        [{"text": "Wie beslist hier eigenlijk?"}, {"text": "Laat de wijk zelf beslissen!"}, {"text": "boem"}]
    )
    assert asked["stance"]["label"] == "neutral" and asked["models"]["second"] == "1" and not asked["errors"]
    assert "second" not in kept["models"] and kept["stance"]["label"] and not kept["errors"]
    assert not broken["errors"] and broken["skipped"][0]["error"] == "ValueError: boem"
    assert broken["stance"]["label"]  # the first tier's verdict stands


def test_hook_moderation_decide(make_app, site):
    """The first non-None decision wins over the built-in policy, which is trylast."""

    class Strict:
        @hookimpl
        def moderation_decide(self, comment, analysis):
            return {"status": "rejected", "urgent": False, "reason": "strict"} if "ja" in comment["text"] else None

    app = make_app(extra_plugins=[Strict()])
    client = app.test_client()
    from moderation.storage import comments as records

    site = records.create_site(app.extensions["moderation"].db, "s")
    assert (
        client.post("/api/v1/comments", json=comment("c1", "ja hoor"), headers=auth(site)).get_json()["status"]
        == "rejected"
    )
    assert (
        client.post("/api/v1/comments", json=comment("c2", "Goed plan van de raad."), headers=auth(site)).get_json()[
            "status"
        ]
        != "rejected"
    )


def test_a_broken_plugin_sends_the_comment_to_a_human(make_app):
    app = make_app(extra_plugins=[Broken()])
    from moderation.storage import comments as records

    site = records.create_site(app.extensions["moderation"].db, "s")
    r = app.test_client().post("/api/v1/comments", json=comment("c1", "Goed plan van de raad."), headers=auth(site))
    assert r.status_code == 201
    body = r.get_json()
    assert body["status"] == "pending"
    [error] = body["analysis"]["errors"]
    assert error["hook"] == "moderation_analyze" and "ZeroDivisionError: deliberately broken" in error["error"]
    # the other plugins still ran, and the comment is stored
    assert body["analysis"]["stance"]["label"] and body["analysis"]["incivility"] is not None
    assert records.count_rows(app.extensions["moderation"].db, Comment) == 1


def test_a_slow_plugin_is_cut_off_at_the_budget(make_app):
    slow = Slow()
    app = make_app(extra_plugins=[slow], PLUGIN_BUDGET_MS=50)
    try:
        [analysis] = app.extensions["moderation"].pipeline.analyze([{"text": "Goed plan."}])
    finally:
        slow.release.set()
    assert "slow" not in analysis["tags"]
    assert "budget" in analysis["errors"][0]["error"]
    assert analysis["stance"] is not None


def test_a_plugin_failing_on_one_comment_of_a_batch_spares_the_others(make_app):
    app = make_app(extra_plugins=[Picky()])
    analyses = app.extensions["moderation"].pipeline.analyze([{"text": "rustig"}, {"text": "boem"}, {"text": "stil"}])
    assert [bool(a["errors"]) for a in analyses] == [False, True, False]
    assert "picky" in analyses[0]["tags"] and "picky" not in analyses[1]["tags"]


def test_a_plugin_returning_the_wrong_shape_is_an_error(make_app):
    class Wrong:
        @hookimpl
        def moderation_analyze(self, comments):
            return {"tags": ["x"]}

    app = make_app(extra_plugins=[Wrong()])
    [analysis] = app.extensions["moderation"].pipeline.analyze([{"text": "x"}])
    assert "instead of a list" in analysis["errors"][0]["error"]


def test_a_broken_policy_still_stores_the_comment_pending(make_app):
    class BadPolicy:
        @hookimpl(tryfirst=True)
        def moderation_decide(self):
            raise RuntimeError("policy down")

    app = make_app(extra_plugins=[BadPolicy()])
    from moderation.storage import comments as records

    site = records.create_site(app.extensions["moderation"].db, "s")
    body = app.test_client().post("/api/v1/comments", json=comment(), headers=auth(site)).get_json()
    assert body["status"] == "pending" and "policy down" in body["analysis"]["errors"][0]["error"]


def test_plugins_can_be_disabled_or_selected_by_configuration():
    names = lambda pm: {name for name, plugin in pm.list_name_plugin() if plugin is not None}  # noqa: E731
    assert names(plugin_host.build_manager()) >= {"stance", "incivility", "tags", "policy"}
    assert "tags" not in names(plugin_host.build_manager(disabled=["tags"]))
    assert names(plugin_host.build_manager(enabled=["stance", "policy"])) == {"stance", "policy"}


def test_disabled_plugin_leaves_its_part_empty(make_app):
    app = make_app(DISABLED_PLUGINS=["tags"])
    [analysis] = app.extensions["moderation"].pipeline.analyze([{"text": "@Joke waarom? https://x.nl"}])
    assert analysis["tags"] == [] and analysis["stance"] is not None


def test_entry_point_plugins_are_loaded(monkeypatch):
    import importlib.metadata

    class FakeEntryPoint:
        name = "thirdparty"
        group = "moderation"

        def load(self):
            return Picky()

    monkeypatch.setattr(
        importlib.metadata, "entry_points", lambda **kw: [FakeEntryPoint()] if kw.get("group") == "moderation" else []
    )
    pm = plugin_host.build_manager(enabled=["thirdparty", "stance"])
    assert pm.get_plugin("thirdparty") is not None


def test_describe_lists_plugins_and_hooks():
    rows = {row["name"]: row for row in plugin_host.describe(plugin_host.build_manager())}
    assert rows["policy"]["hooks"] == ["moderation_decide"]
    assert rows["stance"]["hooks"] == ["moderation_analyze"]


def test_misspelt_hook_is_refused_at_start_up():
    class Typo:
        @hookimpl
        def moderation_analyse(self, comments):
            return None

    with pytest.raises(Exception, match="moderation_analyse"):
        plugin_host.build_manager(extra=[Typo()])


def test_warming_runs_only_the_built_in_analysis(make_app):
    """``Pipeline.warm`` (``moderation serve``'s master, before the fork) builds what the built-in
    plugins build on first use, the lexicon's patterns among them, and runs neither outside
    plugins (their guard threads would not survive the fork) nor refinement (the encoder's)."""
    from plugins import lexicon

    calls = []

    class Outside:
        @hookimpl
        def moderation_analyze(self, comments):
            calls.append("analyze")

        @hookimpl
        def moderation_refine(self, comments, analyses):
            calls.append("refine")

    app = make_app(extra_plugins=[Outside()])
    lexicon.load.cache_clear()
    app.extensions["moderation"].pipeline.warm()
    assert lexicon.load.cache_info().currsize == 1
    assert calls == []
