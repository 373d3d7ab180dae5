"""The Dutch incivility lexicon: spans, categories, obfuscation, innocent look-alikes."""

import pytest

from plugins.lexicon import load, normalise


def found(text):
    return [(s["text"], s["category"]) for s in load().find(text)]


@pytest.mark.parametrize(
    "text,expected",
    [
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
        ("Die regels zijn kut, laat mensen gewoon zelf beslissen", [("kut", "profanity")]),
        ("Wat een k*t-gemeente", [("k*t-gemeente", "profanity")]),
        ("KLOTEEEE regels", [("KLOTEEEE", "profanity")]),
        ("die kl0tezooi", [("kl0tezooi", "profanity")]),
        ("Stelletje w@nkers", [("w@nkers", "insult")]),
        ("hou je bek", [("hou je bek", "profanity")]),
        ("g.v.d. wat een gedoe", [("g.v.d", "profanity")]),
        ("f*ck die regels", [("f*ck", "profanity")]),
        ("Wat een sukkels daar", [("sukkels", "insult")]),
        ("die regeltjesneukers van de gemeente", [("regeltjesneukers", "insult")]),
        ("beleidsparasieten allemaal", [("beleidsparasieten", "insult")]),
        ("ik weet waar die projectleider woont", [("ik weet waar die projectleider woont", "threat")]),
        ("dan sla ik hem verrot", [("sla ik hem verrot", "threat")]),
        ("Asielzoekers horen hier niet", [("Asielzoekers horen hier niet", "identity_attack")]),
        ("Die vrouwen horen gewoon niet in de politiek", [("Die vrouwen horen gewoon niet", "identity_attack")]),
    ],
)
def test_finds_offending_words(text, expected):
    spans = load().find(text)
    assert [(s["text"], s["category"]) for s in spans] == expected
    for s in spans:
        assert text[s["start"] : s["end"]] == s["text"]


@pytest.mark.parametrize(
    "text",
    [
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
        "Het project sukkelt al jaren voort.",
        "Schijndel en Sexbierum doen mee aan de pilot.",
        "De klootschietclub vraagt subsidie aan.",
        "Kuttekoven is een mooi dorp.",
        "Het buurthuis staat aan de Lulofsstraat.",
        "Ik word gek van de regels, maar ik blijf beleefd.",
        "Tyfusvaccinaties bij de GGD zijn weer beschikbaar.",
        "Integraal werken is een hoera-woord geworden.",
        "Opa werkte veertig jaar bij Fokker.",
        "Daar zijn we met 80k aan subsidie mee geholpen, @Sanne_K",
        "De vorm mag wat losser.",
        "Vroeger lagen hier mensen met de tering.",
        "Asielzoekers zijn niet gevaarlijk, dat blijkt uit elk onderzoek.",
    ],
)
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


def test_harsh_criticism_is_not_in_the_lexicon():
    """tests/data/harsh_civil.jsonl: sharp, sarcastic, civil comments; the lexicon must find nothing in them."""
    import json
    from pathlib import Path

    lines = (Path(__file__).parents[1] / "data" / "harsh_civil.jsonl").read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines]
    assert len(rows) == 30 and not any(r["uncivil"] for r in rows)
    assert [r["text"] for r in rows if found(r["text"])] == []


def test_a_few_microseconds_per_word():
    """Not a benchmark (see bench/models.py): a guard against a pathological pattern."""
    import time

    text = "Die ambtenaren van de gemeente doen echt hun best, maar de regels zitten in de weg. " * 20
    load().find(text)
    started = time.perf_counter()
    load().find(text)
    assert time.perf_counter() - started < 0.25


@pytest.mark.parametrize(
    "text,threat",
    [
        ("Ik ga jullie allemaal vermoorden", "Ik ga jullie allemaal vermoorden"),
        ("Iemand zou die wethouder moeten neerschieten.", "Iemand zou die wethouder moeten neerschieten"),
        ("ik vermoord je", "ik vermoord je"),
        ("Die mensen moeten allemaal vermoord worden", "moeten allemaal vermoord worden"),
    ],
)
def test_plain_threats_of_violence(text, threat):
    assert (threat, "threat") in found(text)


@pytest.mark.parametrize(
    "text",
    [
        "Ze vermoorden de middenstand met al die regels.",
        "We gaan dat project samen afmaken.",
        "Ik wil die nieuwe regels ophangen in de hal van het stadhuis.",
        "Het beleid moet dood en begraven, wat mij betreft.",
    ],
)
def test_figurative_violence_is_not_a_threat(text):
    assert not any(category == "threat" for _, category in found(text))
