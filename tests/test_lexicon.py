"""The Dutch incivility lexicon: spans, categories, obfuscation, innocent look-alikes."""
import pytest

from plugins.lexicon import load, normalise


def found(text):
    return [(s["text"], s["category"]) for s in load().find(text)]


@pytest.mark.parametrize("text,expected", [
    ("Wat een prutsers daar.", [("prutsers", "insult")]),
    ("Zakkenvullers!", [("Zakkenvullers", "insult")]),
    ("wat een kl0te systeem", [("kl0te", "profanity")]),
    ("k*t gemeente", [("k*t", "profanity")]),
    ("kloteeee regels", [("kloteeee", "profanity")]),
    ("t y f u s op", [("t y f u s", "profanity")]),
    ("f.u.c.k die regels", [("f.u.c.k", "profanity")]),
    ("g0dverd0mme zeg", [("g0dverd0mme", "profanity")]),
    ("wat een idi00t", [("idi00t", "insult")]),
    ("die klotesystemen ook", [("klotesystemen", "profanity")]),
    ("krijg de kanker, allemaal", [("kanker", "profanity")]),
    ("ik weet waar je woont, Kees", [("ik weet waar je woont", "threat")]),
    ("Die wethouder zou opgehangen moeten worden", [("zou opgehangen", "threat")]),
    ("die moslims moeten het land uit", [("die moslims moeten het land uit", "identity_attack")]),
])
def test_finds_offending_words(text, expected):
    spans = load().find(text)
    assert [(s["text"], s["category"]) for s in spans] == expected
    for s in spans:
        assert text[s["start"]:s["end"]] == s["text"]


@pytest.mark.parametrize("text", [
    "KWF Kankerbestrijding zoekt collectanten in onze wijk.",
    "Mijn vader heeft kanker en wacht al maanden op een traplift.",
    "Ze moeten de tering naar de nering zetten, het geld is op.",
    "De piketdienst van de gemeente was prima bereikbaar.",
    "Hij negeert de adviezen van de raad.",
    "Het stikstofbeleid is een drama, maar dat zeg ik netjes.",
    "Asielzoekers zijn niet gevaarlijk, dat blijkt uit elk onderzoek.",
    "Hoera, eindelijk een besluit over het dorpshuis!",
    "De regels zijn dom en de uitvoering is slecht.",
    "Het voorstel werd in de raad afgeschoten.",
])
def test_leaves_innocent_text_alone(text):
    assert found(text) == []


def test_normalise_maps_back_to_original_offsets():
    text = "Kl0teeee  t y f u s"
    norm, offsets = normalise(text)
    assert "klote" in norm and "tyfus" in norm
    i = norm.index("tyfus")
    assert text[offsets[i]] == "t" and text[offsets[i + 4]] == "s"


def test_spans_are_in_text_order_without_nesting():
    text = "Prutsers, die moslims moeten het land uit, kut!"
    spans = load().find(text)
    starts = [s["start"] for s in spans]
    assert starts == sorted(starts)
    for a, b in zip(spans, spans[1:]):
        assert a["end"] <= b["start"]
