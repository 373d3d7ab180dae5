"""The model store serves only verified models: hash, scikit-learn version, labels, canaries;
a refused reload keeps the old model; activation reaches a running app without a restart."""

import json

import pytest
from click.testing import CliRunner
from helpers.models import corpus, train

from moderation.app import create_app
from moderation.cli.main import main
from moderation.ml.model_store import ModelError, ModelStore, load_verified


@pytest.fixture
def models_dir(tmp_path):
    return tmp_path / "models"


def edit_meta(models_dir, task, version, change):
    path = models_dir / task / f"{version}.json"
    meta = json.loads(path.read_text(encoding="utf-8"))
    change(meta)
    path.write_text(json.dumps(meta), encoding="utf-8")


def test_a_trained_model_verifies_and_serves(tmp_path, models_dir):
    meta = train(tmp_path, "incivility", models_dir)
    model = load_verified(models_dir / "incivility", meta["version"])
    assert model.version == meta["version"] and model.labels == ["civil", "uncivil"]
    scores = model.scores("wat een kut gemeente, stelletje idioten")
    assert set(scores) == {"civil", "uncivil"} and abs(sum(scores.values()) - 1) < 1e-6


def test_a_flipped_byte_is_refused(tmp_path, models_dir):
    meta = train(tmp_path, "stance", models_dir)
    artefact = models_dir / "stance" / meta["file"]
    data = bytearray(artefact.read_bytes())
    data[len(data) // 2] ^= 0x01
    artefact.write_bytes(bytes(data))
    with pytest.raises(ModelError, match="sha256"):
        load_verified(models_dir / "stance", meta["version"])


def test_a_pickled_model_from_another_scikit_learn_is_refused(tmp_path, models_dir):
    meta = train(tmp_path, "stance", models_dir, params={"classifier": "sgd"})  # no npz form: pickled
    assert meta["format"] == "joblib" and meta["file"].endswith(".joblib")
    edit_meta(models_dir, "stance", meta["version"], lambda m: m.update(sklearn_version="0.24.2"))
    with pytest.raises(ModelError, match="scikit-learn 0.24.2"):
        load_verified(models_dir / "stance", meta["version"])


def test_an_unknown_artefact_format_is_refused(tmp_path, models_dir):
    meta = train(tmp_path, "stance", models_dir)
    edit_meta(models_dir, "stance", meta["version"], lambda m: m.update(format="linear-npz/99"))
    with pytest.raises(ModelError, match="unknown artefact format"):
        load_verified(models_dir / "stance", meta["version"])


def test_a_label_mismatch_is_refused(tmp_path, models_dir):
    meta = train(tmp_path, "incivility", models_dir)
    edit_meta(models_dir, "incivility", meta["version"], lambda m: m.update(labels=["civil", "rude"]))
    with pytest.raises(ModelError, match="labels"):
        load_verified(models_dir / "incivility", meta["version"])


def test_a_failed_canary_is_refused(tmp_path, models_dir):
    meta = train(tmp_path, "incivility", models_dir)
    canary = {"text": "wat een kut gemeente, stelletje idioten", "expected": "civil"}
    edit_meta(models_dir, "incivility", meta["version"], lambda m: m.update(canaries=[canary]))
    with pytest.raises(ModelError, match="canary"):
        load_verified(models_dir / "incivility", meta["version"])


def test_missing_or_unreadable_files_are_refused(tmp_path, models_dir):
    meta = train(tmp_path, "stance", models_dir)
    (models_dir / "stance" / meta["file"]).unlink()
    with pytest.raises(ModelError, match="missing artefact"):
        load_verified(models_dir / "stance", meta["version"])
    with pytest.raises(ModelError, match="unreadable metadata"):
        load_verified(models_dir / "stance", "no-such-version")


def test_a_failed_reload_keeps_the_old_model(tmp_path, models_dir):
    first = train(tmp_path, "stance", models_dir)
    second = train(tmp_path, "stance", models_dir, data=corpus(tmp_path, shift=3, name="more.jsonl"), force=True)
    store = ModelStore(models_dir, reload_seconds=0)
    store.activate("stance", first["version"])
    store.poll(force=True)
    assert store.get("stance").version == first["version"]
    # tamper with the second version, then point current.json at it behind the store's back
    artefact = models_dir / "stance" / second["file"]
    artefact.write_bytes(artefact.read_bytes()[:-10])
    (models_dir / "stance" / "current.json").write_text(json.dumps({"version": second["version"], "history": []}))
    store.poll(force=True)
    assert store.get("stance").version == first["version"]  # still serving the old one
    assert "sha256" in store.errors["stance"]
    assert store.status()["stance"] == {"version": first["version"], "error": store.errors["stance"]}
    # activating a bad version through the store is refused and leaves current.json alone
    (models_dir / "stance" / "current.json").write_text(json.dumps({"version": first["version"], "history": []}))
    with pytest.raises(ModelError):
        store.activate("stance", second["version"])
    assert store.pointer("stance")["version"] == first["version"]


def test_a_running_app_picks_up_a_new_version_without_restart(tmp_path, models_dir):
    train(tmp_path, "stance", models_dir)
    first = train(tmp_path, "incivility", models_dir)
    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}",
            "TESTING": True,
            "MODELS_DIR": str(models_dir),
            "MODEL_RELOAD_SECONDS": 0,
        }
    )
    try:
        pipeline = app.extensions["moderation"].pipeline
        [analysis] = pipeline.analyze([{"text": "stelletje idioten"}])
        assert analysis["models"]["incivility"] == first["version"]
        second = train(tmp_path, "incivility", models_dir, data=corpus(tmp_path, shift=5, name="b.jsonl"), force=True)
        assert second["promoted"] and second["version"] != first["version"]
        [analysis] = pipeline.analyze([{"text": "stelletje idioten"}])
        assert analysis["models"]["incivility"] == second["version"]
        assert analysis["errors"] == []
        # rollback reaches the running app the same way
        assert app.extensions["moderation"].models.rollback("incivility") == first["version"]
        [analysis] = pipeline.analyze([{"text": "stelletje idioten"}])
        assert analysis["models"]["incivility"] == first["version"]
        # and so does `moderation models activate`, run as another process would
        result = CliRunner().invoke(
            main,
            ["models", "activate", "incivility", second["version"]],
            env={"MODERATION_MODELS_DIR": str(models_dir), "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite'}"},
        )
        assert result.exit_code == 0, result.output
        [analysis] = pipeline.analyze([{"text": "stelletje idioten"}])
        assert analysis["models"]["incivility"] == second["version"]
    finally:
        app.extensions["moderation"].close()


