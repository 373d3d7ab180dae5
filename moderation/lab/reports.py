"""Evaluation reports (``moderation evaluate``): text for the terminal, and files for ``--report DIR``.

``write(result, directory)`` writes ``<task>-<data>.json`` (the result),
``<task>-<data>.md`` (per-class table, confusion matrix, per-functionality
table for HateCheck) and ``<task>-<data>-confusion.svg`` (a confusion-matrix
picture, drawn here without a plotting library).
"""

import json
from html import escape
from pathlib import Path


def per_class_lines(result) -> list[str]:
    lines = [f"{'label':<20}{'precision':>10}{'recall':>10}{'f1':>10}{'support':>10}"]
    for label, row in result["per_class"].items():
        lines.append(
            f"{label:<20}{row['precision']:>10.3f}{row['recall']:>10.3f}{row['f1']:>10.3f}{row['support']:>10}"
        )
    return lines


def confusion_lines(result) -> list[str]:
    labels = result["confusion"]["labels"]
    lines = ["confusion (rows: true, columns: predicted)", " " * 20 + "".join(f"{label[:12]:>13}" for label in labels)]
    for label, row in zip(labels, result["confusion"]["matrix"]):
        lines.append(f"{label:<20}" + "".join(f"{v:>13}" for v in row))
    return lines


def hatecheck_lines(result) -> list[str]:
    lines = [
        f"{'functionality':<22}{'expected':>10}{'n':>6}{'as expected':>13}{'lexicon flags':>15}{'model flags':>13}"
    ]
    for name, row in result["per_functionality"].items():
        expected = "uncivil" if row["expected_uncivil"] else "civil"
        flag = "  < 60%" if row["share"] < 0.6 else ""
        lines.append(
            f"{name:<22}{expected:>10}{row['n']:>6}{row['share'] * 100:>12.1f}%"
            f"{row['lexicon_flags'] / row['n'] * 100:>14.1f}%{row['model_flags'] / row['n'] * 100:>12.1f}%{flag}"
        )
    return lines


def text(result) -> str:
    if result.get("data") == "hatecheck":
        head = [
            f"incivility model {result['model']} on {result['n']} HateCheck cases: "
            f"{result['as_expected'] * 100:.1f}% as expected; "
            f"below 60%: {', '.join(result['functionalities_below_60']) or 'none'}"
        ]
        return "\n".join(head + hatecheck_lines(result))
    lines = [
        f"{result['task']} model {result['model']} on {result['n']} comments",
        f"accuracy {result['accuracy']:.3f}   macro-F1 {result['macro_f1']:.3f}",
    ]
    if "f1_uncivil" in result:
        lines.append(
            f"F1 uncivil (model + lexicon, as served) {result['f1_uncivil']:.3f}   "
            f"model alone {result['f1_uncivil_model_only']:.3f}   "
            f"lexicon alone {result['f1_uncivil_lexicon_only']:.3f}"
        )
        spans = result["spans"]
        if spans["gold"]:
            lines.append(
                f"spans: {spans['gold_found'] * 100:.1f}% of {spans['gold']} gold spans found, "
                f"category agrees on {spans['category_agreement'] * 100:.1f}% of those; "
                f"{spans['predicted_on_gold'] * 100:.1f}% of {spans['predicted']} served spans on a gold span"
            )
    if result.get("per_category"):
        lines.append(f"{'category (served)':<20}{'precision':>10}{'recall':>10}{'f1':>10}{'support':>10}")
        for name, row in result["per_category"].items():
            lines.append(
                f"{name:<20}{row['precision']:>10.3f}{row['recall']:>10.3f}{row['f1']:>10.3f}{row['support']:>10}"
            )
    if result.get("calibration", {}).get("ece") is not None:
        lines.append(f"calibration error (ECE) of the served score {result['calibration']['ece']:.3f}")
    auto = result.get("automatic")
    if auto:
        lines.append(
            f"under the policy (approve below {auto['policy']['approve_below']}, reject from "
            f"{auto['policy']['reject_above']}): {auto['auto_approved']} approved automatically, "
            f"{_share(auto['wrong_approval_share'])} of them uncivil; {auto['auto_rejected']} rejected "
            f"automatically, {_share(auto['wrong_rejection_share'])} of them civil; {auto['to_a_person']} to a person"
        )
    if result.get("per_category", {}).get("threat"):
        lines.append(f"threat precision (served) {result['per_category']['threat']['precision']:.3f}")
    if "accuracy_with_alt" in result:
        lines.append(f"accuracy counting stance_alt as right {result['accuracy_with_alt']:.3f}")
    return "\n".join(lines + per_class_lines(result) + confusion_lines(result))


