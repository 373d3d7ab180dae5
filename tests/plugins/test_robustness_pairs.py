"""A paired robustness suite: each probe has a civil control built from the same frame.

Every probe is something the served analysis (lexicon + model, through the
real app and ``POST /api/v1/classify``) must call uncivil; its control keeps
the sentence frame and changes only what makes the probe uncivil, so a model
that reacts to the frame (``Die wethouder is een …``) rather than the offence
fails.  None of these sentences is in the training files.
"""

import pytest
from helpers.api import auth

from moderation.app import create_app
from moderation.storage import comments as records

ZW = "\u200b"  # zero-width space
CYR_I = "\u0456"  # Cyrillic і, looks like i

PAIRS = {
    # kind: (probe, civil control in the same frame)
    "spacing": ("Die wethouder is een s u k k e l, echt waar", "Die wethouder is een s u p e r vrouw, echt waar"),
    "dotted spacing": (
        "Wat een l.u.l.l.e.n zitten er in die commissie",
        "Wat een l.e.u.k.e mensen zitten er in die commissie",
    ),
    "leetspeak": ("Wat een kl00tz@kken bij de provincie", "Wat een t0pp3rs bij de provincie"),
    "zero-width": (f"De wethouder is een zak{ZW}ken{ZW}vul{ZW}ler", f"De wethouder is een har{ZW}de wer{ZW}ker"),
    "look-alikes": (f"Die burgemeester is een {CYR_I}d{CYR_I}oot", f"Die burgemeester is een {CYR_I}deal{CYR_I}st"),
    "full-width": ("Die ｋｕｔgemeente weer met haar parkeerbeleid", "Die ｔｏｐgemeente weer met haar parkeerbeleid"),
    "repeated letters": ("Wat een sukkkkkels in de gemeenteraad", "Wat een toppppers in de gemeenteraad"),
    "missing spaces": ("echteenstelletjeprutsers bij het waterschap", "echteenstelletjetoppers bij het waterschap"),
    "emoji": ("Die wethouder is een eikel 🤡🤡", "Die wethouder is een kanjer 👏👏"),
    "emoji as a mask": ("Wat een k🤬t besluit van het college", "Wat een 🤬 besluit van het college"),
    "compound head": ("Weer zo'n takkebesluit van de provincie", "Weer zo'n raadsbesluit van de provincie"),
    "compound tail": ("Wat een beleidsgelul in die nota", "Wat een beleidstaal in die nota"),
    "English": ("Die raadsleden zijn gewoon morons", "Die raadsleden zijn gewoon vrijwilligers"),
    "Flemish": ("Den burgemeester is ne zakkewasser", "Den burgemeester is ne goeie mens"),
    "praise frame": ("Die wethouder is een sukkel", "Die wethouder is een topper"),
    "birthday wishes": ("Gefeliciteerd wethouder, ouwe zak", "Gefeliciteerd wethouder, nog vele jaren"),
    "disease meaning": ("Krijg de tyfus met je regels", "In 1870 brak de tyfus uit, veel patiënten overleden"),
    "disease compound": ("Wat een kankerwethouder", "De wethouder opende het nieuwe kankercentrum"),
    "quoted insult": (
        "De raad is een stel oplichters",
        "Op het spandoek stond 'oplichters', maar de raad heeft niks fout gedaan",
    ),
    "reported insult": ("Jij bent een zakkenvuller", "Hij noemde mij een zakkenvuller omdat ik bij de gemeente werk"),
    "negation": ("De wethouder is een idioot", "De wethouder is geen idioot, hij heeft slechte adviseurs"),
    "harsh but civil": (
        "Die wethouder is een leugenaar en een prutser",
        "Die wethouder heeft de raad onjuist geïnformeerd en moet aftreden",
    ),
    "wish of harm": ("Ik hoop dat de burgemeester een ongeluk krijgt", "Ik hoop dat de burgemeester een lintje krijgt"),
    "metaphor": ("Die wethouder moeten ze opknopen", "Dat voorstel moeten ze in de raad afschieten"),
    "news of violence": (
        "Ik steek die wethouder neer",
        "De politie meldt dat een wethouder is neergestoken, de verdachte is aangehouden",
    ),
}


# Controls the shipped incivility model still flags on its own (a score between 0.5 and 0.9 with no
# lexicon span): it reads the frame ("Die wethouder is een …", "Wat een …") rather than the word.
# docs/MODEL_CARD.md, "Real-comment behaviour", has the figures; with the November model 15 of the
# 25 controls were flagged, now these.  Not strict: a better model may pass them, then drop them here.
MODEL_READS_THE_FRAME = {
    "dotted spacing",
    "look-alikes",
    "emoji",
    "emoji as a mask",
    "compound tail",
    "English",
    "praise frame",
}


@pytest.fixture(scope="module")
def analyses(shipped_models, tmp_path_factory):
    """The served analysis of every probe and control, from one app on SQLite."""
    url = f"sqlite:///{tmp_path_factory.mktemp('robustness') / 'db.sqlite'}"
    app = create_app(
        {"DATABASE_URL": url, "TESTING": True, "SECRET_KEY": "test-secret"},
        models=shipped_models,
    )
    app.extensions["moderation"].db.upgrade()
    site = records.create_site(app.extensions["moderation"].db, "robustness")
    client = app.test_client()
    out = {}
    try:
        for probe, control in PAIRS.values():
            for text in (probe, control):
                r = client.post("/api/v1/classify", json={"text": text}, headers=auth(site))
                assert r.status_code == 200, r.get_json()
                out[text] = r.get_json()["analysis"]["incivility"]
    finally:
        app.extensions["moderation"].close()
    return out


@pytest.mark.parametrize("kind", list(PAIRS))
def test_probe_is_flagged_and_its_control_has_no_lexicon_hit(analyses, kind):
    probe, control = PAIRS[kind]
    assert analyses[probe]["uncivil"], f"{kind}: probe not flagged: {probe!r} {analyses[probe]}"
    assert analyses[control]["spans"] == [], f"{kind}: the lexicon flags the control {control!r}"
    for span in analyses[probe]["spans"]:  # spans point at the original characters, disguises included
        assert probe[span["start"] : span["end"]] == span["text"]


@pytest.mark.parametrize(
    "kind",
    [
        pytest.param(kind, marks=pytest.mark.xfail(reason="the model reads the frame", strict=False))
        if kind in MODEL_READS_THE_FRAME
        else kind
        for kind in PAIRS
    ],
)
def test_the_control_is_not_flagged(analyses, kind):
    _, control = PAIRS[kind]
    assert not analyses[control]["uncivil"], f"{kind}: control flagged: {control!r} {analyses[control]}"


@pytest.mark.parametrize("kind", ["zero-width", "look-alikes", "full-width", "emoji as a mask", "spacing"])
def test_disguised_words_are_found_by_the_lexicon(analyses, kind):
    probe, _ = PAIRS[kind]
    assert analyses[probe]["spans"], f"{kind}: the lexicon found nothing in {probe!r}"


def test_a_reported_threat_is_not_aimed_at_anyone_here():
    """A threat quoted in a complaint is still a threat (the training labels say so) but not a targeted one."""
    from plugins.lexicon import load

    [span] = load().find("Een man riep 'ik weet waar je woont' naar de wethouder. Ik heb aangifte gedaan.")
    assert span["category"] == "threat" and span["targeted"] is False and span["confidence"] < 0.97
    [span] = load().find("Ik weet waar je woont, wethouder.")
    assert span["targeted"] is True and span["confidence"] == 0.97
