"""The policy plugin's tag rules: hold and reject, their reasons and the rule they name."""

import pytest

from plugins.policy import moderation_decide


def analysis(score, tags=(), uncivil=None, categories=(), doubt=False):
    return {
        "stance": {"label": "neutral", "scores": {}},
        "incivility": {
            "uncivil": score >= 0.5 if uncivil is None else uncivil,
            "score": score,
            "categories": list(categories),
            "spans": [],
            "doubt": doubt,
        },
        "tags": list(tags),
        "errors": [],
    }


@pytest.mark.parametrize(
    "rules, tags, score, status, reason, rule",
    [
        ({"contains-pii": "hold"}, ["contains-pii"], 0.1, "pending", "tag:contains-pii", "tag:contains-pii"),
        ({"contains-pii": "hold"}, ["reply"], 0.1, "approved", None, None),
        ({"spam": "reject:spam"}, ["spam"], 0.1, "rejected", "spam", "tag:spam"),
        ({"spam": "reject"}, ["spam"], 0.1, "rejected", "spam", "tag:spam"),
        ({"contains-pii": "reject"}, ["contains-pii"], 0.1, "rejected", "personal_data", "tag:contains-pii"),
        ({"shouting": "reject"}, ["shouting"], 0.1, "rejected", "other", "tag:shouting"),
        # a reject rule goes before a hold rule, whatever the order of the tags
        (
            {"contains-pii": "hold", "spam": "reject:spam"},
            ["contains-pii", "spam"],
            0.1,
            "rejected",
            "spam",
            "tag:spam",
        ),
        # the thresholds' rejection stands over a hold rule
        ({"contains-pii": "hold"}, ["contains-pii"], 0.95, "rejected", "uncivil", None),
        # no rules (a site made before them): as before
        ({}, ["contains-pii", "spam"], 0.1, "approved", None, None),
    ],
)
def test_tag_rules(rules, tags, score, status, reason, rule):
    decision = moderation_decide(analysis(score, tags), {"tag_rules": rules})
    assert (decision["status"], decision["reason"], decision.get("rule")) == (status, reason, rule)


def test_a_hold_rule_keeps_a_post_moderated_comment_offline():
    decision = moderation_decide(
        analysis(0.6, ["contains-pii"], doubt=True), {"mode": "post", "tag_rules": {"contains-pii": "hold"}}
    )
    assert decision["status"] == "pending" and decision["reason"] == "tag:contains-pii"


def test_a_threat_waits_urgently_whatever_the_rules():
    found = analysis(0.97, ["spam"], categories=["threat"])
    found["incivility"]["spans"] = [{"start": 0, "end": 3, "category": "threat", "target": "wethouder"}]
    decision = moderation_decide(found, {"tag_rules": {"spam": "reject:spam"}})
    assert decision == {"status": "pending", "urgent": True, "reason": "threat"}
