"""The article page's chart: one bar per stance, split into civil and uncivil parts."""

from moderation.pages import wording


def chart_rows(stats, width=420):
    """Bars for the article chart: one per stance, civil and uncivil parts, widths in pixels."""
    largest = max([s["total"] for s in stats["stances"].values()] + [1])
    rows = []
    for _i, label in enumerate(list(wording.STANCES) + ["unknown"]):
        entry = stats["stances"].get(label)
        if entry is None and label == "unknown":
            continue
        entry = entry or {"total": 0, "uncivil": 0}
        total_w = round(width * entry["total"] / largest)
        uncivil_w = round(width * entry["uncivil"] / largest)
        rows.append(
            {
                "label": label,
                "name": wording.STANCES.get(label, "Onbekend"),
                "total": entry["total"],
                "uncivil": entry["uncivil"],
                "civil_w": total_w - uncivil_w,
                "uncivil_w": uncivil_w,
                "share": wording.percent(entry["total"], stats["total"]),
            }
        )
    return rows
