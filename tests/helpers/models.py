"""Tiny labelled corpora and tiny trained models for the model tests (fast: a few dozen rows)."""

import json

from moderation.lab import training

STANCE_WORDS = {
    "pro-participation": [
        "laat de wijk zelf beslissen",
        "meer ruimte voor bewoners",
        "vertrouw de professional",
        "experimenteer met burgerberaad",
        "minder regels meer vertrouwen",
    ],
    "pro-policy": [
        "de raad beslist",
        "beleid is bindend",
        "rechtmatig handelen is nodig",
        "regels beschermen de burger",
        "de wet gaat voor",
    ],
    "hostile": [
        "ambtenaren zijn zakkenvullers",
        "die hele club kan weg",
        "ze doen toch wat ze willen",
        "het stadhuis is een graaiclub",
        "politici luisteren nooit",
    ],
    "neutral": [
        "weet iemand waar het rapport staat",
        "in onze gemeente gaat het zo",
        "ik pleit voor een balans",
        "wanneer is de volgende vergadering",
        "interessant stuk dit",
    ],
}
UNCIVIL = [
    ("wat een kut gemeente", ["profanity"]),
    ("stelletje idioten op het stadhuis", ["insult"]),
    ("die prutsers snappen er niks van", ["insult"]),
    ("klote regels allemaal", ["profanity"]),
    ("ik weet waar je woont", ["threat"]),
]


def rows(n_per_label=8, shift=0) -> list[dict]:
    """Rows with both labels; ``shift`` varies the filler words so two corpora differ."""
    out = []
    fillers = ["vandaag", "echt", "toch", "weer", "nu", "hier", "dus", "eigenlijk", "gewoon", "ook"]
    for i in range(n_per_label):
        filler = fillers[(i + shift) % len(fillers)]
        for stance, phrases in STANCE_WORDS.items():
            text = f"{phrases[i % len(phrases)]} {filler}"
            uncivil, categories = (False, [])
            if i % 3 == 0:
                insult, categories = UNCIVIL[(i + len(out)) % len(UNCIVIL)]
                text, uncivil = f"{text}, {insult}", True
            out.append(
                {
                    "id": f"r{shift}-{len(out)}",
                    "text": text,
                    "stance": stance,
                    "uncivil": uncivil,
                    "categories": categories,
                }
            )
    return out


def write_jsonl(path, items) -> str:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in items), encoding="utf-8")
    return str(path)


def corpus(tmp_path, n_per_label=8, shift=0, name="train.jsonl") -> str:
    return write_jsonl(tmp_path / name, rows(n_per_label, shift))


def train(tmp_path, task, models_dir, data=None, test=None, force=False, **kw) -> dict:
    """A tiny model of ``task`` in ``models_dir`` (no cross-validation: fast)."""
    data = data or corpus(tmp_path)
    return training.train(task, [data], test, models_dir, force=force, cv_folds=0, progress=lambda _: None, **kw)
