"""Scoring a model on labelled data, as the service serves it.

Predictions go through the real plugin pipeline (only the task's plugin
enabled), so incivility is judged on the combined output of model and lexicon,
exactly what the API answers.  Also: span and category agreement of the
lexicon with the gold spans, and the HateCheck functional tests
(``../shared/data/mhc_dutch.csv``: evaluation only, never trained or tuned on).
"""

import csv
from pathlib import Path

import numpy as np
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, precision_recall_fscore_support

from moderation import vocabulary as vocab
from moderation.ml import corpus

LABELS = {vocab.STANCE: list(vocab.STANCES), vocab.INCIVILITY: list(vocab.INCIVILITY_LABELS)}
HATECHECK_COLUMNS = {"functionality", "test_case", "label_gold"}
# ../shared/data/README.md: what this project expects per HateCheck functionality
HATECHECK_UNCIVIL_NH = {"target_indiv_nh", "target_group_nh", "profanity_nh"}
BATCH = 500


class ServedModel:
    """A stand-in for the model store that serves one given model (for evaluation),
    with the sentence encoder (stance's second tier) when one is given."""

    def __init__(self, model, encoder=None):
        self.model = model
        self.errors = {}
        self._encoder = encoder

    def get(self, task, site=None):
        return self.model if task == self.model.task else None

    def encoder(self):
        return self._encoder

    def scope(self, task, site=None):
        return "shared"

    def poll(self, force=False):
        pass


def analyses(model, texts: list[str], encoder=None) -> list[dict]:
    """The analysis objects the service would give, from the task's plugin alone
    (and, given an ``encoder``, stance's second tier, plugins/encoder.py)."""
    from moderation.pipeline import host as plugin_host
    from moderation.pipeline.runner import Pipeline

    pm = plugin_host.build_manager(enabled=[model.task] + (["encoder"] if encoder is not None else []))
    pipeline = Pipeline(pm, ServedModel(model, encoder), {"PLUGIN_BUDGET_MS": 600_000}, workers=1)
    try:
        out = []
        for start in range(0, len(texts), BATCH):
            batch = pipeline.analyze([{"text": t} for t in texts[start : start + BATCH]])
            for analysis in batch:
                if analysis["errors"]:
                    raise RuntimeError(f"the {model.task} plugin failed: {analysis['errors'][0]['error']}")
            out += batch
        return out
    finally:
        pipeline.close()


def served_label(task, analysis) -> str:
    if task == vocab.STANCE:
        return analysis["stance"]["label"]
    return vocab.UNCIVIL if analysis["incivility"]["uncivil"] else vocab.CIVIL


def metrics(task, y_true, y_pred) -> dict:
    labels = LABELS[task]
    p, r, f, support = precision_recall_fscore_support(y_true, y_pred, labels=labels, zero_division=0)
    out = {
        "task": task,
        "n": len(y_true),
        "accuracy": round(float(accuracy_score(y_true, y_pred)), 4),
        "macro_f1": round(float(f1_score(y_true, y_pred, labels=labels, average="macro", zero_division=0)), 4),
        "per_class": {
            label: {
                "precision": round(float(p[i]), 4),
                "recall": round(float(r[i]), 4),
                "f1": round(float(f[i]), 4),
                "support": int(support[i]),
            }
            for i, label in enumerate(labels)
        },
        "confusion": {"labels": labels, "matrix": confusion_matrix(y_true, y_pred, labels=labels).tolist()},
    }
    if task == vocab.INCIVILITY:
        out["f1_uncivil"] = out["per_class"]["uncivil"]["f1"]
    return out


def top_label_ece(confidences, correct, bins: int = 10) -> float:
    """Expected calibration error: over equal-width bins of confidence, the mean gap between
    the confidence and the share that was right, weighted by the bin's size."""
    confidences = np.asarray(confidences, dtype=float)
    correct = np.asarray(correct, dtype=float)
    if not len(confidences):
        return 0.0
    edges = np.minimum((confidences * bins).astype(int), bins - 1)
    gap = 0.0
    for b in range(bins):
        mask = edges == b
        if mask.any():
            gap += mask.sum() * abs(confidences[mask].mean() - correct[mask].mean())
    return round(float(gap / len(confidences)), 4)


