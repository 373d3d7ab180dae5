"""The lexicon on real-comment failure kinds: Unicode disguises, new compounds, English,
indirect wishes of harm, and the sentence around a hit (reported speech, quotes,
negation, news of violence, metaphors, disease meanings)."""

import pytest

from plugins.lexicon import load
from plugins.lexicon_text import fold


def flagged(text):
    """(text, category) of the spans the lexicon is sure enough of to make a comment uncivil."""
    return [(s["text"], s["category"]) for s in load().find(text) if s["confidence"] >= 0.5]


def assert_offsets(text):
    for span in load().find(text):
        assert text[span["start"] : span["end"]] == span["text"]


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Wat een z\u200bakken\u200bvullers", [("z\u200bakken\u200bvullers", "insult")]),  # zero-width spaces
        ("die k\u00adut gemeente", [("k\u00adut", "profanity")]),  # soft hyphen
        ("Wat een \u0456d\u0456oten", [("\u0456d\u0456oten", "insult")]),  # Cyrillic і
        ("\u0455ukkels allemaal", [("\u0455ukkels", "insult")]),  # Cyrillic ѕ
        ("ｋｕｔ regels", [("ｋｕｔ", "profanity")]),  # full-width
        ("𝐤𝐮𝐭 regels", [("𝐤𝐮𝐭", "profanity")]),  # mathematical bold
        ("wat een k🤬t plan", [("k🤬t", "profanity")]),  # an emoji as the mask
        (
            "i\u0337d\u0337i\u0337o\u0337o\u0337t",
            [("i\u0337d\u0337i\u0337o\u0337o\u0337t", "insult")],
        ),  # strike-through
        ("Wat een kloootzaaak", [("kloootzaaak", "insult")]),  # runs standing for double letters
    ],
)
def test_unicode_disguises_are_undone_and_spans_point_at_the_original(text, expected):
    assert flagged(text) == expected
    assert_offsets(text)


def test_fold_keeps_plain_text_as_it_is_and_maps_every_character_back():
    assert fold("Gewoon een zin.") == ("Gewoon een zin.", None)
    folded, back = fold("a\u200bb ｃ")
    assert folded == "ab c" and back == [0, 2, 3, 4]
    assert fold("geëmigreerd") == ("geëmigreerd", list(range(11)))
    assert fold("gee\u0308migreerd")[0] == "geëmigreerd"  # a combining diaeresis composes


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Weer zo'n takkebesluit", [("takkebesluit", "profanity")]),
        ("wat een beleidsgelul", [("beleidsgelul", "profanity")]),
        ("die wethouder is een beleidsidioot", [("beleidsidioot", "insult")]),
        ("Wat een morons in die raad", [("morons", "insult")]),
        ("the council is full of assholes", [("assholes", "insult")]),
        ("Ge zijt ne onnozelaar", [("onnozelaar", "insult")]),
        ("Ik hoop dat die wethouder onder een bus loopt", [("Ik hoop dat die wethouder onder een bus", "threat")]),
        ("Die gedeputeerde mag van mij wegrotten", [("mag van mij wegrotten", "threat")]),
        ("Ik wens hem de dood", [("Ik wens hem de dood", "threat")]),
        ("Wat een sukkkkkels", [("sukkkkkels", "insult")]),
    ],
)
def test_new_compounds_english_flemish_and_wishes_of_harm(text, expected):
    assert flagged(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "The truth is dat de wethouder gelijk had.",  # 'truth' is not 'trut'
        "Speak your truth, zei de wethouder.",
        "Takken van de linde hangen over de weg.",
        "Kankerpreventie hoort bij de GGD.",
        "In 1850 brak de tyfus uit, veel patiënten overleden.",
        "Tering was vroeger een volksziekte, nu heet het tbc.",
        "Stelletje kanjers, die vrijwilligers!",
    ],
)
def test_innocent_words_and_disease_meanings_are_left_alone(text):
    assert load().find(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Hij noemde mij een zakkenvuller, dat deed pijn.",
        "Ik werd op de avond uitgescholden voor landverrader.",
        "Mijn collega werd door een klant voor hoer uitgescholden.",
        "Op het spandoek stond 'oplichters', maar dat is onzin.",
        "Woorden als parasiet horen niet in dit debat.",
        "De wethouder is geen idioot, hij heeft slechte adviseurs.",
        "Ik vind de ambtenaren geen zakkenvullers.",
        "Niemand hier is tuig, het zijn boze bewoners.",
    ],
)
def test_reported_quoted_and_negated_insults_are_not_sure_enough(text):
    spans = load().find(text)
    assert spans and all(s["confidence"] < 0.5 for s in spans)


@pytest.mark.parametrize(
    "text",
    [
        "Ik noem hem een zakkenvuller.",  # the writer's own words
        "Die wethouder is een idioot, geen twijfel.",
        "doe niet zo achterlijk",
    ],
)
def test_the_writers_own_insults_stay_sure(text):
    assert [s["confidence"] for s in load().find(text)] == [0.92]


def test_threats_are_weighed_by_their_target():
    aimed = load().find("Ik weet waar je woont, wethouder.")
    assert [(s["targeted"], s["confidence"]) for s in aimed] == [(True, 0.97)]
    news = load().find("De politie meldt dat het gemeentehuis in brand is gestoken, de verdachte is opgepakt.")
    assert [(s["targeted"], s["confidence"] < 0.5) for s in news] == [(False, True)]
    metaphor = load().find("De zorgkosten ontploffen, daar moet de raad iets mee.")
    assert [(s["targeted"], s["confidence"] < 0.5) for s in metaphor] == [(False, True)]
    assert load().find("We lopen tegen de muur op met de woningbouw.") == []
