"""Topic and signal tags (ANNOTATION.md)."""

import pytest

from plugins.tags import contains_pii, is_shouting, passes_11_proef, signal_tags, topic_tags

# (text, tag): the tag is found / the tag is not found
TAGGED = [
    ("@Niels dat klopt niet", "reply"),
    ("Beste Henk, je vergeet iets", "reply"),
    ("Weet iemand waar het rapport staat?", "question"),
    ("Lees https://www.example.nl/rapport eens", "contains-link"),
    ("Zie www.gemeente.nl/inspraak", "contains-link"),
    ("Bel me op 06-12345678", "contains-pii"),
    ("Bel 010 123 4567", "contains-pii"),
    ("mail j.devries@voorbeeld.nl", "contains-pii"),
    ("Ik woon op Dorpsstraat 12 in Ede", "contains-pii"),
    ("DIT IS ECHT SCHANDALIG GEWOON", "shouting"),
]
NOT_TAGGED = [
    ("mail me op info@gemeente.nl", "reply"),
    ("Wat een prutsers", "question"),
    ("In 2023 kwamen er 1200 reacties", "contains-pii"),
    ("Dit is de WGR en de GGD", "shouting"),
]


@pytest.mark.parametrize("text,tag,present", [(t, g, True) for t, g in TAGGED] + [(t, g, False) for t, g in NOT_TAGGED])
def test_signal_tags(text, tag, present):
    assert (tag in signal_tags(text)) is present


def test_bsn_needs_the_11_proef():
    assert passes_11_proef("111222333")
    assert not passes_11_proef("111222334")
    assert contains_pii("mijn bsn is 111222333")
    assert not contains_pii("ordernummer 111222334")


def test_shouting_needs_enough_letters():
    assert not is_shouting("OK!")
    assert is_shouting("WAAROM LUISTERT NIEMAND")


def test_topic_tags():
    assert "jeugdzorg" in topic_tags("De wachtlijsten in de jeugdzorg zijn onacceptabel")
    assert "wgr" in topic_tags("Die gemeenschappelijke regeling is een democratisch gat")
    assert "stikstof" in topic_tags("Het stikstofbeleid sloopt ons dorp")
    assert topic_tags("Mooi weer vandaag") == []