def evaluate(model, paths, encoder=None, policy=None) -> dict:
    """Accuracy, macro-F1, per-class figures and the confusion matrix of the served output on ``paths``;
    for stance served with an ``encoder`` (the cascade), also the fast model alone and the share sent on."""
    task = model.task
    rows = [
        row
        for path in paths
        for row in corpus.read_rows(path)
        if corpus.label_of(row, task) is not None and row.get("text")
    ]
    if not rows:
        raise corpus.DataError(f"no rows with a {task} label in {', '.join(map(str, paths))}")
    return evaluate_rows(model, rows, policy, encoder)


def evaluate_rows(model, rows, policy=None, encoder=None) -> dict:
    """``evaluate`` on rows already read (dicts in the labelled-data format, each with the task's label);
    ``policy``: the site policy the automatic decisions are judged under (default: the default policy)."""
    from moderation.lab import served_quality

    task = model.task
    use_encoder = encoder is not None and task == vocab.STANCE and getattr(model, "encoder_head", None) is not None
    found = analyses(model, [row["text"] for row in rows], encoder if use_encoder else None)
    gold = [corpus.label_of(row, task) for row in rows]
    result = metrics(task, gold, [served_label(task, a) for a in found])
    result["model"] = model.version
    result["calibration"] = served_quality.served_calibration(task, found, gold)
    if task == vocab.INCIVILITY:
        result["automatic"] = served_quality.automatic_decisions(found, [g == vocab.UNCIVIL for g in gold], policy)
    if task == vocab.STANCE:
        result["ece"] = top_label_ece(
            [max(a["stance"]["scores"].values()) for a in found],
            [a["stance"]["label"] == g for a, g in zip(found, gold)],
        )
        if use_encoder:
            fast = analyses(model, [row["text"] for row in rows])
            alone = metrics(task, gold, [served_label(task, a) for a in fast])
            result["fast_model_alone"] = {
                "accuracy": alone["accuracy"],
                "macro_f1": alone["macro_f1"],
                "ece": top_label_ece(
                    [max(a["stance"]["scores"].values()) for a in fast],
                    [a["stance"]["label"] == g for a, g in zip(fast, gold)],
                ),
            }
            result["share_to_encoder"] = round(sum("encoder" in a["models"] for a in found) / len(found), 4)
        result["accuracy_with_alt"] = round(
            sum(a["stance"]["label"] in (row["stance"], row.get("stance_alt")) for a, row in zip(found, rows))
            / len(rows),
            4,
        )
    else:
        model_only = [vocab.UNCIVIL if a["incivility"]["model_score"] >= 0.5 else vocab.CIVIL for a in found]
        result["f1_uncivil_model_only"] = round(
            float(f1_score(gold, model_only, pos_label="uncivil", zero_division=0)), 4
        )
        is_uncivil = [g == vocab.UNCIVIL for g in gold]
        result["ece_model"] = binary_ece([a["incivility"]["model_score"] for a in found], is_uncivil)
        result["ece_served"] = binary_ece([a["incivility"]["score"] for a in found], is_uncivil)
        result["in_doubt"] = round(sum(bool(a["incivility"].get("doubt")) for a in found) / len(found), 4)
        lexicon_only = [vocab.UNCIVIL if a["incivility"]["spans"] else vocab.CIVIL for a in found]
        result["f1_uncivil_lexicon_only"] = round(
            float(f1_score(gold, lexicon_only, pos_label="uncivil", zero_division=0)), 4
        )
        result["spans"] = span_agreement(rows, found)
        result["per_category"] = category_figures(rows, found)
    return result


