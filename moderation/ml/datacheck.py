"""``moderation data check`` and ``data stats``: is the labelled data sound, and what is in it.

Checks the format and labels of DESIGN.md, that spans lie inside the text and
cover non-empty text, exact and near duplicates (a shared 8-word sequence),
leakage between the training files and the test split, and shortcuts: for every
stance, at least 40% of its comments must avoid that label's ten most
distinctive words.
"""

import math
import re
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from moderation.ml.corpus import DataError, read_rows
from moderation.vocabulary import CATEGORIES, STANCES

NGRAM = 8
TAG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
WORD = re.compile(r"\w+")
SHORTCUT_SHARE = 0.40
LENGTH_BANDS = ((0, 14, "< 15 words"), (15, 59, "15-59"), (60, 149, "60-149"), (150, 10**9, "150+"))


def expand(paths) -> list[Path]:
    files = []
    for path in map(Path, paths):
        if path.is_dir():
            files += sorted(p for p in path.iterdir() if p.suffix in (".jsonl", ".csv"))
        else:
            files.append(path)
    return files


def load(paths) -> tuple[list[tuple[Path, dict]], list[str]]:
    rows, problems = [], []
    for path in expand(paths):
        try:
            rows += [(path, row) for row in read_rows(path)]
        except (DataError, OSError, UnicodeDecodeError) as exc:
            problems.append(str(exc))
    return rows, problems


def check(paths, test_name="test.jsonl") -> list[str]:
    """Every problem found, as 'file:line: what'; empty when the data is sound."""
    rows, problems = load(paths)
    if not rows and not problems:
        return [f"no labelled rows in {', '.join(map(str, paths))}"]
    ids = {}
    for path, row in rows:
        where = f"{path}:{row.get('_line')}"
        problems += [f"{where}: {p}" for p in row_problems(row)]
        if row.get("id") is not None:
            if row["id"] in ids:
                problems.append(f"{where}: id {row['id']!r} also at {ids[row['id']]}")
            ids[row["id"]] = where
    problems += duplicates(rows, test_name)
    problems += shortcuts([row for _, row in rows])
    return problems


def row_problems(row) -> list[str]:
    out = []
    text = row.get("text")
    if not isinstance(text, str) or not text.strip():
        return ["text is missing or empty"]
    if "stance" in row and row["stance"] not in STANCES:
        out.append(f"stance {row['stance']!r} is not one of {', '.join(STANCES)}")
    if "stance_alt" in row and (row["stance_alt"] not in STANCES or row["stance_alt"] == row.get("stance")):
        out.append(f"stance_alt {row['stance_alt']!r} must be another stance label")
    if "uncivil" in row and not isinstance(row["uncivil"], bool):
        out.append("uncivil must be true or false")
    categories = row.get("categories", [])
    if not isinstance(categories, list) or any(c not in CATEGORIES for c in categories):
        out.append(f"categories {categories!r} must be a list of {', '.join(CATEGORIES)}")
        categories = []
    spans = row.get("spans", [])
    if not isinstance(spans, list):
        return out + ["spans must be a list of [start, end] or [start, end, category]"]
    span_categories = set()
    for span in spans:
        if not (isinstance(span, list) and len(span) in (2, 3) and all(isinstance(v, int) for v in span[:2])):
            out.append(f"span {span!r} must be [start, end] or [start, end, category]")
            continue
        start, end = span[0], span[1]
        if not 0 <= start < end <= len(text):
            out.append(f"span {span!r} lies outside the text (length {len(text)})")
        elif not text[start:end].strip():
            out.append(f"span {span!r} covers only white space")
        if len(span) == 3:
            if span[2] not in CATEGORIES:
                out.append(f"span {span!r} has an unknown category")
            span_categories.add(span[2])
    if row.get("uncivil") is True and not categories:
        out.append("uncivil but no categories")
    if row.get("uncivil") is False and (categories or spans):
        out.append("civil but has categories or spans")
    if span_categories and set(categories) != span_categories:
        out.append(f"categories {sorted(categories)} differ from the spans' {sorted(span_categories)}")
    for tag in row.get("tags", []) or []:
        if not isinstance(tag, str) or not TAG.match(tag):
            out.append(f"tag {tag!r} must be lower-case and hyphenated")
    return out


def words(text) -> list[str]:
    return WORD.findall(text.lower())


def duplicates(rows, test_name) -> list[str]:
    """Exact and near duplicates; between a training file and the test split they are leakage."""
    problems, seen_text, seen_gram = [], {}, {}
    for path, row in rows:
        if not isinstance(row.get("text"), str):
            continue
        where = f"{path}:{row.get('_line')}"
        tokens = words(row["text"])
        key = " ".join(tokens)
        grams = {" ".join(tokens[i : i + NGRAM]) for i in range(len(tokens) - NGRAM + 1)}
        other = seen_text.get(key) or next((seen_gram[g] for g in grams if g in seen_gram), None)
        if other:
            kind = "exact duplicate" if key in seen_text else f"near duplicate (a shared {NGRAM}-word sequence)"
            leak = (other[0].name == test_name) != (path.name == test_name)
            problems.append(
                f"{where}: {'LEAKAGE into the test split: ' if leak else ''}{kind} of {other[0]}:{other[1]}"
            )
        seen_text.setdefault(key, (path, row.get("_line")))
        for g in grams:
            seen_gram.setdefault(g, (path, row.get("_line")))
    return problems


