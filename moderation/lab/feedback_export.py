"""Moderators' decisions and corrections as labelled examples (DESIGN.md "Labelled data format").

One row per reviewed comment, from what a person said about it, never from
what a model guessed:
- ``stance`` only from a stance correction;
- ``uncivil``/``categories`` from an incivility correction or a label a
  moderator confirmed (the audit sample, "was the flag wrong?" when
  approving), else from the last decision only where it says so: rejected for
  insult, profanity, threat or identity attack means uncivil with that
  category.  An approval is not a label: it says "may stay online under this
  site's rules", not "civil" (a site may leave a profane comment online), so
  a bare approval exports no incivility label;
- ``spans`` are the model's spans of a category the moderator confirmed (they
  saw them highlighted), only on uncivil rows;
- ``tags`` only from rejection reasons (spam, off-topic, personal data).
A comment with none of these (escalated only, rejected as "other") is left out.
"""

import csv
import json
import os
import tempfile
from pathlib import Path

from moderation import vocabulary as vocab
from moderation.ml.corpus import neutralise_cell
from moderation.storage import audit as reports
from moderation.vocabulary import CATEGORIES

REASON_TAGS = {vocab.SPAM: "spam", vocab.OFF_TOPIC: "off-topic", vocab.PERSONAL_DATA: "contains-pii"}
COLUMNS = ("id", "text", "stance", "uncivil", "categories", "spans", "tags")


def example(row) -> dict | None:
    """The labelled example for one reviewed comment, or None when it carries no label."""
    out = {"id": f"queue-{row['comment_id']}", "text": row["text"]}
    corrections, decision = row["corrections"], row["decision"] or {}
    if vocab.STANCE in corrections and corrections[vocab.STANCE].get("stance"):
        out["stance"] = corrections[vocab.STANCE]["stance"]
    uncivil, categories = None, []
    if vocab.INCIVILITY in corrections:
        uncivil = bool(corrections[vocab.INCIVILITY].get("uncivil"))
        categories = [c for c in corrections[vocab.INCIVILITY].get("categories") or [] if c in CATEGORIES]
    elif decision.get("status") == vocab.REJECTED and decision.get("reason") in CATEGORIES:
        uncivil, categories = True, [decision["reason"]]
    if uncivil is not None and (categories or not uncivil):
        out.update(
            uncivil=uncivil,
            categories=sorted(categories) if uncivil else [],
            spans=_spans(row, categories) if uncivil else [],
        )
        if not out["spans"]:
            out.pop("spans") if uncivil else None
    tag = REASON_TAGS.get(decision.get("reason") or "") if decision.get("status") == vocab.REJECTED else None
    if tag:
        out["tags"] = [tag]
    return out if len(out) > 2 else None


def _spans(row, categories):
    text = row["text"]
    found = []
    for span in (row["analysis"].get("incivility") or {}).get("spans") or []:
        try:
            start, end = int(span["start"]), int(span["end"])
        except (KeyError, TypeError, ValueError):
            continue
        if span.get("category") in categories and 0 <= start < end <= len(text) and text[start:end].strip():
            found.append([start, end, span["category"]])
    if {s[2] for s in found} != set(categories):  # the spans must account for every category, or carry none
        found = [s[:2] for s in found]
    return sorted(found)


def _cell(value) -> str:
    """One CSV cell; comment text starting with = + - @ gets a leading ' so no
    spreadsheet runs it as a formula (``corpus.read_rows`` takes it off again)."""
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    return neutralise_cell(str(value))


def export(db, out_path) -> dict:
    """Write every labelled example to ``out_path`` (.jsonl, or .csv); returns counts."""
    out_path = Path(out_path)
    examples, unlabelled = [], 0
    for row in reports.feedback(db):
        ex = example(row)
        if ex is None:
            unlabelled += 1
        else:
            examples.append(ex)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=out_path.parent, prefix=".feedback-", suffix=out_path.suffix)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            if out_path.suffix.lower() == ".csv":
                writer = csv.DictWriter(f, fieldnames=COLUMNS)
                writer.writeheader()
                for ex in examples:
                    writer.writerow({k: _cell(v) for k, v in ex.items()})
            else:
                for ex in examples:
                    f.write(json.dumps(ex, ensure_ascii=False) + "\n")
        os.replace(tmp, out_path)
    except BaseException:
        os.unlink(tmp)
        raise
    return {
        "examples": len(examples),
        "unlabelled": unlabelled,
        "stance": sum("stance" in ex for ex in examples),
        "incivility": sum("uncivil" in ex for ex in examples),
    }
