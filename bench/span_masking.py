"""Experiment: teach the incivility model that an angry register without the offending words is civil.

    .venv/bin/python bench/span_masking.py

Every uncivil training comment has gold spans; cutting them out leaves the rest
of the comment, which is added as an extra *civil* example (training folds only).
Prints the model-alone F1 of "uncivil" by 5-fold cross-validation on the training
file (the same folds as ``moderation train``), and how many of the 30 hand-written
harsh-but-civil comments (tests/data/harsh_civil.jsonl) the model trained on the
whole training file flags, without and with the extra examples. Not shipped: see
docs/MODEL_CARD.md.
"""

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from sklearn.metrics import f1_score  # noqa: E402
from sklearn.model_selection import StratifiedKFold  # noqa: E402

from moderation import corpus, textmodel  # noqa: E402
from moderation.ml.datasets import default_training_files  # noqa: E402


def without_spans(row) -> str:
    text = row["text"]
    for span in sorted(row.get("spans") or [], reverse=True):
        text = text[: span[0]] + " " + text[span[1] :]
    return re.sub(r"\s+", " ", text).strip()


def fit(rows, indices, masked):
    texts = [rows[i]["text"] for i in indices]
    labels = ["uncivil" if rows[i]["uncivil"] else "civil" for i in indices]
    if masked:
        extra = [without_spans(rows[i]) for i in indices if rows[i]["uncivil"] and rows[i].get("spans")]
        extra = [t for t in extra if len(t.split()) >= 3]
        texts, labels = texts + extra, labels + ["civil"] * len(extra)
    return textmodel.build(textmodel.params_for("incivility")).fit(texts, labels)


def main():
    rows = [
        r
        for path in default_training_files()
        for r in corpus.read_rows(path)
        if r.get("text") and r.get("uncivil") is not None
    ]
    y = np.array([bool(r["uncivil"]) for r in rows])
    harsh = [r["text"] for r in corpus.read_rows(ROOT / "tests" / "data" / "harsh_civil.jsonl")]
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=13)
    for masked in (False, True):
        scores = np.zeros(len(rows))
        for train, held_out in folds.split(rows, y):
            model = fit(rows, train, masked)
            scores[held_out] = model.predict_proba([rows[i]["text"] for i in held_out])[:, 1]
        flagged = int((fit(rows, range(len(rows)), masked).predict_proba(harsh)[:, 1] >= 0.5).sum())
        print(
            f"{'with' if masked else 'without'} span-cut civil examples: CV F1 uncivil (model alone) "
            f"{f1_score(y, scores >= 0.5):.3f}; harsh-but-civil flagged {flagged} of {len(harsh)}"
        )


if __name__ == "__main__":
    main()
