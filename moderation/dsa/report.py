"""The yearly transparency report's figures (Art. 15 DSA; the harmonised templates of
Implementing Regulation (EU) 2024/2835), computed from plain rows of the audit trail
(``storage.dsa_report.rows``).  Pure: the same rows give the same figures.

Times are in hours; a median of nothing is ``None``.
"""

import csv
import io
from collections import Counter
from statistics import median

from moderation import vocabulary as vocab


def _hours(start, end) -> float:
    return (end - start).total_seconds() / 3600


def _median(values):
    return round(median(values), 2) if values else None


def compute(rows: dict) -> dict:
    """``rows``: ``notices`` (ground, category, state, automated, received_at, decided_at),
    ``statements`` (bodies), ``appeals`` (appellant, state, received_at, decided_at),
    ``automatic`` (policy decisions: comment_id, status) and ``overturned`` (comment ids
    whose automatic decision a moderator changed)."""
    notices = rows["notices"]
    decided = [n for n in notices if n["state"] != vocab.NOTICE_OPEN]
    own = [
        s
        for s in rows["statements"]
        if s["source_type"] == "SOURCE_VOLUNTARY" and s["decision_visibility"] != ["DECISION_VISIBILITY_OTHER"]
    ]
    appeals = rows["appeals"]
    closed = [a for a in appeals if a["state"] != vocab.APPEAL_OPEN]
    automatic = rows["automatic"]
    overturned = [a for a in automatic if a["comment_id"] in rows["overturned"]]
    n_auto = len(automatic)
    return {
        "site": rows["site"],
        "year": rows["year"],
        "role": rows.get("role"),
        # Art. 15(2): micro and small enterprises need not publish one
        "report_required": rows.get("report_required", True),
        "notices": {
            "received": len(notices),
            "by_category": dict(sorted(Counter(n["category"] for n in notices).items())),
            "by_ground": dict(sorted(Counter(n["ground"] for n in notices).items())),
            "handled_by_automated_means": sum(1 for n in decided if n["automated"]),
            "upheld": sum(1 for n in notices if n["state"] == vocab.NOTICE_UPHELD),
            "dismissed": sum(1 for n in notices if n["state"] == vocab.NOTICE_DISMISSED),
            "open": sum(1 for n in notices if n["state"] == vocab.NOTICE_OPEN),
            "median_hours_to_action": _median([_hours(n["received_at"], n["decided_at"]) for n in decided]),
        },
        "own_initiative": {
            "total": len(own),
            "by_type": dict(sorted(Counter(v for s in own for v in s["decision_visibility"]).items())),
            "by_detection": {
                "automated": sum(1 for s in own if s["automated_detection"] == "Yes"),
                "not_automated": sum(1 for s in own if s["automated_detection"] == "No"),
            },
            "by_decision": dict(sorted(Counter(s["automated_decision"] for s in own).items())),
            "by_ground": dict(sorted(Counter(s["decision_ground"] for s in own).items())),
            "by_category": dict(sorted(Counter(s["category"] for s in own).items())),
        },
        "appeals": {
            "received": len(appeals),
            "by_basis": dict(sorted(Counter(a["appellant"] for a in appeals).items())),
            "by_outcome": dict(sorted(Counter(a["state"] for a in appeals).items())),
            "median_hours_to_decide": _median([_hours(a["received_at"], a["decided_at"]) for a in closed]),
            "reversed": sum(1 for a in appeals if a["state"] == vocab.APPEAL_REVERSED),
        },
        "automated_means": {
            "automatic_decisions": n_auto,
            "overturned_by_moderators": len(overturned),
            "accuracy": round(1 - len(overturned) / n_auto, 4) if n_auto else None,
            "error_rate": round(len(overturned) / n_auto, 4) if n_auto else None,
            "audit_sample": rows.get("audit_sample"),
        },
    }


def to_csv(report: dict) -> str:
    """One row per figure: section, metric, key, value."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["site", "year", "section", "metric", "key", "value"])
    for section in ("notices", "own_initiative", "appeals", "automated_means"):
        for metric, value in report[section].items():
            if isinstance(value, dict):
                for key, n in value.items():
                    writer.writerow([report["site"], report["year"], section, metric, key, n])
            else:
                writer.writerow([report["site"], report["year"], section, metric, "", "" if value is None else value])
    return out.getvalue()
