"""Comment text as HTML with the offending spans marked.

The text is hostile input: every piece of it is escaped, and only the
``<mark>`` elements built here are markup.  Spans are character offsets into
the text (DESIGN.md); broken, out-of-range and overlapping spans are mended
rather than trusted.
"""

from markupsafe import Markup, escape

from moderation import vocabulary as vocab
from moderation.pages.wording import CATEGORIES


def clean_spans(spans, length) -> list[tuple[int, int, list[str]]]:
    """Sorted, non-overlapping ``(start, end, categories)`` inside ``[0, length]``."""
    found = []
    for span in spans or ():
        try:
            start, end = int(span["start"]), int(span["end"])
        except (KeyError, TypeError, ValueError):
            continue
        start, end = max(0, start), min(length, end)
        if start < end:
            found.append((start, end, str(span.get("category") or "")))
    found.sort()
    merged = []
    for start, end, category in found:
        if merged and start < merged[-1][1]:
            last = merged[-1]
            merged[-1] = (last[0], max(last[1], end), last[2] + ([category] if category not in last[2] else []))
        else:
            merged.append((start, end, [category]))
    return merged


def highlight(text: str, spans) -> Markup:
    text = text or ""
    out, pos = [], 0
    for start, end, categories in clean_spans(spans, len(text)):
        known = [c for c in categories if c in CATEGORIES]
        names = ", ".join(CATEGORIES[c].lower() for c in known) or "aanstootgevend"
        out.append(escape(text[pos:start]))
        out.append(
            Markup('<mark class="span span-{}" title="{}">{}<span class="visually-hidden"> [{}]</span></mark>').format(
                known[0] if known else vocab.OTHER, names, text[start:end], names
            )
        )
        pos = end
    out.append(escape(text[pos:]))
    return Markup("").join(out)


def safe_url(url) -> str | None:
    """A link target only for http(s) URLs; anything else is shown as text, never linked."""
    if isinstance(url, str) and url.strip().lower().startswith(("https://", "http://")):
        return url.strip()
    return None
