"""Fuzz the API from its own OpenAPI document (schemathesis): no 5xx, and every
response matches the documented status codes, content types and schemas."""
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from moderation import records


@pytest.fixture
def app(tmp_path, shipped_models):
    from moderation.app import create_app

    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'fuzz.sqlite'}", "TESTING": True}, models=shipped_models)
    app.extensions["moderation"].db.upgrade()
    yield app
    app.extensions["moderation"].close()


def operations(app):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    return {f"{op.method.upper()} {op.path}": op for op in (r.ok() for r in schema.get_all_operations())}


def test_every_operation_answers_as_documented(app):
    site = records.create_site(app.extensions["moderation"].db, "fuzz")
    headers = {"Authorization": f"Bearer {site['api_key']}"}
    ops = operations(app)
    assert "POST /api/v1/comments" in ops and "POST /api/v1/comments/batch" in ops
    for name, operation in ops.items():
        @given(case=operation.as_strategy())
        @settings(max_examples=15 if "batch" in name else 30, deadline=None, suppress_health_check=list(HealthCheck))
        def check(case):
            case.call_and_validate(headers=headers)

        check()
