"""A Dutch incivility lexicon that finds offending words with their character spans.

Matching works per word ("token"): each token of the comment gets a normalised
key (lower case, leetspeak undone inside words: kl0te, w@nkers, b3k; runs of
three or more equal letters collapsed: kloteeee; masks filled in: k*t, gel*l),
and the key is looked up as a whole word, as the head of a compound
(klotesysteem) or as the tail of one (regeltjesneukers).  Letters spaced out
(t y f u s, f.u.c.k) are joined into one token first.  Threats and identity
attacks, which are about what a sentence says rather than one word, are
regular expressions over the lower-cased text (``phrases``).

Innocent look-alikes are whole words (``innocent``: Kankerbestrijding,
piketdienst, Kuttekoven) or phrases that shield what they cover
(``innocent_phrases``: "de tering naar de nering", "heeft kanker").  A compound
head or tail never matches a capitalised place or street name (Lulofsstraat),
and a disease used as a compound head with a medical tail (kankerpreventie,
tyfusuitbraak: ``innocent_compounds``) is not a curse.

Before matching, Unicode disguises are undone (``lexicon_text.fold``: NFKC,
zero-width and format characters, Cyrillic and Greek look-alikes, emoji used as
a mask); after it, each span is weighed by its sentence
(``lexicon_context.weigh``: reported speech, quotes, news of violence, threats
not aimed at a person, disease meanings) and mapped back to the exact
characters of the original text.
Dictionary look-ups instead of one big regular expression keep this fast: a
comment costs a few microseconds per word.
"""

import json
import re
from functools import lru_cache
from itertools import product
from pathlib import Path
from typing import cast

from moderation.analysis import Span
from moderation.vocabulary import CATEGORIES, IDENTITY_ATTACK
from plugins.lexicon_context import weigh
from plugins.lexicon_text import fold, key_of, normalise, tokens

__all__ = ["CATEGORIES", "Lexicon", "key_of", "load", "normalise"]

WORD_START = r"(?<![^\W\d_])(?=[^\W\d_])"
RUN2 = re.compile(r"([^\W\d_])\1{2,}")
FILLS = ("o", "u", "e", "a", "i", "oe", "ui", "ij", "ou", "ee", "oo", "aa")
PLACE_ENDINGS = (
    "straat",
    "laan",
    "weg",
    "plein",
    "gracht",
    "kade",
    "dijk",
    "koven",
    "hoven",
    "dorp",
    "veen",
    "broek",
    "horst",
    "dam",
    "hoek",
    "burg",
    "berg",
    "wijk",
    "stad",
)
NEGATION = re.compile(
    r"\b(?:zijn|is|worden|waren|horen|moeten|mogen) (?:helemaal |echt |heus |absoluut |ook )?(?:niet|geen|nooit)\b"
    r"|\bniet (?:alle|allemaal)\b|\bgeen enkele\b|\bnooit\b"
)
NEGATED_PREDICATES = re.compile(
    r"niet thuis|hier niet|niet hier|niet te vertrouwen|niet normaal|nergens goed voor|"
    r"niks waard|niets waard|geen recht|niet eens|niet in|niks te zoeken|geen klap"
)


