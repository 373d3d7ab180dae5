"""Done when: a site with an imported history and moderator decisions gets a promoted site model
whose shadow evaluation shows it better on that site's held-out decisions, served to that site only."""

import json
import shutil

import pytest
from click.testing import CliRunner
from helpers import site_history
from helpers.api import auth, comment

from moderation.app import create_app
from moderation.cli.main import main
from moderation.config import PROJECT_ROOT
from moderation.storage import review_queue as review


@pytest.fixture
def env(tmp_path, monkeypatch):
    """A fresh SQLite database and a copy of the shipped models, for the command line and the app."""
    models = tmp_path / "models"
    for task in ("stance", "incivility"):
        shutil.copytree(PROJECT_ROOT / "models" / task, models / task)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'site.sqlite'}")
    monkeypatch.setenv("MODERATION_MODELS_DIR", str(models))
    monkeypatch.setenv("MODERATION_AUDIT_SAMPLE_SHARE", "0")
    runner = CliRunner()
    assert runner.invoke(main, ["db", "upgrade"]).exit_code == 0
    return runner


def _run(runner, *args):
    result = runner.invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result


def _json(result):
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_site_with_history_gets_its_own_better_model(env, tmp_path):
    keys = {name: _json(_run(env, "sites", "add", name, "--json")) for name in ("polderpost", "andere")}
    history = site_history.write(tmp_path / "history.jsonl", n=400, seed=11)
    imported = _json(_run(env, "feedback", "import", history, "--site", "polderpost", "--json"))
    assert imported["added"] == 400 and imported["stance"] == 400
    # the moderators' own labels, given in the queue while deciding
    app = create_app()
    client = app.test_client()
    db = app.extensions["moderation"].db
    for n, row in enumerate(site_history.rows(n=30, seed=99)):
        r = client.post("/api/v1/comments", json=comment(f"q-{n}", text=row["text"]), headers=auth(keys["polderpost"]))
        assert r.status_code == 201
        review.correct(db, None, r.get_json()["id"], "mod@example.org", stance=row["stance"], confirm=True)
    app.extensions["moderation"].close()

    review_out = _json(_run(env, "feedback", "review", "--site", "polderpost", "--task", "stance", "--json"))
    assert review_out["tasks"]["stance"]["examples"] == 430

    result = _json(_run(env, "train", "--task", "stance", "--feedback", "--site", "polderpost", "--json"))
    candidate, current = result["candidate"], result["current"]
    print(json.dumps({k: result[k] for k in ("compared", "feedback", "note")}, ensure_ascii=False))
    print("held-out", current["held_out"]["headline"], "->", candidate["held_out"]["headline"])
    print("test split", current["test"]["headline"], "->", candidate["test"]["headline"])
    assert result["scope"] == {"site": "polderpost"}
    assert (
        result["feedback"]["held_out"] >= 0.2 * 430
        and result["feedback"]["trained_on"] + result["feedback"]["held_out"] == 430
    )
    assert result["promoted"] is True, result["note"]
    assert candidate["held_out"]["headline"] > current["held_out"]["headline"]
    assert candidate["held_out"]["accuracy"] > current["held_out"]["accuracy"]
    assert candidate["test"]["headline"] >= current["test"]["headline"] - result["compared"]["test_margin"]

    # served to that site only; the analysis says which model and scope made it
    app = create_app()
    client = app.test_client()
    text = "jaja samen met de buurt beslissen, en dan doen ze toch wat ze zelf willen 🙄"
    own = client.post("/api/v1/comments", json=comment("n-1", text=text), headers=auth(keys["polderpost"])).get_json()
    other = client.post("/api/v1/comments", json=comment("n-1", text=text), headers=auth(keys["andere"])).get_json()
    app.extensions["moderation"].close()
    assert own["analysis"]["models"]["stance"] == result["version"]
    assert own["analysis"]["models"]["scope"]["stance"] == "site"
    assert other["analysis"]["models"]["stance"] == current["version"]
    assert other["analysis"]["models"]["scope"] == {"stance": "shared", "incivility": "shared"}

    listed = _json(_run(env, "models", "list", "--json"))["stance"]
    [activation] = [a for a in listed["activations"] if a["version"] == result["version"]]
    assert activation["scope"] == {"site": "polderpost"} and activation["by"] == "moderation train --feedback"
    assert activation["figures"]["candidate"]["held_out"] == candidate["held_out"]["headline"]
    assert [v for v in listed["versions"] if v["version"] == result["version"]][0]["sites"] == ["polderpost"]