def distinctive_words(rows, label, k=10, min_share=0.03) -> list[str]:
    """The ``k`` words most over-represented in ``label`` (smoothed log-odds), among
    the words in at least ``min_share`` of its comments: frequent and distinctive."""
    inside, outside = Counter(), Counter()
    for row in rows:
        bag = set(words(row.get("text", "")))
        (inside if row.get("stance") == label else outside).update(bag)
    n_in = sum(1 for r in rows if r.get("stance") == label) or 1
    n_out = (len(rows) - n_in) or 1
    scored = [
        (math.log((inside[w] + 1) / n_in) - math.log((outside[w] + 1) / n_out), w)
        for w in inside
        if inside[w] >= max(5, min_share * n_in)
    ]
    return [w for _, w in sorted(scored, reverse=True)[:k]]


def shortcuts(rows) -> list[str]:
    problems = []
    labelled = [r for r in rows if r.get("stance") in STANCES]
    for label in STANCES:
        of_label = [r for r in labelled if r["stance"] == label]
        if len(of_label) < 50:
            continue
        top = set(distinctive_words(labelled, label))
        share = sum(1 for r in of_label if not top & set(words(r["text"]))) / len(of_label)
        if share < SHORTCUT_SHARE:
            problems.append(
                f"stance {label}: only {share:.0%} of its comments avoid its ten most distinctive words "
                f"({', '.join(sorted(top))}); at least {SHORTCUT_SHARE:.0%} should"
            )
    return problems


def stats(paths) -> dict:
    """Counts per file, label, category, tag and length band (for the datasheet)."""
    rows, problems = load(paths)
    if problems:
        raise DataError("; ".join(problems))
    out: dict[str, Any] = {
        "files": Counter(),
        "stance": Counter(),
        "stance_alt": 0,
        "uncivil": Counter(),
        "categories": Counter(),
        "tags": Counter(),
        "length": Counter(),
        "uncivil_by_stance": defaultdict(Counter),
        "shortcuts": {},
    }
    for path, row in rows:
        out["files"][path.name] += 1
        out["stance"][row.get("stance", "-")] += 1
        out["stance_alt"] += "stance_alt" in row
        out["uncivil"]["uncivil" if row.get("uncivil") else "civil"] += 1
        out["uncivil_by_stance"][row.get("stance", "-")]["uncivil" if row.get("uncivil") else "civil"] += 1
        out["categories"].update(row.get("categories", []))
        out["tags"].update(row.get("tags", []))
        n = len(row["text"].split())
        out["length"][next(name for lo, hi, name in LENGTH_BANDS if lo <= n <= hi)] += 1
    plain = [row for _, row in rows]
    for label in STANCES:
        top = distinctive_words(plain, label)
        of_label = [r for r in plain if r.get("stance") == label]
        avoid = sum(1 for r in of_label if not set(top) & set(words(r["text"])))
        out["shortcuts"][label] = {"words": top, "avoid_share": round(avoid / max(1, len(of_label)), 3)}
    out["total"] = len(rows)
    return out


def markdown(s) -> str:
    """The datasheet's tables, exactly as ``moderation data stats --markdown`` prints them."""

    def table(title, counter, order=None):
        keys = order or sorted(counter, key=lambda k: (-counter[k], k))
        lines = [f"| {title} | comments |", "|---|---:|"] + [f"| {k} | {counter[k]} |" for k in keys]
        return "\n".join(lines)

    parts = [
        f"Total: {s['total']} comments; {s['stance_alt']} carry a `stance_alt`.",
        table("file", s["files"]),
        table("stance", s["stance"], list(STANCES)),
        "| stance | civil | uncivil |\n|---|---:|---:|\n"
        + "\n".join(
            f"| {k} | {s['uncivil_by_stance'][k]['civil']} | {s['uncivil_by_stance'][k]['uncivil']} |" for k in STANCES
        ),
        table("incivility", s["uncivil"], ["civil", "uncivil"]),
        table("category", s["categories"], list(CATEGORIES)),
        table("length", s["length"], [name for _, _, name in LENGTH_BANDS]),
        table("tag", s["tags"]),
        "| stance | ten most distinctive words | share avoiding them |\n|---|---|---:|\n"
        + "\n".join(f"| {k} | {', '.join(v['words'])} | {v['avoid_share']:.0%} |" for k, v in s["shortcuts"].items()),
    ]
    return "\n\n".join(parts) + "\n"