def binary_ece(scores, positive, bins: int = 10) -> float:
    """ECE of a score read as the probability of the positive class."""
    scores = np.asarray(scores, dtype=float)
    positive = np.asarray(positive, dtype=float)
    if not len(scores):
        return 0.0
    edges = np.minimum((scores * bins).astype(int), bins - 1)
    gap = sum(
        (edges == b).sum() * abs(scores[edges == b].mean() - positive[edges == b].mean())
        for b in range(bins)
        if (edges == b).any()
    )
    return round(float(gap / len(scores)), 4)


def category_figures(rows, found) -> dict:
    """Per category: precision, recall and F1 of the served categories against the rows' own."""
    out = {}
    for category in vocab.CATEGORIES:
        gold = [category in (row.get("categories") or []) for row in rows]
        served = [category in a["incivility"]["categories"] for a in found]
        p, r, f, _ = precision_recall_fscore_support(gold, served, average="binary", zero_division=0)
        out[category] = {
            "precision": round(float(p), 4),
            "recall": round(float(r), 4),
            "f1": round(float(f), 4),
            "support": int(sum(gold)),
        }
    return out


def span_agreement(rows, found) -> dict:
    """How the served spans meet the gold spans ``[start, end, category]`` of uncivil rows."""
    gold_n = predicted_n = overlapped = same_category = precise = 0
    for row, analysis in zip(rows, found):
        spans = analysis["incivility"]["spans"]
        predicted_n += len(spans)
        gold = [s for s in row.get("spans") or [] if len(s) >= 2]
        gold_n += len(gold)
        for g in gold:
            hits = [s for s in spans if s["start"] < g[1] and g[0] < s["end"]]
            overlapped += bool(hits)
            same_category += bool(len(g) > 2 and any(s["category"] == g[2] for s in hits))
        precise += sum(any(s["start"] < g[1] and g[0] < s["end"] for g in gold) for s in spans)
    return {
        "gold": gold_n,
        "predicted": predicted_n,
        "gold_found": round(overlapped / gold_n, 4) if gold_n else None,
        "category_agreement": round(same_category / overlapped, 4) if overlapped else None,
        "predicted_on_gold": round(precise / predicted_n, 4) if predicted_n else None,
    }


def is_hatecheck(path) -> bool:
    """A CSV with HateCheck's columns (functionality, test_case, label_gold)."""
    path = Path(path)
    if path.suffix.lower() != ".csv":
        return False
    with open(path, newline="", encoding="utf-8") as f:
        header = next(csv.reader(f), [])
    return HATECHECK_COLUMNS <= set(header)


def expected_uncivil(functionality: str) -> bool:
    return functionality.endswith("_h") or functionality in HATECHECK_UNCIVIL_NH


def hatecheck(model, path) -> dict:
    """Share of HateCheck cases handled as expected, per functionality (incivility only)."""
    if model.task != vocab.INCIVILITY:
        raise corpus.DataError("the HateCheck file tests incivility: use --task incivility")
    with open(path, newline="", encoding="utf-8") as f:
        cases = [(row["functionality"], row["test_case"]) for row in csv.DictReader(f)]
    found = analyses(model, [text for _, text in cases])
    per = {}
    for (functionality, _text), analysis in zip(cases, found):
        expected = expected_uncivil(functionality)
        found_here = analysis["incivility"]
        row = per.setdefault(
            functionality,
            {"expected_uncivil": expected, "n": 0, "as_expected": 0, "lexicon_flags": 0, "model_flags": 0},
        )
        row["n"] += 1
        row["as_expected"] += found_here["uncivil"] == expected
        row["lexicon_flags"] += bool(found_here["spans"])
        row["model_flags"] += found_here["model_score"] >= 0.5
    for row in per.values():
        row["share"] = round(row["as_expected"] / row["n"], 4)
    total = sum(r["as_expected"] for r in per.values())
    below = sorted(f for f, r in per.items() if r["share"] < 0.6)
    return {
        "task": vocab.INCIVILITY,
        "data": "hatecheck",
        "model": model.version,
        "n": len(cases),
        "as_expected": round(total / len(cases), 4),
        "functionalities_below_60": below,
        "per_functionality": dict(sorted(per.items())),
    }
