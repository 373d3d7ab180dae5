"""The built-in threshold policy (plugins/policy.py)."""

import pytest

from plugins.policy import moderation_decide


def analysis(score, uncivil=None, categories=(), errors=(), spans=(), doubt=False):
    found = {
        "uncivil": score >= 0.5 if uncivil is None else uncivil,
        "score": score,
        "categories": list(categories),
        "spans": list(spans),
    }
    if doubt:
        found["doubt"] = True
    return {"stance": {"label": "neutral"}, "errors": list(errors), "incivility": found}


AIMED = {"start": 0, "end": 20, "text": "ik weet waar je woont", "category": "threat", "target": "je"}


@pytest.mark.parametrize(
    "score,categories,status,reason",
    [
        (0.05, [], "approved", None),
        (0.5, [], "pending", "in doubt"),
        (0.95, ["insult"], "rejected", "insult"),
        (0.95, ["profanity", "identity_attack"], "rejected", "identity_attack"),
        (0.95, [], "rejected", "uncivil"),
    ],
)
def test_thresholds(score, categories, status, reason):
    decision = moderation_decide(analysis=analysis(score, categories=categories), policy={})
    assert (decision["status"], decision["reason"]) == (status, reason)


def test_threats_aimed_at_a_person_wait_for_a_human_urgently():
    found = analysis(0.99, categories=["threat", "insult"], spans=[AIMED])
    decision = moderation_decide(analysis=found, policy={"reject_above": 0.5})
    assert decision == {"status": "pending", "urgent": True, "reason": "threat"}


def test_a_threat_without_a_target_or_from_the_model_alone_waits_but_is_not_urgent():
    unaimed = dict(AIMED, text="in de fik", target=None)
    for found in (analysis(0.99, categories=["threat"], spans=[unaimed]), analysis(0.99, categories=["threat"])):
        decision = moderation_decide(analysis=found, policy={"reject_above": 0.5})
        assert decision == {"status": "pending", "urgent": False, "reason": "threat"}


def test_a_threat_span_from_a_plugin_that_names_no_targets_counts_as_aimed():
    legacy = {k: v for k, v in AIMED.items() if k != "target"}
    assert moderation_decide(analysis=analysis(0.99, categories=["threat"], spans=[legacy]), policy={})["urgent"]


def test_doubt_is_never_decided_automatically():
    strict = {"approve_below": 0.01, "reject_above": 0.3}
    decision = moderation_decide(analysis=analysis(0.8, doubt=True), policy=strict)
    assert decision == {"status": "pending", "urgent": False, "reason": "in doubt"}
    assert moderation_decide(analysis=analysis(0.8, doubt=True), policy={"mode": "post"})["status"] == "approved"


def test_site_thresholds_override_the_defaults():
    strict = {"approve_below": 0.01, "reject_above": 0.3}
    assert moderation_decide(analysis=analysis(0.2, uncivil=False), policy=strict)["status"] == "pending"
    assert moderation_decide(analysis=analysis(0.35), policy=strict)["status"] == "rejected"


def test_post_moderation_publishes_the_doubtful():
    assert moderation_decide(analysis=analysis(0.5), policy={"mode": "post"})["status"] == "approved"


def test_incomplete_analysis_goes_to_a_human():
    assert moderation_decide(analysis=analysis(0.01, errors=[{"plugin": "x"}]), policy={})["status"] == "pending"
    assert (
        moderation_decide(analysis={"stance": None, "incivility": None, "errors": []}, policy={})["status"] == "pending"
    )