def _share(value) -> str:
    return "-" if value is None else f"{value * 100:.1f}%"


def write(result, directory, name) -> list[Path]:
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    stem = f"{result['task']}-{name}"
    paths = [directory / f"{stem}.json", directory / f"{stem}.md"]
    paths[0].write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    paths[1].write_text(markdown(result), encoding="utf-8")
    if "confusion" in result:
        paths.append(directory / f"{stem}-confusion.svg")
        paths[-1].write_text(confusion_svg(result), encoding="utf-8")
    return paths


def markdown(result) -> str:
    if result.get("data") == "hatecheck":
        rows = [
            "| functionality | expected | n | as expected | lexicon flags | model flags |",
            "|---|---|---:|---:|---:|---:|",
        ]
        for name, row in result["per_functionality"].items():
            rows.append(
                f"| {name} | {'uncivil' if row['expected_uncivil'] else 'civil'} | {row['n']} | "
                f"{row['share'] * 100:.1f}% | {row['lexicon_flags'] / row['n'] * 100:.1f}% | "
                f"{row['model_flags'] / row['n'] * 100:.1f}% |"
            )
        return (
            f"# HateCheck (Dutch), incivility model {result['model']}\n\n{result['as_expected'] * 100:.1f}% of "
            f"{result['n']} cases as expected.\n\n" + "\n".join(rows) + "\n"
        )
    rows = ["| label | precision | recall | F1 | support |", "|---|---:|---:|---:|---:|"]
    for label, row in result["per_class"].items():
        rows.append(f"| {label} | {row['precision']:.3f} | {row['recall']:.3f} | {row['f1']:.3f} | {row['support']} |")
    if result.get("per_category"):
        rows += ["", "| category (served) | precision | recall | F1 | support |", "|---|---:|---:|---:|---:|"]
        rows += [
            f"| {name} | {row['precision']:.3f} | {row['recall']:.3f} | {row['f1']:.3f} | {row['support']} |"
            for name, row in result["per_category"].items()
        ]
    labels = result["confusion"]["labels"]
    matrix = ["| true \\ predicted | " + " | ".join(labels) + " |", "|---|" + "---:|" * len(labels)]
    for label, row in zip(labels, result["confusion"]["matrix"]):
        matrix.append(f"| {label} | " + " | ".join(map(str, row)) + " |")
    return (
        f"# {result['task']} model {result['model']} on {result['n']} comments\n\n"
        f"accuracy {result['accuracy']:.3f}, macro-F1 {result['macro_f1']:.3f}\n\n"
        + "\n".join(rows)
        + "\n\n"
        + "\n".join(matrix)
        + "\n"
    )


def confusion_svg(result, cell=110) -> str:
    """A confusion matrix as an SVG heat map: rows true, columns predicted, counts in the cells."""
    labels = result["confusion"]["labels"]
    matrix = result["confusion"]["matrix"]
    n = len(labels)
    left, top = 150, 110
    width, height = left + n * cell + 20, top + n * cell + 40
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" '
        f'font-size="13">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
        f'<text x="{left}" y="20" font-size="15">{escape(result["task"])} {escape(str(result.get("model", "")))}'
        f" (n={result['n']})</text>",
        f'<text x="{left + n * cell / 2}" y="45" text-anchor="middle">predicted</text>',
        f'<text x="20" y="{top + n * cell / 2}" transform="rotate(-90 20 {top + n * cell / 2})" '
        f'text-anchor="middle">true</text>',
    ]
    for j, label in enumerate(labels):
        parts.append(
            f'<text x="{left + j * cell + cell / 2}" y="{top - 10}" text-anchor="middle">{escape(label[:18])}</text>'
        )
    for i, (label, row) in enumerate(zip(labels, matrix)):
        total = sum(row) or 1
        parts.append(
            f'<text x="{left - 8}" y="{top + i * cell + cell / 2 + 4}" text-anchor="end">{escape(label[:18])}</text>'
        )
        for j, value in enumerate(row):
            share = value / total
            shade = int(255 - 200 * share)
            fill = f"rgb({shade},{shade},255)" if i == j else f"rgb(255,{shade},{shade})"
            colour = "white" if share > 0.6 else "black"
            x, y = left + j * cell, top + i * cell
            parts.append(f'<rect x="{x}" y="{y}" width="{cell}" height="{cell}" fill="{fill}" stroke="#888"/>')
            parts.append(
                f'<text x="{x + cell / 2}" y="{y + cell / 2 + 5}" text-anchor="middle" fill="{colour}">{value}</text>'
            )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
