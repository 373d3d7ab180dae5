"""Liveness and readiness: /healthz/live is the process, /healthz/ready (and /healthz) the
database and the models."""

from moderation.app import create_app


def test_ready_and_live_with_models_and_database(client):
    assert client.get("/healthz/live").status_code == 200
    for path in ("/healthz/ready", "/healthz"):
        r = client.get(path)
        assert r.status_code == 200 and r.get_json()["status"] == "ok"


def test_not_ready_without_a_model(tmp_path, sqlite_template):
    import shutil

    shutil.copy(sqlite_template, tmp_path / "db.sqlite")
    (tmp_path / "models").mkdir()
    app = create_app(
        {"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}", "MODELS_DIR": str(tmp_path / "models"), "TESTING": True}
    )
    try:
        client = app.test_client()
        assert client.get("/healthz/live").status_code == 200
        for path in ("/healthz/ready", "/healthz"):
            r = client.get(path)
            assert r.status_code == 503 and r.headers["Retry-After"]
            body = r.get_json()
            assert body["database"] == "ok" and body["models"]["stance"] == "not loaded"
            assert str(tmp_path) not in r.get_data(as_text=True)  # no filesystem paths
    finally:
        app.extensions["moderation"].close()
