"""Two model versions side by side on the same labelled rows (``moderation models compare``)."""

from moderation.lab import evaluation


def compare(model_a, model_b, rows, examples=10) -> dict:
    """Per class figures of both, the confusion matrix of B minus A's, and comments whose
    served verdict flips (those B gets right first)."""
    task = model_a.task
    if model_b.task != task:
        raise ValueError(f"{model_a.version} is a {task} model, {model_b.version} a {model_b.task} model")
    texts = [row["text"] for row in rows]
    gold = [evaluation.corpus.label_of(row, task) for row in rows]
    served_a = [evaluation.served_label(task, a) for a in evaluation.analyses(model_a, texts)]
    served_b = [evaluation.served_label(task, a) for a in evaluation.analyses(model_b, texts)]
    figures_a = evaluation.metrics(task, gold, served_a)
    figures_b = evaluation.metrics(task, gold, served_b)
    matrix_a, matrix_b = figures_a["confusion"]["matrix"], figures_b["confusion"]["matrix"]
    flips = [
        {"text": text, "gold": g, "a": a, "b": b, "fixed": b == g, "broken": a == g}
        for text, g, a, b in zip(texts, gold, served_a, served_b)
        if a != b
    ]
    flips.sort(key=lambda f: (not f["fixed"], len(f["text"])))
    per_class = {
        label: {
            "a": figures_a["per_class"][label],
            "b": figures_b["per_class"][label],
            "f1_difference": round(figures_b["per_class"][label]["f1"] - figures_a["per_class"][label]["f1"], 4),
        }
        for label in figures_a["per_class"]
    }
    return {
        "task": task,
        "n": len(rows),
        "a": {"version": model_a.version, "accuracy": figures_a["accuracy"], "macro_f1": figures_a["macro_f1"]},
        "b": {"version": model_b.version, "accuracy": figures_b["accuracy"], "macro_f1": figures_b["macro_f1"]},
        "per_class": per_class,
        "confusion_difference": {
            "labels": figures_a["confusion"]["labels"],
            "matrix": [[vb - va for va, vb in zip(ra, rb)] for ra, rb in zip(matrix_a, matrix_b)],
        },
        "flips": {
            "total": len(flips),
            "fixed_by_b": sum(f["fixed"] for f in flips),
            "broken_by_b": sum(f["broken"] for f in flips),
            "examples": flips[:examples],
        },
    }


def text_report(result) -> str:
    lines = [
        f"{result['task']}: A {result['a']['version']} vs B {result['b']['version']} on {result['n']} comments",
        f"accuracy {result['a']['accuracy']} -> {result['b']['accuracy']}, "
        f"macro-F1 {result['a']['macro_f1']} -> {result['b']['macro_f1']}",
        "",
        f"{'class':<20} {'F1 A':>7} {'F1 B':>7} {'diff':>7}",
    ]
    for label, row in result["per_class"].items():
        lines.append(f"{label:<20} {row['a']['f1']:>7} {row['b']['f1']:>7} {row['f1_difference']:>+7.4f}")
    labels = result["confusion_difference"]["labels"]
    lines += ["", "confusion B - A (rows: gold, columns: served)", " " * 20 + "".join(f"{x[:8]:>9}" for x in labels)]
    for label, row in zip(labels, result["confusion_difference"]["matrix"]):
        lines.append(f"{label:<20}" + "".join(f"{v:>+9d}" for v in row))
    flips = result["flips"]
    lines += [
        "",
        f"{flips['total']} verdicts flip: {flips['fixed_by_b']} fixed by B, {flips['broken_by_b']} broken by B",
    ]
    for f in flips["examples"]:
        lines.append(f"  [{f['gold']}] {f['a']} -> {f['b']}: {f['text'][:90]!r}")
    return "\n".join(lines)