def test_rollback_walks_back_through_the_history(tmp_path, models_dir):
    versions = [
        train(tmp_path, "stance", models_dir, data=corpus(tmp_path, shift=i, name=f"{i}.jsonl"), force=True)["version"]
        for i in range(3)
    ]
    store = ModelStore(models_dir)
    assert store.pointer("stance") == {"version": versions[2], "history": versions[:2]}
    assert store.rollback("stance") == versions[1]
    assert store.rollback("stance") == versions[0]
    with pytest.raises(ModelError, match="no earlier version"):
        store.rollback("stance")
    listed = store.versions("stance")
    assert [m["version"] for m in listed] == versions[::-1]
    assert [m["active"] for m in listed] == [False, False, True]


def test_a_store_without_models_says_how_to_get_one(tmp_path):
    store = ModelStore(tmp_path / "empty")
    store.poll(force=True)
    assert store.get("stance") is None
    assert "moderation train --task stance" in store.errors["stance"]


class _Booby:
    """Unpickling it creates ``path``: proof that a file was loaded."""

    def __init__(self, path):
        self.path = str(path)

    def __reduce__(self):
        return (open, (self.path, "w"))


def plant_outside(tmp_path, name="evil"):
    """A pickle outside models/ with metadata that vouches for it (the attacker's own)."""
    import hashlib

    import joblib
    import sklearn

    outside = tmp_path / "outside"
    outside.mkdir(exist_ok=True)
    marker = tmp_path / f"{name}-was-unpickled"
    artefact = outside / f"{name}.joblib"
    joblib.dump(_Booby(marker), artefact)
    meta = {
        "version": name,
        "file": str(artefact),
        "sha256": hashlib.sha256(artefact.read_bytes()).hexdigest(),
        "sklearn_version": sklearn.__version__,
        "labels": ["civil", "uncivil"],
    }
    (outside / f"{name}.json").write_text(json.dumps(meta), encoding="utf-8")
    return marker


def test_a_version_outside_the_model_folder_is_refused_before_anything_is_loaded(tmp_path, models_dir, monkeypatch):
    """Issue item 14: activate ../../outside/evil, a current.json naming it, or metadata whose
    file points outside: each is refused and the pickle is never opened."""
    meta = train(tmp_path, "incivility", models_dir)
    marker = plant_outside(tmp_path)
    store = ModelStore(models_dir)
    for version in ("../../outside/evil", "../../outside/evil/", str(tmp_path / "outside" / "evil"), "..", ""):
        with pytest.raises(ModelError):
            store.activate("incivility", version)
    assert not marker.exists(), "a file outside models/ was unpickled"
    monkeypatch.setenv("MODERATION_MODELS_DIR", str(models_dir))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite'}")
    result = CliRunner().invoke(main, ["models", "activate", "incivility", "../../outside/evil"])
    assert result.exit_code != 0 and "not a version name" in result.output
    # current.json naming it: refused, the active model keeps serving
    (models_dir / "incivility" / "current.json").write_text(json.dumps({"version": "../../outside/evil"}))
    store.refresh("incivility")
    assert "not a version name" in store.errors["incivility"]
    # metadata inside the folder whose artefact lies outside it
    edit_meta(models_dir, "incivility", meta["version"], lambda m: m.update(file="../../outside/evil.joblib"))
    with pytest.raises(ModelError, match="plain file name"):
        load_verified(models_dir / "incivility", meta["version"])
    assert not marker.exists(), "a file outside models/ was unpickled"
