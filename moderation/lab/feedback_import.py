"""``moderation feedback import``: a site's moderation history as moderator-labelled examples.

Reads JSON Lines or CSV in DESIGN.md's labelled-data format (``text`` plus any
of ``stance``, ``stance_alt``, ``uncivil``, ``categories``, ``spans``,
``tags``) with optional ``decision`` (approved/rejected), ``reason`` and
``decided_at`` (ISO 8601).  The whole file is validated first: one bad row
means nothing is stored, and every bad row is reported with its line number.
Importing the same file twice adds nothing (rows are fingerprinted).
"""

import csv
import json
from datetime import UTC, datetime
from pathlib import Path

from moderation import vocabulary as vocab
from moderation.storage import labelled_examples
from moderation.vocabulary import CATEGORIES, STANCES

DECISIONS = (vocab.APPROVED, vocab.REJECTED)
KNOWN = {"id", "text", "stance", "stance_alt", "uncivil", "categories", "spans", "tags", "decision", "reason"}
KNOWN |= {"decided_at", "note", "source"}


class FeedbackFileError(ValueError):
    """A file that failed validation: ``errors`` lists ``(line, message)``."""

    def __init__(self, path, errors):
        self.errors = errors
        super().__init__(f"{path}: {len(errors)} bad row(s); nothing was imported")


def read(path) -> tuple[list[tuple[int, object]], list[tuple[int, str]]]:
    """``(line, raw row)`` pairs and the lines that could not be parsed at all."""
    path = Path(path)
    rows, errors = [], []
    if path.suffix.lower() == ".csv":
        with open(path, newline="", encoding="utf-8") as f:
            reader = csv.DictReader(f)
            if not reader.fieldnames or "text" not in reader.fieldnames:
                return [], [(1, "the header must name a 'text' column")]
            for n, row in enumerate(reader, start=2):
                rows.append((n, _from_csv(row)))
        return rows, errors
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                rows.append((n, json.loads(line)))
            except json.JSONDecodeError as exc:
                errors.append((n, f"not JSON ({exc.msg})"))
    return rows, errors


def _from_csv(row):
    out = {k: v for k, v in row.items() if k is not None and v not in (None, "")}
    for column in ("categories", "spans", "tags"):
        if column in out:
            try:
                out[column] = json.loads(out[column])
            except ValueError:
                out[column] = [v.strip() for v in out[column].split(",") if v.strip()]
    if "uncivil" in out:
        value = str(out["uncivil"]).strip().lower()
        out["uncivil"] = (
            True if value in ("1", "true", "yes", "ja") else False if value in ("0", "false", "no", "nee") else value
        )
    return out


def validate(row) -> tuple[dict | None, list[str]]:
    """The clean row, or None and what is wrong with it."""
    if not isinstance(row, dict):
        return None, ["a row must be a JSON object"]
    problems = []
    unknown = sorted(set(row) - KNOWN)
    if unknown:
        problems.append(f"unknown field(s) {', '.join(unknown)}")
    text = row.get("text")
    if not isinstance(text, str) or not text.strip():
        problems.append("'text' must be a non-empty string")
    elif any(ord(ch) < 32 and ch not in "\t\n\r" for ch in text):
        problems.append("'text' contains control characters")
    for field in ("stance", "stance_alt"):
        if row.get(field) is not None and row[field] not in STANCES:
            problems.append(f"'{field}' must be one of {', '.join(STANCES)}, not {row[field]!r}")
    if row.get("uncivil") is not None and not isinstance(row["uncivil"], bool):
        problems.append("'uncivil' must be true or false")
    categories = row.get("categories")
    if categories is not None:
        if not isinstance(categories, list) or any(c not in CATEGORIES for c in categories):
            problems.append(f"'categories' must be a list of {', '.join(CATEGORIES)}")
        elif categories and row.get("uncivil") is not True:
            problems.append("'categories' need 'uncivil': true")
    for field in ("spans", "tags"):
        if row.get(field) is not None and not isinstance(row[field], list):
            problems.append(f"'{field}' must be a list")
    if isinstance(text, str) and isinstance(row.get("spans"), list):
        for span in row["spans"]:
            if not (isinstance(span, list) and len(span) >= 2 and all(isinstance(v, int) for v in span[:2])):
                problems.append(f"span {span!r} must be [start, end] or [start, end, category]")
            elif not 0 <= span[0] < span[1] <= len(text):
                problems.append(f"span {span[:2]} is outside the text")
    if row.get("decision") is not None and row["decision"] not in DECISIONS:
        problems.append(f"'decision' must be approved or rejected, not {row['decision']!r}")
    decided_at = None
    if row.get("decided_at") is not None:
        try:
            decided_at = datetime.fromisoformat(str(row["decided_at"]).replace("Z", "+00:00"))
            decided_at = decided_at if decided_at.tzinfo else decided_at.replace(tzinfo=UTC)
        except ValueError:
            problems.append(f"'decided_at' must be an ISO 8601 time, not {row['decided_at']!r}")
    if row.get("reason") is not None and not isinstance(row["reason"], str):
        problems.append("'reason' must be a string")
    if problems:
        return None, problems
    clean = {k: row[k] for k in labelled_examples.LABEL_FIELDS if row.get(k) is not None}
    if clean.get("uncivil") is False:
        clean["categories"] = []
    clean.update(text=text, decision=row.get("decision"), reason=row.get("reason"), decided_at=decided_at)
    return clean, []


def run(db, path, site_id=None) -> dict:
    """Validate the whole file, then store it; returns counts.  Raises FeedbackFileError listing bad rows."""
    raw, errors = read(path)
    clean = []
    for line, row in raw:
        ok, problems = validate(row)
        errors += [(line, p) for p in problems]
        if ok is not None:
            clean.append(ok)
    if errors:
        raise FeedbackFileError(path, sorted(errors))
    stored = labelled_examples.import_rows(db, site_id, clean, imported_from=Path(path).name)
    return {
        "rows": len(clean),
        "added": stored["added"],
        "duplicates": stored["duplicates"],
        "stance": sum("stance" in r for r in clean),
        "incivility": sum("uncivil" in r for r in clean),
        "decisions_only": sum("stance" not in r and "uncivil" not in r for r in clean),
    }