class Lexicon:
    def __init__(self, data: dict):
        self.innocent = {w.lower() for w in data.get("innocent", [])} | {key_of(w) for w in data.get("innocent", [])}
        phrases = [p.lower() for p in data.get("innocent_phrases", [])]
        self.innocent_phrases = re.compile(_trie(phrases, " ")) if phrases else None
        self.words, self.prefixes, self.suffixes = {}, {}, {}
        multiword, self.phrase_patterns = [], []
        for category in CATEGORIES:
            entry = data.get(category, {})
            for word in entry.get("words", []):
                if " " in word:
                    multiword.append((category, word))
                else:
                    self.words.setdefault(key_of(word), category)
            for word in entry.get("prefixes", []):
                if " " in word:
                    multiword.append((category, word))
                else:
                    self.prefixes.setdefault(key_of(word), category)
            for word in entry.get("suffixes", []):
                self.suffixes.setdefault(key_of(word), category)
            for phrase in entry.get("phrases", []):
                self.phrase_patterns.append((category, re.compile(phrase)))
        for category in CATEGORIES:
            words = [w.lower() for c, w in multiword if c == category]
            if words:
                alternatives = _trie(words, r"\s+")
                self.phrase_patterns.append((category, re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")))
        # one scan per category, tried only where a word starts: a third of the cost of one scan per phrase
        self.phrase_scans = [
            (
                category,
                re.compile(
                    WORD_START
                    + "(?:"
                    + "|".join(f"(?:{p.pattern})" for c, p in self.phrase_patterns if c == category)
                    + ")"
                ),
            )
            for category in CATEGORIES
            if any(c == category for c, _ in self.phrase_patterns)
        ]
        compounds = data.get("innocent_compounds", {})
        self.innocent_heads = tuple(h.lower() for h in compounds.get("heads", []))
        self.innocent_tails = frozenset(t.lower() for t in compounds.get("tails", []))
        self.prefix_lengths = sorted({len(p) for p in self.prefixes}, reverse=True)
        self.suffix_lengths = sorted({len(s) for s in self.suffixes}, reverse=True)

    def find(self, text: str) -> list[Span]:
        """Spans ``{"start", "end", "text", "category", "confidence"}`` (threats also ``targeted``)
        in the original text, in order: the text is folded (``lexicon_text.fold``), matched, the
        spans weighed by their sentence (``lexicon_context.weigh``) and mapped back."""
        folded, back = fold(text)
        spans = weigh(folded, self._find(folded))
        if back is not None:
            for span in spans:
                span["start"], span["end"] = back[span["start"]], back[span["end"] - 1] + 1
                span["text"] = text[span["start"] : span["end"]]
        return cast(list[Span], spans)

    def _find(self, text: str) -> list[dict]:
        lower = text.lower()
        if len(lower) != len(text):  # a few characters (İ) lower-case to two: keep offsets aligned
            lower = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
        shielded = (
            [(m.start(), m.end()) for m in self.innocent_phrases.finditer(lower)] if self.innocent_phrases else []
        )
        hits = []
        for category, pattern in self.phrase_scans:
            for m in pattern.finditer(lower):
                if category == IDENTITY_ATTACK and _negated(m.group(0)):
                    continue
                if any(s <= m.start() and m.end() <= e for s, e in shielded):
                    continue
                hits.append((m.start(), m.end(), category))
        cache = self.__dict__.setdefault("_categories", {})
        if len(cache) > 100_000:
            cache.clear()
        for start, end, key in tokens(text):
            original = text[start:end]
            found: str | None = cache.get(original, "") if key is None else ""
            if found == "":
                found = self.classify(key or key_of(original), original)
                if key is None:
                    cache[original] = found
            if found and not any(s <= start and end <= e for s, e in shielded):
                hits.append((start, end, found))
        return _resolve(text, hits) if hits else []

    def classify(self, key: str, original: str = "") -> str | None:
        """The category of one token's key, or None."""
        if key in self.innocent or original.lower() in self.innocent:
            return None
        if "*" in key:
            return self._masked(key, original)
        if RUN2.search(original.lower()):  # kloootzaaak: each run may stand for one letter or two (klootzak)
            for variant in _run_variants(original.lower()):
                category = self._lookup(variant, original)
                if category:
                    return category
        if "-" in key:
            return self.words.get(key) or next(
                (
                    c
                    for part in key.split("-")
                    if part and part not in self.innocent
                    for c in [self._lookup(part, original)]
                    if c
                ),
                None,
            )
        return self._lookup(key, original)

    def _lookup(self, key, original):
        category = self.words.get(key)
        if category or len(key) < 3:
            return category
        place = original[:1].isupper() and key.endswith(PLACE_ENDINGS)
        if key.startswith(self.innocent_heads) and self._medical(key):
            return None
        for n in self.prefix_lengths:
            if n <= len(key) and key[:n] in self.prefixes:
                return None if place and n < len(key) else self.prefixes[key[:n]]
        for n in self.suffix_lengths:
            if n + 3 <= len(key) and key[-n:] in self.suffixes:
                return None if place else self.suffixes[key[-n:]]
        return None

    def _medical(self, key):
        """kankerpreventie, tyfus-uitbraak: a disease head with a medical tail."""
        head = next(h for h in self.innocent_heads if key.startswith(h))
        tail = key[len(head) :].lstrip("-")
        return tail in self.innocent_tails or (tail[:1] == "s" and tail[1:].lstrip("-") in self.innocent_tails)

    def _masked(self, key, original):
        """k*t, gel*l, g*dvergeten: try the usual vowels for each mask (at most two masks)."""
        if key.count("*") > 2 or not key.replace("*", ""):
            return None
        candidates = [key]
        while any("*" in c for c in candidates):
            candidates = [c.replace("*", fill, 1) for c in candidates for fill in FILLS]
        for candidate in candidates:
            category = self._lookup(candidate, original)
            if category and candidate not in self.innocent:
                return category
        return None


def _trie(words, space: str) -> str:
    """One regular expression for a list of literal words or phrases, as a trie: at each position
    the engine follows one path of letters instead of trying every alternative (50 µs a comment
    for the innocent phrases as an alternation, 10 µs as a trie).  A word that is the beginning
    of another matches as the longer one when it can, as the longest-first alternation did;
    ``space`` is what a space in a phrase stands for."""
    root: dict = {}
    for word in words:
        node = root
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node) -> str:
        branches = [(space if ch == " " else re.escape(ch)) + emit(rest) for ch, rest in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return emit(root)


def _run_variants(word):
    """The spellings with each run of three or more letters as one letter or two (at most three runs)."""
    parts = RUN2.split(word)  # text, letter, text, letter, ...
    runs = parts[1::2][:3]
    for choice in product((1, 2), repeat=len(runs)):
        out = [parts[0]]
        for i, letter in enumerate(parts[1::2]):
            out += [letter * (choice[i] if i < len(choice) else 1), parts[2 * i + 2]]
        yield "".join(out)


def _negated(phrase):
    return bool(NEGATION.search(NEGATED_PREDICATES.sub("", phrase)))


def _resolve(text, hits):
    """Drop spans inside a longer span (a threat or identity attack keeps the words inside it
    only when they are of another kind); keep the order of the text."""
    hits.sort(key=lambda h: (h[0], -(h[1] - h[0])))
    spans = []
    for start, end, category in hits:
        if spans and start < spans[-1]["end"] and end <= spans[-1]["end"]:
            continue
        if spans and start < spans[-1]["end"]:
            start = spans[-1]["end"]
            while start < end and not text[start].isalnum():
                start += 1
            if start >= end:
                continue
        spans.append({"start": start, "end": end, "text": text[start:end], "category": category})
    return spans


@lru_cache(maxsize=4)
def load(path: str | None = None) -> Lexicon:
    file = Path(path) if path else Path(__file__).with_name("lexicon_nl.json")
    return Lexicon(json.loads(file.read_text(encoding="utf-8")))


# Who a threat is aimed at: the reader addressed (je, u, jullie), a person pointed at (hem, haar, die
# vent), an @mention, or a person by role or title (wethouder, burgemeester, ambtenaar, meneer X).
THREAT_TARGET = re.compile(
    r"(?<![\w@])(?:je|jij|jou|jouw|u|uw|jullie|hem|haar|@\w+"
    r"|(?:meneer|mevrouw|mr\.?|mw\.?|dhr\.?) [A-Z]\w+"
    r"|(?:die|deze|dat|de|onze|jullie|hun) (?:man|vrouw|vent|gast|kerel|figuur|griet|wijf|mannetje|vrouwtje)"
    r"|(?:oud-|loco-?|ex-)?(?:wethouders?|burgemeesters?|ambtena(?:ar|ren)|raadsleden|raadslid|gemeenteraadsleden"
    r"|ministers?|staatssecretaris(?:sen)?|premier|gedeputeerden?|commissaris(?:sen)?|directeur(?:en|s)?"
    r"|politici|politicus|bestuurders?|wethoudster|agent(?:en|es)?|boa'?s?|journalist(?:en|e)?"
    r"|moderators?|rechters?|officier van justitie|inspecteurs?|ambtenaartje|bobo'?s)"
    r")(?!\w)",
    re.IGNORECASE,
)
SENTENCE_END = re.compile(r"[.!?\n]")


def threat_target(text: str, start: int, end: int) -> str | None:
    """The person a threat span ``text[start:end]`` is aimed at, in the span or its sentence; None when
    it names nobody (a threat with no target is not urgent: "dat gebouw moet in de fik")."""
    left = max((m.end() for m in SENTENCE_END.finditer(text, 0, start)), default=0)
    right = SENTENCE_END.search(text, end)
    sentence = text[left : right.start() if right else len(text)]
    found = THREAT_TARGET.search(text[start:end]) or THREAT_TARGET.search(sentence)
    return found.group(0) if found else None
