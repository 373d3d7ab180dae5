"""Reading labelled comments (JSON Lines or CSV, the format of DESIGN.md)."""

import csv
import hashlib
import json
import re
from pathlib import Path

from moderation.vocabulary import CIVIL, INCIVILITY, STANCE, UNCIVIL

LIST_COLUMNS = ("categories", "spans", "tags")
# a spreadsheet runs a cell starting with one of these as a formula ("=HYPERLINK(...)")
FORMULA_START = re.compile(r"'*[=+\-@\t\r]")


def neutralise_cell(value: str) -> str:
    """A CSV cell no spreadsheet runs as a formula: a leading ``'`` (shown as text)
    when it starts with ``= + - @``, a tab or CR, after any apostrophes, so that
    ``restore_cell`` gives back exactly the text (span offsets stay right)."""
    return "'" + value if FORMULA_START.match(value) else value


def restore_cell(value: str) -> str:
    return value[1:] if value.startswith("'") and FORMULA_START.match(value[1:]) else value


class DataError(ValueError):
    pass


def read_rows(path) -> list[dict]:
    """Every row of a .jsonl or .csv file, with its line number as ``_line``."""
    path = Path(path)
    rows = []
    if path.suffix.lower() == ".csv":
        with open(path, newline="", encoding="utf-8") as f:
            for n, row in enumerate(csv.DictReader(f), start=2):
                rows.append(_from_csv(row, path, n))
        return rows
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except ValueError as exc:
                raise DataError(f"{path}:{n}: not JSON ({exc})") from exc
            if not isinstance(row, dict):
                raise DataError(f"{path}:{n}: a line must be a JSON object")
            row["_line"] = n
            rows.append(row)
    return rows


def _from_csv(row, path, n):
    out = {k: v for k, v in row.items() if v not in (None, "")}
    if isinstance(out.get("text"), str):
        out["text"] = restore_cell(out["text"])
    for column in LIST_COLUMNS:
        if column in out:
            try:
                out[column] = json.loads(out[column])
            except ValueError:
                out[column] = (
                    [v.strip() for v in out[column].split(",") if v.strip()] if column != "spans" else out[column]
                )
    if "uncivil" in out:
        out["uncivil"] = str(out["uncivil"]).strip().lower() in ("1", "true", "yes", "ja")
    out["_line"] = n
    return out


def label_of(row: dict, task: str):
    """The row's label for ``task``, or None when the row does not carry it."""
    if task == STANCE:
        return row.get("stance")
    if task == INCIVILITY:
        value = row.get("uncivil")
        return None if value is None else (UNCIVIL if value else CIVIL)
    raise ValueError(f"unknown task {task!r}")


def labelled(paths, task) -> tuple[list[str], list[str], list[dict]]:
    """Texts and labels of every row in ``paths`` that has a label for ``task``."""
    texts, labels, files = [], [], []
    for path in paths:
        rows = read_rows(path)
        used = 0
        for row in rows:
            label = label_of(row, task)
            if label is not None and row.get("text"):
                texts.append(row["text"])
                labels.append(label)
                used += 1
        files.append({"path": display_path(path), "sha256": file_sha256(path), "rows": used})
    return texts, labels, files


def space_texts(paths) -> list[str]:
    """Every text in ``paths`` labelled for any task: what the shared vocabulary and idf are fitted on."""
    tasks = ("stance", "incivility")
    return [
        row["text"]
        for path in paths
        for row in read_rows(path)
        if row.get("text") and any(label_of(row, task) is not None for task in tasks)
    ]


def categories_of(paths) -> list[list[str]]:
    """The incivility categories of every row with an incivility label, in the order of ``labelled``."""
    return [
        list(row.get("categories") or [])
        for path in paths
        for row in read_rows(path)
        if label_of(row, INCIVILITY) is not None and row.get("text")
    ]


def display_path(path) -> str:
    """A path relative to the project when it is inside it, so metadata is the same on every checkout."""
    from moderation.config import PROJECT_ROOT

    resolved = Path(path).resolve()
    return str(resolved.relative_to(PROJECT_ROOT)) if resolved.is_relative_to(PROJECT_ROOT) else str(path)


def file_sha256(path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
