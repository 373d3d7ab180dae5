"""How the lexicon reads text: Unicode folding with offsets back to the original,
tokens and their normalised look-up keys.

``fold`` turns what a writer can do to hide a word with Unicode into plain
letters, keeping for every character of the folded text the offset of the
original character it came from, so spans point at the original text:

- NFKC compatibility forms (full-width ｋｕｔ, mathematical 𝐤𝐮𝐭, ligatures ﬁ);
- format characters (category Cf: zero-width space and joiner, soft hyphen,
  byte-order mark, bidirectional marks) are removed;
- combining marks that do not compose with their letter (strike-through,
  underline, Zalgo) are removed; those that do (e + ¨) compose;
- look-alike letters from Cyrillic and Greek become the Latin letter they imitate;
- a symbol (emoji) between two letters becomes ``*``, the mask the matcher
  already fills in (k🤬t), and elsewhere a space (kut🤬gemeente).

Digits and signs used as letters (kl0te, w@nkers) are undone per token by
``key_of`` (``LEET``), since 1, 3 and 0 are also just numbers.
"""

import re
import unicodedata

LEET = str.maketrans(
    {
        "0": "o",
        "1": "i",
        "3": "e",
        "4": "a",
        "5": "s",
        "7": "t",
        "8": "b",
        "@": "a",
        "$": "s",
        "€": "e",
        "!": "i",
        "|": "i",
        "#": "*",
    }
)
# Cyrillic and Greek letters that look like Latin ones, lower and upper case.
LOOKALIKES = str.maketrans(
    dict(zip("авеёкмнорстухіјѕԁԛԝһӏ", "abeekmhopctyxijsdqwhl"))
    | dict(zip("АВЕЁКМНОРСТУХІЈЅԌԚԜҺӀ", "ABEEKMHOPCTYXIJSGQWHI"))
    | dict(zip("αβεικνορτυχηςϲ", "abeiknoptuxnsc"))
    | dict(zip("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧ", "ABEZHIKMNOPTYX"))
    | {"ı": "i", "ł": "l", "ø": "o", "ß": "ss"}
)
TOKEN = re.compile(r"[\w*#@$€!|]+(?:-[\w*#@$€!|]+)*")
EDGE = "!|@#*_-"
SPACED = re.compile(r"(?<![\w*])(?:[^\W\d_][ .\-_]){2,}[^\W\d_](?![\w*])")
RUN3 = re.compile(r"([^\W\d_])\1{2,}")


def fold(text: str) -> tuple[str, list[int] | None]:
    """The text with Unicode disguises undone, and per character the original offset
    (None when nothing changed: plain ASCII, the common case, costs nothing)."""
    if text.isascii():
        return text, None
    out, back = [], []
    for i, ch in enumerate(text):
        if ch.isascii():
            out.append(ch)
            back.append(i)
            continue
        kind = unicodedata.category(ch)
        if kind == "Cf":
            continue
        if kind in ("Mn", "Me"):
            composed = unicodedata.normalize("NFC", out[-1] + ch) if out else ""
            if len(composed) == 1:
                out[-1] = composed
            continue
        if kind in ("So", "Sk", "Cs", "Co"):
            mask = "*" if out and out[-1].isalpha() and i + 1 < len(text) and _letter_after(text, i) else " "
            if not (out and out[-1] == mask):
                out.append(mask)
                back.append(i)
            continue
        for c in unicodedata.normalize("NFKC", ch).translate(LOOKALIKES):
            out.append(c)
            back.append(i)
    return "".join(out), back


def _letter_after(text, i):
    """Is the next character that is not an emoji part (modifier, variation selector, joiner) a letter?"""
    for ch in text[i + 1 :]:
        if unicodedata.category(ch) in ("So", "Sk", "Cf", "Mn", "Me", "Cs"):
            continue
        return ch.isalpha()
    return False


def key_of(token: str) -> str:
    """The normalised look-up key of one token."""
    key = token.lower()
    if not key.isalpha():
        if any(c.isalpha() for c in key):
            key = key.translate(LEET)
        key = key.replace("_", "")
    return RUN3.sub(r"\1", key) if RUN3.search(key) else key


def normalise(text: str) -> tuple[str, list[int]]:
    """The text as the matcher sees it: folded, tokens normalised as in ``key_of``, spaced
    letters joined, other characters lower-cased.  Returns the new text and, for each of its
    characters, the offset of the original character it came from (for inspection and tests;
    ``Lexicon.find`` works on tokens)."""
    folded, back = fold(text)
    out, offsets, pos = [], [], 0
    for start, end, _ in tokens(folded):
        for i in range(pos, start):
            out.append(folded[i].lower())
            offsets.append(i)
        token = folded[start:end]
        leet = any(c.isalpha() for c in token) and not token.isalpha()
        chars = [
            ((folded[i].lower().translate(LEET) if leet else folded[i].lower()), i)
            for i in range(start, end)
            if folded[i].isalnum() or folded[i] in "*#@$€!|"
        ]
        for j, (ch, i) in enumerate(chars):
            run = 1
            while j - run >= 0 and chars[j - run][0] == ch:
                run += 1
            ahead = sum(1 for _ in _takewhile(chars[j:], ch))
            if ch.isalpha() and run > 1 and run + ahead - 1 >= 3:
                continue  # a run of three or more collapses to its first letter
            out.append(ch)
            offsets.append(i)
        pos = end
    for i in range(pos, len(folded)):
        out.append(folded[i].lower())
        offsets.append(i)
    return "".join(out), [back[i] for i in offsets] if back else offsets


def _takewhile(chars, ch):
    for c, _ in chars:
        if c != ch:
            return
        yield c


def tokens(text):
    """(start, end, key) per token, in text order; spaced-out letters make one token (with its
    key; other tokens have None there: ``key_of`` of their text)."""
    spaced = [(m.start(), m.end()) for m in SPACED.finditer(text)] if " " in text or "." in text else []
    out = []
    for start, end in spaced:
        out.append((start, end, key_of("".join(c for c in text[start:end] if c.isalpha()))))
    for m in TOKEN.finditer(text):
        start, end = m.span()
        if text[start] in EDGE or text[end - 1] in EDGE:
            while start < end and text[start] in EDGE:
                start += 1
            while end > start and text[end - 1] in EDGE:
                end -= 1
            if start == end:
                continue
        if spaced and any(s <= start < e for s, e in spaced):
            continue
        out.append((start, end, None))  # the key is worked out only when the token is new to the cache
    if spaced:
        out.sort()
    return out
