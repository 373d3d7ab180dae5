"""Compare model candidates by 5-fold cross-validation on the training file only.

    .venv/bin/python bench/compare_models.py [--out bench/results/compare.md] [--only NAME ...]

For each candidate (features x classifier, built by ``moderation.ml.textmodel.build``)
and each task: the cross-validated headline figure (stance macro-F1, incivility
F1 of "uncivil"; the model alone, without the lexicon), the cross-validation
wall time, and the time to featurise, score and explain (evidence) one comment in a
batch of 500, as the plugins serve it.  Never reads the test split.  Prints a Markdown table.
"""

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sklearn.metrics import f1_score  # noqa: E402
from sklearn.model_selection import StratifiedKFold, cross_val_predict  # noqa: E402

from moderation import corpus, textmodel  # noqa: E402
from moderation.ml.datasets import default_training_files  # noqa: E402

WORDS = {"stem": False, "affixes": False}
CANDIDATES = {
    "words 1-2, LR C=8": dict(WORDS),
    "words 1-2, LR C=2": dict(WORDS, C=2.0),
    "words 1-2, LR C=32": dict(WORDS, C=32.0),
    "words 1, LR C=8": dict(WORDS, word_ngrams=1),
    "words 1-2 + stems, LR C=8": dict(WORDS, stem=True),
    "words 1-2 + stems + affixes, LR C=8": {},
    "words 1-2 + stems + affixes, LR C=32": {"C": 32.0},
    "words 1-2 + stems + affixes, LR C=8, unweighted": {"balanced": False},
    "words 1-2 + char_wb 2-5 (one tf-idf vector), LR C=8": dict(WORDS, char_ngrams=[2, 5]),
    "words 1-2 + stems + affixes + char_wb 2-5, LR C=8": {"char_ngrams": [2, 5]},
    "hashing: words 1-2 + stems + affixes, LR C=8": {"vectorizer": "hashing"},
    "words 1-2 + stems + affixes, LinearSVC C=0.5 + sigmoid": {"classifier": "svm", "C": 0.5},
    "words 1-2 + stems + affixes, SGD log-loss a=1e-5": {"classifier": "sgd", "alpha": 1e-5},
    "words 1-2 + stems + affixes, SGD log-loss a=1e-4": {"classifier": "sgd", "alpha": 1e-4},
    "words 1-2 + stems + affixes, ComplementNB a=0.3": {"classifier": "cnb", "alpha": 0.3},
}
HEADLINE = {
    "stance": ("macro-F1", lambda y, p: f1_score(y, p, average="macro")),
    "incivility": ("F1 uncivil", lambda y, p: f1_score(y, p, pos_label="uncivil")),
}


def run(names, folds=5):
    data = {task: corpus.labelled(default_training_files(), task)[:2] for task in HEADLINE}
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=13)
    rows = []
    for name in names:
        row = {"name": name}
        for task, (texts, labels) in data.items():
            params = dict(textmodel.BASE_PARAMS, **CANDIDATES[name])
            started = time.perf_counter()
            predicted = cross_val_predict(textmodel.build(params), texts, labels, cv=splitter, n_jobs=1)
            row[task] = HEADLINE[task][1](labels, predicted)
            row[f"{task}_cv_s"] = time.perf_counter() - started
            model = textmodel.build(params).fit(texts, labels)
            batch = (texts * 2)[:500]
            textmodel.prepare(model)
            best = min(_timed(lambda: textmodel.predict(model, batch)) for _ in range(3))
            row[f"{task}_us"] = best / len(batch) * 1e6
        rows.append(row)
        print(f"{name}: stance {row['stance']:.3f}, incivility {row['incivility']:.3f}", file=sys.stderr, flush=True)
    return rows


def _timed(fn):
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def table(rows) -> str:
    lines = [
        "| candidate | stance macro-F1 (CV) | incivility F1 (CV, model only) | CV time stance + incivility | "
        "µs per comment, both models with evidence (batch of 500) |",
        "|---|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['name']} | {r['stance']:.3f} | {r['incivility']:.3f} | "
            f"{r['stance_cv_s'] + r['incivility_cv_s']:.0f} s | {r['stance_us'] + r['incivility_us']:.0f} |"
        )
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="candidate names (default: all)")
    parser.add_argument("--out", help="also write the table to this file")
    args = parser.parse_args(argv)
    names = args.only or list(CANDIDATES)
    out = table(run(names))
    print(out)
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(out + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
