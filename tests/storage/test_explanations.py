"""The statement of reasons a commenter reads: plain Dutch, the offending words, editable."""

import re

import pytest
from helpers.api import auth, comment
from helpers.delivery import INSULT, decide

from moderation.storage import comments as records
from moderation.storage import explanations

SPANS = {
    "incivility": {
        "spans": [
            {"text": "prutsers", "category": "insult"},
            {"text": "kut", "category": "profanity"},
            {"text": "Prutsers", "category": "insult"},
            {"text": "idioten", "category": "insult"},
            {"text": "sukkels", "category": "insult"},
        ]
    }
}


def b1_sentences(text):
    """Sentences without the quoted words."""
    return [s for s in re.split(r"(?<=[.!?])\s+", re.sub(r"‘[^’]*’", "X", text)) if s]


@pytest.mark.parametrize("reason", sorted(explanations.REASONS) + [None, "iets onbekends"])
def test_every_reason_reads_at_b1_level(reason):
    text = explanations.draft(reason, SPANS)
    assert text.startswith(explanations.OPENING) and text.endswith(explanations.CLOSING)
    for sentence in b1_sentences(text):
        words = re.findall(r"[^\W\d_]+", sentence)
        assert len(words) <= 15, sentence  # short sentences
        assert sum(len(w) for w in words) / len(words) <= 7, sentence  # common, short words
    assert len(text) <= explanations.MAX_LENGTH


def test_the_offending_words_are_quoted_once_at_most_three_reason_first():
    text = explanations.draft("profanity", SPANS)
    assert "Het gaat om deze woorden: ‘kut’, ‘prutsers’ en ‘idioten’." in text
    assert "sukkels" not in text and "‘Prutsers’" not in text
    assert "dit woord: ‘prutsers’." in explanations.draft(
        "insult", {"incivility": {"spans": SPANS["incivility"]["spans"][:1]}}
    )


def test_reasons_without_words_quote_nothing():
    assert "‘" not in explanations.draft("spam", SPANS)
    assert "‘" not in explanations.draft("insult", SPANS, words=[])
    assert explanations.reason_key("Off-topic") == "off_topic" and explanations.reason_key("nieuw") == "other"


def test_clean_checks_a_moderators_text():
    assert explanations.clean("  Dit mag niet.  ") == "Dit mag niet."
    assert explanations.clean("   ") is None and explanations.clean(None) is None
    for bad in ("a\x00b", "x" * 1001, 42):
        with pytest.raises(ValueError):
            explanations.clean(bad)


def test_an_automatic_rejection_carries_the_draft(fast_app):
    app = fast_app()
    site = records.create_site(app.extensions["moderation"].db, "alpha")
    body = (
        app.test_client()
        .post("/api/v1/comments", json=comment("c1", f"Stelletje {INSULT}."), headers=auth(site))
        .get_json()
    )
    assert body["status"] == "rejected"
    assert body["decision"]["explanation"] == explanations.draft("insult", body["analysis"])
    assert f"‘{INSULT}’" in body["decision"]["explanation"]


def test_a_moderators_edit_goes_out_instead_of_the_draft(fast_app):
    app = fast_app()
    site = records.create_site(app.extensions["moderation"].db, "alpha")
    client = app.test_client()
    cid = client.post("/api/v1/comments", json=comment("c1", "Goed plan."), headers=auth(site)).get_json()["id"]
    decide(app, cid, "rejected", reason="off_topic", explanation=explanations.clean(" Dit gaat over iets anders. "))
    assert (
        client.get(f"/api/v1/comments/{cid}", headers=auth(site)).get_json()["decision"]["explanation"]
        == "Dit gaat over iets anders."
    )
    decide(app, cid, "approved")
    assert client.get(f"/api/v1/comments/{cid}", headers=auth(site)).get_json()["decision"]["explanation"] is None
