"""The statement builder and the mapping table: every reason and kind gives a statement the
Transparency Database accepts, with the automation and source the issue asks for."""

from datetime import date

import pytest
from helpers.tdb import validate

from moderation.dsa import mapping, roles, weight
from moderation.dsa import statements as sor

ARGS = dict(content_date=date(2026, 11, 22), application_date=date(2026, 11, 23), settings=roles.settings(None))


@pytest.mark.parametrize("reason", [*mapping.REASONS, "in doubt", None, "iets anders"])
@pytest.mark.parametrize("kind", sor.KINDS)
def test_every_reason_and_kind_is_a_valid_statement(reason, kind):
    body = sor.build(
        puid="comment-1-decision-2", kind=kind, reason=reason, actor="policy", flagged=True, notices=[], **ARGS
    )
    assert validate(body) == {}
    assert body["category"] in mapping.CATEGORIES
    assert body["source_type"] == "SOURCE_VOLUNTARY"


def test_automation_follows_who_decided_and_what_flagged_it():
    assert sor.automated_decision("policy", True) == "AUTOMATED_DECISION_FULLY"
    assert sor.automated_decision("mod@example.org", True) == "AUTOMATED_DECISION_PARTIALLY"
    assert sor.automated_decision("mod@example.org", False) == "AUTOMATED_DECISION_NOT_AUTOMATED"


def test_a_notice_sets_the_source_ground_and_category_and_no_personal_data_leaks():
    notices = [
        {
            "ground": "terms",
            "terms_ground": "Huisregel 2",
            "legal_ground": None,
            "category": "STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE",
        },
        {
            "ground": "illegal",
            "legal_ground": "art. 285 Sr",
            "terms_ground": None,
            "category": "STATEMENT_CATEGORY_VIOLENCE",
        },
    ]
    body = sor.build(
        puid="p-1", kind="removed", reason="threat", actor="m@example.org", flagged=False, notices=notices, **ARGS
    )
    assert body["source_type"] == "SOURCE_ARTICLE_16"
    assert body["decision_ground"] == "DECISION_GROUND_ILLEGAL_CONTENT"
    assert body["illegal_content_legal_ground"] == "art. 285 Sr"
    assert body["category"] == "STATEMENT_CATEGORY_VIOLENCE"
    assert body["category_addition"] == ["STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE"]
    assert "m@example.org" not in str(body)
    assert validate(body) == {}


def test_the_weight_formula():
    assert weight.reliability(0, 0) == 0.5
    assert weight.comment_weight([{"notifier_key": "a"}, {"notifier_key": "a"}], {"a": (3, 1)}) == round(0.5 + 4 / 6, 4)
    assert weight.comment_weight([{"notifier_key": None}], {}) == 0.5


def test_roles_switch_duties_and_refuse_bad_settings():
    assert roles.duties(None) == {
        "notices": True,
        "statements": True,
        "report": True,
        "appeals": False,
        "submission": False,
    }
    assert roles.duties({"role": "hosting-voluntary-platform", "small_enterprise": True})["report"] is False
    assert roles.duties({"role": "platform"})["submission"] is True
    with pytest.raises(ValueError, match="role"):
        roles.check({"role": "forum"}, None)
    with pytest.raises(ValueError, match="six"):
        roles.check({"appeal_months": 3}, None)
