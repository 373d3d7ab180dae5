"""Site-scoped models in the model store: served to their site only, checked like any other."""

import json

from helpers.models import corpus, train

from moderation.ml import site_scope
from moderation.ml.model_store import ModelStore


def test_a_site_model_is_served_to_that_site_only(tmp_path):
    models = tmp_path / "models"
    shared = train(tmp_path, "stance", models)
    own = train(tmp_path, "stance", models, data=corpus(tmp_path, shift=3, name="b.jsonl"), force=True)
    store = ModelStore(models, reload_seconds=0)
    store.activate("stance", shared["version"])  # the second training promoted itself; go back
    store.activate("stance", own["version"], site="polderpost", by="test", rule="a rule", figures={"x": 1})
    store.poll(force=True)
    assert store.get("stance").version == shared["version"]
    assert store.get("stance", site="polderpost").version == own["version"]
    assert store.get("stance", site="andere").version == shared["version"]
    assert (store.scope("stance", "polderpost"), store.scope("stance", "andere")) == ("site", "shared")
    pointer = json.loads((models / "stance" / "current.json").read_text())
    assert pointer["version"] == shared["version"] and pointer["sites"]["polderpost"]["version"] == own["version"]
    log = site_scope.activations(models / "stance")
    assert log[-1]["scope"] == {"site": "polderpost"} and log[-1]["by"] == "test" and log[-1]["figures"] == {"x": 1}
    assert log[-2]["scope"] == "shared" and log[-2]["version"] == shared["version"]


def test_a_site_model_that_fails_its_checks_leaves_the_site_on_the_shared_model(tmp_path):
    models = tmp_path / "models"
    shared = train(tmp_path, "stance", models)
    own = train(tmp_path, "stance", models, data=corpus(tmp_path, shift=3, name="b.jsonl"), force=True)
    store = ModelStore(models, reload_seconds=0)
    store.activate("stance", shared["version"])
    store.activate("stance", own["version"], site="polderpost")
    (models / "stance" / own["file"]).write_bytes(b"tampered")
    store.poll(force=True)
    assert store.get("stance", site="polderpost").version == shared["version"]
    assert store.scope("stance", "polderpost") == "shared"


def test_a_batch_is_split_by_site():
    assert site_scope.by_site([{"site": "a"}, {"site": "b"}, {"site": "a"}, {}]) == {"a": [0, 2], "b": [1], None: [3]}


def test_models_activate_for_one_site_is_logged(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from moderation.cli.main import main

    models = tmp_path / "models"
    shared = train(tmp_path, "stance", models)
    own = train(tmp_path, "stance", models, data=corpus(tmp_path, shift=3, name="b.jsonl"), force=True)
    monkeypatch.setenv("MODERATION_MODELS_DIR", str(models))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite'}")
    runner = CliRunner()
    assert runner.invoke(main, ["models", "activate", "stance", shared["version"]]).exit_code == 0
    out = runner.invoke(main, ["models", "activate", "stance", own["version"], "--site", "polderpost"])
    assert out.exit_code == 0 and "for site polderpost" in out.output
    listed = runner.invoke(main, ["models", "list"]).output
    assert f"{own['version']}" in listed and "sites: polderpost" in listed
    assert "-> site polderpost by moderation models activate" in listed
