"""Fuzz the API from its own OpenAPI document (schemathesis): no 5xx, and every
response matches the documented status codes, content types and schemas.

The examples are derandomised so every run (and CI) tries the same ones; set
MODERATION_FUZZ_RANDOM=1 to explore new ones (and MODERATION_FUZZ_EXAMPLES=N for more).
"""

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from moderation.storage import comments as records

RANDOM = os.environ.get("MODERATION_FUZZ_RANDOM") == "1"
EXAMPLES = int(os.environ.get("MODERATION_FUZZ_EXAMPLES", "40"))


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
    assert "POST /api/v1/notices" in ops and "POST /api/v1/appeals" in ops
    for name, operation in ops.items():

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES // 2 if "batch" in name else EXAMPLES,
            deadline=None,
            database=None,
            derandomize=not RANDOM,
            suppress_health_check=list(HealthCheck),
        )
        def check(case):
            case.call_and_validate(headers=headers)

        check()
