"""A synthetic moderation history of one site, in a style the project's corpus does not have.

No real comment may enter the project, so this "site" is generated from
templates written for the tests: a local news site's comment section about
bins, parking and the town hall, written the way social media is (lower case,
"jaja", "lol", emoji, no punctuation), where

- most comments are hostile, and the hostile ones borrow the debate's words
  (samen, participatie, regels, rechtsstaat, inspraak) sarcastically, or
  accuse in a legal register;
- neutral comments are chatter, questions and wishes that use the same words;
- the few pro-stances are plain.

The kinds are the ones the issue names (stance reads vocabulary, not intent),
so the shared model, trained on the corpus, does poorly here and a model that
learns the site's labels does better.  Deterministic for a given seed.
"""

import json
import random
from datetime import UTC, datetime, timedelta

OPENERS = ["jaja", "haha ja hoor", "lol", "tuurlijk", "oh zeker", "nou nou", "ja ja ja", "serieus?", "pff"]
SARCASM_TAILS = ["🙄", "😂😂", "lachen toch", "ja ja", "wie gelooft dit nog", "xd", "👏👏", "boeien"]
HOSTILE_CORES = [
    "samen met de buurt beslissen zeggen ze en dan staat die container gewoon voor mijn deur",
    "participatie noemen ze dat als je mag kiezen uit wat zij al besloten hebben",
    "de regels gelden alleen voor ons, op het stadhuis parkeren ze overal gratis",
    "inspraakavondje voor de bühne en daarna doen ze toch wat ze zelf willen",
    "rechtsstaat mijn neus, de vergunning voor de wethouder zijn zwager was er binnen een week",
    "mensen centraal staat op elke folder en niemand neemt ooit de telefoon op",
    "samen doen heet het, wij betalen en zij doen",
    "nieuwe regels voor de afvalpas, weer een baantje erbij voor een beleidsmedewerker",
    "wij hebben zorgvuldig naar de inwoners geluisterd, zegt de club die nooit antwoord geeft",
    "burgerberaad over parkeren en de uitkomst lag allang in de la",
]
LEGAL_ACCUSATIONS = [
    "het college handelt hier willens en wetens in strijd met de wet en misbruikt zijn bevoegdheid",
    "dit is gewoon ambtsmisbruik, ik doe aangifte tegen de verantwoordelijke ambtenaren",
    "de gemeente schendt stelselmatig de beslistermijn en lapt elk vonnis aan haar laars",
    "ik stel de gemeente aansprakelijk, die lui frauderen met de parkeergelden en dat weten ze",
    "onrechtmatige daad na onrechtmatige daad en niemand op het stadhuis wordt ooit vervolgd",
]
NEUTRAL_CORES = [
    "weet iemand of de milieustraat zaterdag open is",
    "gefeliciteerd wethouder de vries met je verjaardag",
    "samen met de kids naar de kermis geweest top dag",
    "mijn buurman zei precies hetzelfde over de regels van zijn voetbalclub",
    "hoe laat wordt het gft opgehaald in de nieuwe wijk",
    "is die inspraakavond nou in het dorpshuis of in de bieb",
    "leuk stuk over de oude raadzaal, mooie foto's",
    "welke mensen doen er mee met de buurtbarbecue",
    "mijn oma woonde vroeger naast het oude gemeentehuis",
    "waar kan ik de regels voor de parkeervergunning vinden",
]
NEUTRAL_TAILS = ["", "?", " 😊", " groetjes", " alvast bedankt", " 👍", "!"]
PRO_PARTICIPATION = [
    "laat de straat zelf kiezen waar de container komt, bij ons werkte dat prima",
    "geef de buurt een eigen budget voor het plantsoen, dan gebeurt er tenminste iets",
    "minder regels voor de straatfeesten, gewoon vertrouwen geven",
]
PRO_POLICY = [
    "de raad heeft het parkeerbeleid vastgesteld, dan moet je je daar ook aan houden",
    "fijn dat de handhaving eindelijk strenger is, regels zijn er niet voor niks",
    "een vergunning is juist bescherming voor de buren, goed dat de gemeente dat controleert",
]
NEUTRAL_OPENERS = ["", "hoi allemaal ", "even een vraag: ", "off topic maar ", "@jan "]
PRO_PREFIXES = ["", "eerlijk gezegd ", "@piet ", "idd ", "mi "]
PRO_TAILS = ["", " toch?", " mi", " 👍", " echt waar", " idd"]
SHARES = {"hostile": 0.45, "neutral": 0.35, "pro-participation": 0.1, "pro-policy": 0.1}


def _hostile(rng):
    if rng.random() < 0.3:
        return rng.choice(LEGAL_ACCUSATIONS) + rng.choice([".", "", "!!"])
    return f"{rng.choice(OPENERS)} {rng.choice(HOSTILE_CORES)} {rng.choice(SARCASM_TAILS)}"


def _text(label, rng):
    if label == "hostile":
        return _hostile(rng)
    if label == "neutral":
        return rng.choice(NEUTRAL_OPENERS) + rng.choice(NEUTRAL_CORES) + rng.choice(NEUTRAL_TAILS)
    core = rng.choice(PRO_PARTICIPATION if label == "pro-participation" else PRO_POLICY)
    return rng.choice(PRO_PREFIXES) + core + rng.choice(PRO_TAILS)


def rows(n=400, seed=11, start=datetime(2025, 1, 1, tzinfo=UTC)) -> list[dict]:
    """``n`` labelled rows with a decision and a time, spread over a year, distinct texts."""
    rng = random.Random(seed)
    labels = list(SHARES)
    weights = [SHARES[label] for label in labels]
    out, seen = [], set()
    while len(out) < n:
        label = rng.choices(labels, weights)[0]
        text = _text(label, rng)
        if text in seen:
            continue
        seen.add(text)
        at = start + timedelta(minutes=int(len(out) * 365 * 24 * 60 / n) + rng.randint(0, 59))
        out.append(
            {
                "text": text,
                "stance": label,
                "uncivil": False,
                "decision": "rejected" if label == "hostile" and rng.random() < 0.3 else "approved",
                "decided_at": at.isoformat(),
            }
        )
    return out


def write(path, n=400, seed=11) -> str:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows(n, seed)), encoding="utf-8")
    return str(path)
