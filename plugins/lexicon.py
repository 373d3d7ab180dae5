"""A Dutch incivility lexicon that finds offending words with their character spans.

It sees through common obfuscation (k*t, kl0te, kloteeee, t y f u s, f.u.c.k,
g0dverd0mme) by matching on a normalised copy of the text that keeps a map back
to the original offsets, and it leaves innocent look-alikes alone
(Kankerbestrijding, piketdienst, "de tering naar de nering").
"""
import json
import re
from functools import lru_cache
from pathlib import Path

CATEGORIES = ("insult", "profanity", "threat", "identity_attack")
LEET = {"0": "o", "1": "i", "3": "e", "4": "a", "@": "a", "$": "s", "5": "s", "7": "t", "€": "e", "!": "i", "|": "i"}
MASK = "*#"  # a masked letter: k*t, k#t
LETTER = r"[^\W\d_]"
NEGATION = re.compile(r"\b(?:niet|geen|nooit|nergens)\b")
NEGATED_PREDICATES = re.compile(r"niet thuis|hier niet|niet hier|niet te vertrouwen|niet normaal|nergens goed voor|niks waard|niets waard|geen recht")


def _collapse(word: str) -> str:
    return re.sub(r"(.)\1+", r"\1", word)


def normalise(text: str) -> tuple[str, list[int]]:
    """Lower-case, undo leetspeak and masks inside words, join spaced-out letters
    and collapse repeated letters.  Returns the new text and, for each of its
    characters, the offset of the original character it came from."""
    chars, offsets = [], []
    n = len(text)
    for i, ch in enumerate(text):
        low = ch.lower()
        low = low if len(low) == 1 else ch
        if low in LEET or low in MASK:
            prev_alpha = i > 0 and (text[i - 1].isalpha() or text[i - 1] in LEET or text[i - 1] in MASK)
            next_alpha = i + 1 < n and (text[i + 1].isalpha() or text[i + 1] in LEET or text[i + 1] in MASK)
            word = _word_around(text, i)
            if prev_alpha and (next_alpha or low in "0135$") and sum(c.isalpha() for c in word) >= 1:
                low = "*" if low in MASK else LEET[low]
        chars.append(low)
        offsets.append(i)
    s = "".join(chars)
    s, offsets = _join_spaced_letters(s, offsets)
    out, out_offsets = [], []
    for ch, off in zip(s, offsets):
        if out and ch.isalpha() and out[-1] == ch:
            continue
        out.append(ch)
        out_offsets.append(off)
    return "".join(out), out_offsets


def _word_around(text, i):
    start = i
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    end = i
    while end < len(text) and not text[end].isspace():
        end += 1
    return text[start:end]


SPACED = re.compile(r"(?<![^\W\d_])(?:[^\W\d_*][ .\-_]){2,}[^\W\d_*](?![^\W\d_])")


def _join_spaced_letters(s, offsets):
    """'t y f u s' and 'f.u.c.k' become 'tyfus' and 'fuck' (three letters or more)."""
    keep = [True] * len(s)
    for m in SPACED.finditer(s):
        for j in range(m.start(), m.end()):
            if not s[j].isalpha():
                keep[j] = False
    return "".join(c for c, k in zip(s, keep) if k), [o for o, k in zip(offsets, keep) if k]


def _term_pattern(term: str) -> str:
    """A normalised lexicon term as a regex: masks may stand for vowels."""
    parts = []
    for ch in _collapse(term.lower()):
        if ch == " ":
            parts.append(r"\s+")
        elif ch in "aeiouy":
            parts.append(f"[{ch}*]")
        else:
            parts.append(re.escape(ch))
    return "".join(parts)


class Lexicon:
    def __init__(self, data: dict):
        self.innocent = {_collapse(w.lower()) for w in data.get("innocent", [])}
        self.innocent_phrases = [re.compile(re.escape(p.lower())) for p in data.get("innocent_phrases", [])]
        self.word_patterns = []
        self.phrase_patterns = []
        for category in CATEGORIES:
            entry = data.get(category, {})
            words = sorted(entry.get("words", []), key=len, reverse=True)
            prefixes = sorted(entry.get("prefixes", []), key=len, reverse=True)
            if words:
                alt = "|".join(_term_pattern(w) for w in words)
                self.word_patterns.append((category, re.compile(rf"(?<![^\W\d_*])(?:{alt})(?![^\W\d_*])")))
            if prefixes:
                alt = "|".join(_term_pattern(w) for w in prefixes)
                self.word_patterns.append((category, re.compile(rf"(?<![^\W\d_*])(?:{alt})[^\W\d_]*[*]?[^\W\d_]*")))
            for phrase in entry.get("phrases", []):
                self.phrase_patterns.append((category, re.compile(phrase)))

    def find(self, text: str) -> list[dict]:
        """Spans ``{"start", "end", "text", "category"}`` in the original text, in order."""
        lower = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
        shielded = self._innocent_ranges(lower)
        hits = []
        for category, pattern in self.phrase_patterns:
            for m in pattern.finditer(lower):
                if category == "identity_attack" and self._negated(m.group(0)):
                    continue
                hits.append((m.start(), m.end(), category))
        norm, offsets = normalise(text)
        for category, pattern in self.word_patterns:
            for m in pattern.finditer(norm):
                if m.group(0) in self.innocent or m.end() == m.start():
                    continue
                start, end = offsets[m.start()], offsets[m.end() - 1] + 1
                end = _extend_to_word_end(text, end)
                if any(s <= start and end <= e for s, e in shielded):
                    continue
                hits.append((start, end, category))
        return _resolve(text, hits)

    def _innocent_ranges(self, lower):
        return [(m.start(), m.end()) for p in self.innocent_phrases for m in p.finditer(lower)]

    @staticmethod
    def _negated(phrase):
        return bool(NEGATION.search(NEGATED_PREDICATES.sub("", phrase)))


def _extend_to_word_end(text, end):
    """A collapsed repeat (kloteeee) ends the match early: take the whole word."""
    while end < len(text) and (text[end].isalpha() or text[end] in MASK):
        end += 1
    return end


def _resolve(text, hits):
    """Drop spans inside a longer span; keep the order of the text."""
    hits.sort(key=lambda h: (h[0], -(h[1] - h[0])))
    spans = []
    for start, end, category in hits:
        if spans and start < spans[-1]["end"]:
            if end <= spans[-1]["end"] and spans[-1]["category"] in ("threat", "identity_attack"):
                continue
            if end <= spans[-1]["end"] and category not in ("threat", "identity_attack"):
                continue
        spans.append({"start": start, "end": end, "text": text[start:end], "category": category})
    return spans


@lru_cache(maxsize=4)
def load(path: str | None = None) -> Lexicon:
    path = Path(path) if path else Path(__file__).with_name("lexicon_nl.json")
    return Lexicon(json.loads(path.read_text(encoding="utf-8")))
